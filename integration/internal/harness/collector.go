package harness

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"syscall"
	"testing"
	"time"
)

// StartTimeout bounds how long StartCollector waits for the OTLP ports, and Stop for the exit after SIGTERM.
const StartTimeout = time.Minute

// receiverEndpoint finds the addresses the configuration's receivers listen on: every `endpoint:` key that
// starts a line (sessions_endpoint and notify_endpoint do not) with a 127.0.0.1 address.
var receiverEndpoint = regexp.MustCompile(`(?m)^\s*endpoint:\s*"?(127\.0\.0\.1:\d+)`)

// Collector is a running otelcol-sessions process, or another Collector binary started by StartBinary.
type Collector struct {
	name   string // the binary's name in messages, such as "otelcol-sessions"
	cmd    *exec.Cmd
	logs   *syncBuffer
	exited chan struct{}
	err    error // the exit status; read after exited is closed
}

// StartCollector writes configYAML to a file, starts the otelcol-sessions binary on it with env (KEY=value)
// added to this process's environment, and waits until every receiver endpoint of the configuration
// (`endpoint: 127.0.0.1:port`) accepts connections. Its stdout and stderr are captured, and logged if tb
// fails. The process never outlives the test: a cleanup kills it if neither Stop nor Kill ended it.
func StartCollector(tb testing.TB, configYAML string, env ...string) *Collector {
	tb.Helper()
	return StartBinary(tb, "otelcol-sessions", BuildCollector(tb), configYAML, env...)
}

// StartBinary is StartCollector for another Collector binary bin (such as one BuildNested built), called
// name in messages.
func StartBinary(tb testing.TB, name, bin, configYAML string, env ...string) *Collector {
	tb.Helper()
	cfg := filepath.Join(tb.TempDir(), "config.yaml")
	if err := os.WriteFile(cfg, []byte(configYAML), 0o600); err != nil {
		tb.Fatalf("write the collector config: %v", err)
	}

	c := &Collector{name: name, logs: &syncBuffer{}, exited: make(chan struct{})}
	c.cmd = exec.Command(bin, "--config", cfg) //nolint:gosec // the binary the harness built
	c.cmd.Env = append(os.Environ(), env...)
	c.cmd.Stdout, c.cmd.Stderr = c.logs, c.logs
	c.cmd.SysProcAttr = sysProcAttr()
	if err := c.cmd.Start(); err != nil {
		tb.Fatalf("start %s: %v", name, err)
	}
	go func() { c.err = c.cmd.Wait(); close(c.exited) }()
	tb.Cleanup(func() {
		if c.cmd.Process != nil && !c.Exited() {
			_ = c.cmd.Process.Kill()
			<-c.exited
		}
		if tb.Failed() {
			tb.Logf("%s (pid %d) output:\n%s", name, c.cmd.Process.Pid, c.Logs())
		}
	})

	start := time.Now()
	for _, m := range receiverEndpoint.FindAllStringSubmatch(configYAML, -1) {
		c.waitForPort(tb, m[1], start.Add(StartTimeout))
	}
	tb.Logf("%s (pid %d) answered after %s", name, c.cmd.Process.Pid, time.Since(start).Round(time.Millisecond))
	return c
}

// waitForPort polls addr until it accepts a connection, failing tb if the process exits or deadline passes.
func (c *Collector) waitForPort(tb testing.TB, addr string, deadline time.Time) {
	tb.Helper()
	for {
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			_ = conn.Close()
			return
		}
		if c.Exited() {
			tb.Fatalf("%s exited (%v) before listening on %s:\n%s", c.name, c.err, addr, c.Logs())
		}
		if time.Now().After(deadline) {
			tb.Fatalf("%s did not listen on %s within %s", c.name, addr, StartTimeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Stop sends SIGTERM, waits for the process to exit and fails tb unless it exits with status 0 in time.
func (c *Collector) Stop(tb testing.TB) {
	tb.Helper()
	start := time.Now()
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		tb.Fatalf("SIGTERM %s: %v", c.name, err)
	}
	select {
	case <-c.exited:
	case <-time.After(StartTimeout):
		tb.Fatalf("%s did not exit within %s of SIGTERM", c.name, StartTimeout)
	}
	if c.err != nil {
		tb.Fatalf("%s must exit 0 on SIGTERM, got %v", c.name, c.err)
	}
	tb.Logf("%s (pid %d) exited 0 %s after SIGTERM", c.name, c.cmd.Process.Pid,
		time.Since(start).Round(time.Millisecond))
}

// Kill sends SIGKILL and waits for the process to end: nothing it holds in memory survives.
func (c *Collector) Kill(tb testing.TB) {
	tb.Helper()
	if err := c.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		tb.Fatalf("SIGKILL %s: %v", c.name, err)
	}
	<-c.exited
	tb.Logf("%s (pid %d) killed", c.name, c.cmd.Process.Pid)
}

// Exited reports whether the process has ended.
func (c *Collector) Exited() bool {
	select {
	case <-c.exited:
		return true
	default:
		return false
	}
}

// Logs returns what the process wrote to stdout and stderr so far.
func (c *Collector) Logs() string { return c.logs.String() }

// WaitForLog polls the logs until they contain s, and reports whether they did before ctx ended.
func (c *Collector) WaitForLog(ctx context.Context, s string) bool {
	for {
		if bytes.Contains(c.logs.Bytes(), []byte(s)) {
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// syncBuffer is a bytes.Buffer safe for the process's two writers and the test's readers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// Bytes returns a copy of what was written.
func (b *syncBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Clone(b.buf.Bytes())
}

func (b *syncBuffer) String() string { return string(b.Bytes()) }
