package examples

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otelsessions/otelsessions/integration/internal/harness"
)

// waitTimeout bounds every wait of these tests for a process: its start, its logs, its exit.
const waitTimeout = 60 * time.Second

// build builds the example at path (such as "./examples/httpservice") once per test binary.
func build(t *testing.T, path string) string {
	t.Helper()
	if testing.Short() {
		t.Skipf("skipping: -short, and this test builds %s and runs it as a process", path)
	}
	name := path[strings.LastIndex(path, "/")+1:]
	return harness.BuildNested(t, ".", path, name) // "." is the repository's own module
}

// process is an example program running as a process of its own.
type process struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser // the process's standard input
	logs  *logBuffer
	done  chan struct{} // closed when the process has exited; err is then set
	err   error
}

// start runs bin with args and env (KEY=value) added to an environment cleared of OTEL_ and BUGSNAG_
// variables. Its standard input is a pipe, open until the test closes it. The process never outlives the
// test.
func start(t *testing.T, bin string, args []string, env ...string) *process {
	t.Helper()
	cmd := exec.Command(bin, args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "OTEL_") && !strings.HasPrefix(kv, "BUGSNAG_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	p := &process{cmd: cmd, logs: &logBuffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.logs, p.logs
	cmd.WaitDelay = waitTimeout // a child that keeps the output pipes open cannot hold Wait forever
	var err error
	p.stdin, err = cmd.StdinPipe() // an *os.File: Wait waits for no copying goroutine
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		_ = p.stdin.Close()
		select {
		case <-p.done:
		default:
			_ = cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			t.Logf("%s output:\n%s", bin, p.logs.String())
		}
	})
	return p
}

// addr waits for the process's "listening" log line and returns the address it names.
func (p *process) addr(t *testing.T) string {
	t.Helper()
	var addr string
	p.waitFor(t, func(lines []logLine) bool {
		for _, l := range lines {
			if l.Msg == "listening" {
				addr = l.Addr
				return true
			}
		}
		return false
	}, "a listening log line")
	return addr
}

// waitForLogs waits until the process has logged n lines with the message msg.
func (p *process) waitForLogs(t *testing.T, msg string, n int) {
	t.Helper()
	p.waitFor(t, func(lines []logLine) bool {
		count := 0
		for _, l := range lines {
			if l.Msg == msg {
				count++
			}
		}
		return count >= n
	}, fmt.Sprintf("%d %q log lines", n, msg))
}

// waitFor polls the process's log lines until done holds, failing t if the process exits or the wait times
// out first.
func (p *process) waitFor(t *testing.T, done func([]logLine) bool, what string) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for !done(p.logs.lines()) {
		select {
		case <-p.done:
			t.Fatalf("the process exited (%v) before %s", p.err, what)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s within %s", what, waitTimeout)
		}
	}
}

// stop sends SIGTERM and fails t unless the process then exits with status 0 in time.
func (p *process) stop(t *testing.T) {
	t.Helper()
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
	p.wait(t)
}

// wait waits for the process to exit and fails t unless its status is 0.
func (p *process) wait(t *testing.T) {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(waitTimeout):
		t.Fatalf("the process did not exit within %s", waitTimeout)
	}
	require.NoError(t, p.err, "exit status")
}

// logLine is what the tests read of a zap JSON log line.
type logLine struct {
	Msg  string `json:"msg"`
	Addr string `json:"addr"`
}

// logBuffer collects a process's output, safe for its writers and the test's readers.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns what was written so far.
func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// lines decodes the JSON log lines written so far; other lines (a panic's trace) are skipped.
func (b *logBuffer) lines() []logLine {
	var lines []logLine
	for _, s := range strings.Split(b.String(), "\n") {
		var l logLine
		if strings.HasPrefix(s, "{") && json.Unmarshal([]byte(s), &l) == nil {
			lines = append(lines, l)
		}
	}
	return lines
}
