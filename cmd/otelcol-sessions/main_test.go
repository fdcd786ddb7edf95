package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"

	"github.com/otelsessions/otelsessions/internal/realdata"
)

const testAPIKey = "0123456789abcdef0123456789abcdef"

// TestComponents checks that the distribution holds every component of builder-config.yaml, with its module.
func TestComponents(t *testing.T) {
	f, err := components()
	require.NoError(t, err)
	require.NotNil(t, f.Telemetry)
	checkFactories(t, "receivers", f.Receivers, f.ReceiverModules, "otlp")
	checkFactories(t, "processors", f.Processors, f.ProcessorModules, "batch", "sessions")
	checkFactories(t, "exporters", f.Exporters, f.ExporterModules, "debug", "otlp_grpc", "otlp_http", "bugsnag")
	checkFactories(t, "connectors", f.Connectors, f.ConnectorModules, "sessions")
	checkFactories(t, "extensions", f.Extensions, f.ExtensionModules, "file_storage")
}

func checkFactories[F component.Factory](
	t *testing.T, kind string, factories map[component.Type]F, modules map[component.Type]string, names ...string,
) {
	t.Helper()
	for _, name := range names {
		typ := component.MustNewType(name)
		assert.Contains(t, factories, typ, "%s: no factory for %q", kind, name)
		assert.NotEmpty(t, modules[typ], "%s: no module for %q", kind, name)
	}
}

// TestBinary builds the distribution once and runs it as a user does.
func TestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping the otelcol-sessions binary tests under -short: they build the distribution (up to a minute)")
	}
	if runtime.GOOS == "windows" {
		t.Skip("skipping the otelcol-sessions binary tests on Windows: they stop the Collector with SIGTERM")
	}
	bin := buildBinary(t)
	t.Run("ValidateExamples", validateExamples(bin))
	t.Run("BugsnagFlushOnSIGTERM", bugsnagFlushOnSIGTERM(bin))
}

func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "otelcol-sessions")
	start := time.Now()
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	t.Logf("built otelcol-sessions in %s", time.Since(start).Round(time.Millisecond))
	return bin
}

// validateExamples runs `otelcol-sessions validate` on each file of examples/collector.
func validateExamples(bin string) func(*testing.T) {
	return func(t *testing.T) {
		for _, name := range []string{"config.yaml", "bugsnag.yaml"} {
			ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
			path := filepath.Join("..", "..", "examples", "collector", name)
			cmd := exec.CommandContext(ctx, bin, "validate", "--config", path)
			cmd.Env = append(os.Environ(), "BUGSNAG_API_KEY="+testAPIKey)
			out, err := cmd.CombinedOutput()
			cancel()
			assert.NoError(t, err, "validate %s: %s", name, out)
		}
	}
}

// bugsnagServer records what the Sessions and Notify APIs receive.
type bugsnagServer struct {
	mu       sync.Mutex
	started  int64
	events   int
	badKeys  int
	requests int
}

func (b *bugsnagServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	b.mu.Lock()
	defer b.mu.Unlock()
	b.requests++
	if r.Header.Get("Bugsnag-Api-Key") != testAPIKey {
		b.badKeys++
	}
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	switch r.URL.Path {
	case "/sessions":
		var p struct {
			SessionCounts []struct {
				SessionsStarted int64 `json:"sessionsStarted"`
			} `json:"sessionCounts"`
		}
		if json.Unmarshal(body, &p) != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		for _, c := range p.SessionCounts {
			b.started += c.SessionsStarted
		}
	case "/notify":
		var p struct {
			Events []json.RawMessage `json:"events"`
		}
		if json.Unmarshal(body, &p) != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		b.events += len(p.Events)
	default:
		w.WriteHeader(http.StatusNotFound)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

func (b *bugsnagServer) totals() (started int64, events, badKeys, requests int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.started, b.events, b.badKeys, b.requests
}

// bugsnagFlushOnSIGTERM sends one real recording over OTLP/HTTP and stops the Collector at once: with a
// summary interval of an hour, only the shutdown flush can deliver the sessions and events.
func bugsnagFlushOnSIGTERM(bin string) func(*testing.T) {
	return func(t *testing.T) { runBugsnagFlushOnSIGTERM(t, bin) }
}

func runBugsnagFlushOnSIGTERM(t *testing.T, bin string) { //nolint:thelper // the body of a subtest
	traces, err := os.ReadFile(realdata.File(t, "otlp-json/highlight__fs.json"))
	require.NoError(t, err)

	bs := &bugsnagServer{}
	srv := httptest.NewServer(bs)
	defer srv.Close()

	httpAddr := freeAddr(t)
	cfg := fmt.Sprintf(`receivers:
  otlp:
    protocols:
      http:
        endpoint: %s
processors:
  sessions: {}
exporters:
  bugsnag:
    api_key: ${env:BUGSNAG_API_KEY}
    sessions_endpoint: %s/sessions
    notify_endpoint: %s/notify
    summary_interval: 1h
service:
  telemetry:
    metrics:
      level: none
  pipelines:
    traces:
      receivers: [otlp]
      processors: [sessions]
      exporters: [bugsnag]
`, httpAddr, srv.URL, srv.URL)
	cfgPath := filepath.Join(t.TempDir(), "bugsnag.yaml")
	require.NoError(t, os.WriteFile(cfgPath, []byte(cfg), 0o600))

	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	var logs bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, "--config", cfgPath)
	cmd.Env = append(os.Environ(), "BUGSNAG_API_KEY="+testAPIKey)
	cmd.Stdout, cmd.Stderr = &logs, &logs
	cmd.WaitDelay = 5 * time.Second
	require.NoError(t, cmd.Start())
	exited := make(chan struct{})
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(exited) }()
	defer func() {
		select {
		case <-exited:
		default: // a failure before the exit: never leave the process behind
			_ = cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("otelcol-sessions output:\n%s", logs.String())
		}
	}()

	start := time.Now()
	waitForPort(t, httpAddr, exited)
	t.Logf("collector answered after %s", time.Since(start).Round(time.Millisecond))

	resp, err := http.Post("http://"+httpAddr+"/v1/traces", "application/json", bytes.NewReader(traces))
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	require.NoError(t, resp.Body.Close())
	require.Equal(t, http.StatusOK, resp.StatusCode)

	stop := time.Now()
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	select {
	case <-exited:
	case <-time.After(time.Minute):
		t.Fatal("otelcol-sessions did not exit within a minute of SIGTERM")
	}
	require.NoError(t, waitErr, "otelcol-sessions must exit 0 on SIGTERM")
	t.Logf("collector exited %s after SIGTERM", time.Since(stop).Round(time.Millisecond))

	started, events, badKeys, requests := bs.totals()
	assert.Equal(t, int64(10), started, "sessionsStarted (replay: 10 for highlight__fs.json)")
	assert.Equal(t, 114, events, "error events (replay: 113 handled and 1 unhandled)")
	assert.Zero(t, badKeys, "requests without the configured Bugsnag-Api-Key (of %d)", requests)
	assert.NotContains(t, logs.String(), testAPIKey, "the API key must never be logged")
}

// freeAddr returns a 127.0.0.1 address whose port was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return addr
}

// waitForPort waits until addr accepts connections, failing if the process exits first or a minute passes.
func waitForPort(t *testing.T, addr string, exited <-chan struct{}) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			t.Fatalf("otelcol-sessions exited before listening on %s", addr)
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			require.NoError(t, c.Close())
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("otelcol-sessions did not listen on %s within a minute", addr)
}
