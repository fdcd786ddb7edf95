package exporter

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/otelsessions/otelsessions/session"
)

// testKey is a valid API key, distinctive enough to be searched for in any captured output.
const testKey = "c0ffee00deadbeef1234567890abcdef"

// t0 is a session start inside the minute 2026-12-03T15:04:00Z.
var t0 = time.Date(2026, 12, 3, 15, 4, 5, 0, time.UTC)

// fastRetry retries at once, so that retry tests take milliseconds.
var fastRetry = RetryConfig{Enabled: true, InitialInterval: time.Millisecond, MaxInterval: 5 * time.Millisecond}

// request is what a fake Bugsnag endpoint received.
type request struct {
	Method string
	Path   string
	Header http.Header
	Body   []byte
	Status int // what the endpoint answered; 0 when it answered nothing, or not yet
}

// fakeBugsnag is a real HTTP server that records every request and answers through respond, which gets the
// 1-based number of the request on that path. A nil respond answers 202.
type fakeBugsnag struct {
	*httptest.Server
	mu      sync.Mutex
	reqs    []request
	counts  map[string]int
	respond func(n int, w http.ResponseWriter, r *http.Request) int
	arrived chan struct{}
}

func newFakeBugsnag(t *testing.T, respond func(n int, w http.ResponseWriter, r *http.Request) int) *fakeBugsnag {
	t.Helper()
	return startFakeBugsnag(t, nil, false, nil, respond)
}

// startFakeBugsnag starts a fake on l (nil: a loopback port), with TLS if asked (its certificate is
// valid for example.com, see httptest.NewTLSServer), calling connState on each connection state change.
func startFakeBugsnag(t *testing.T, l net.Listener, withTLS bool, connState func(net.Conn, http.ConnState),
	respond func(n int, w http.ResponseWriter, r *http.Request) int,
) *fakeBugsnag {
	t.Helper()
	f := &fakeBugsnag{respond: respond, counts: map[string]int{}, arrived: make(chan struct{}, 1000)}
	f.Server = httptest.NewUnstartedServer(f)
	if l != nil {
		require.NoError(t, f.Listener.Close())
		f.Listener = l
	}
	f.Config.ConnState = connState
	f.Config.ErrorLog = log.New(io.Discard, "", 0) // handshake failures are expected in the TLS tests
	if withTLS {
		f.StartTLS()
	} else {
		f.Start()
	}
	t.Cleanup(f.Close)
	return f
}

func (f *fakeBugsnag) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	// The request is recorded before it is answered: a responder that hijacks the connection answers the
	// client before it returns, and the test may read the requests as soon as the client has its answer.
	f.mu.Lock()
	f.counts[r.URL.Path]++
	n := f.counts[r.URL.Path]
	i := len(f.reqs)
	f.reqs = append(f.reqs, request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: body})
	f.mu.Unlock()
	status := http.StatusAccepted
	if f.respond != nil {
		status = f.respond(n, w, r)
	} else {
		w.WriteHeader(status)
	}
	f.mu.Lock()
	f.reqs[i].Status = status
	f.mu.Unlock()
	select {
	case f.arrived <- struct{}{}:
	default:
	}
}

// statuses answers the n-th request with codes[n-1], and every later one with the last code.
func statuses(codes ...int) func(int, http.ResponseWriter, *http.Request) int {
	return func(n int, w http.ResponseWriter, _ *http.Request) int {
		c := codes[min(n, len(codes))-1]
		w.WriteHeader(c)
		return c
	}
}

// requests returns the requests received on path ("" for all).
func (f *fakeBugsnag) requests(path string) []request {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []request
	for _, r := range f.reqs {
		if path == "" || r.Path == path {
			out = append(out, r)
		}
	}
	return out
}

// accepted returns the 2xx requests on path.
func (f *fakeBugsnag) accepted(path string) []request {
	var out []request
	for _, r := range f.requests(path) {
		if r.Status >= 200 && r.Status < 300 {
			out = append(out, r)
		}
	}
	return out
}

// testExporter returns an Exporter that sends to f, never flushes on its own (tests call ForceFlush) and
// retries at once; Shutdown runs at cleanup.
func testExporter(t *testing.T, f *fakeBugsnag, opts ...Option) *Exporter {
	t.Helper()
	base := []Option{
		WithSessionsEndpoint(f.URL + "/sessions"), WithNotifyEndpoint(f.URL + "/notify"),
		WithSummaryInterval(time.Hour), WithRetry(fastRetry),
	}
	x, err := New(testKey, append(base, opts...)...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = x.Shutdown(context.WithoutCancel(t.Context())) })
	return x
}

func newSession(service string, app session.App, dev session.Device, at time.Time) *session.Session {
	s := session.New(uuid.New(), at)
	s.Service, s.App, s.Device = service, app, dev
	return s
}

// sessionsBody is the Sessions API body as the tests read it.
type sessionsBody struct {
	Notifier      map[string]string `json:"notifier"`
	App           map[string]any    `json:"app"`
	Device        map[string]any    `json:"device"`
	SessionCounts []struct {
		StartedAt       string `json:"startedAt"`
		SessionsStarted int64  `json:"sessionsStarted"`
	} `json:"sessionCounts"`
}

func decodeSessions(t *testing.T, r request) sessionsBody {
	t.Helper()
	var b sessionsBody
	dec := json.NewDecoder(bytes.NewReader(r.Body))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&b), "%s", r.Body)
	return b
}

var sentAtRE = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)

// assertHeaders checks the four Bugsnag headers (and the method and user agent) of one request.
func assertHeaders(t *testing.T, r request, payloadVersion string) {
	t.Helper()
	assert.Equal(t, http.MethodPost, r.Method)
	assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
	assert.Equal(t, testKey, r.Header.Get("Bugsnag-Api-Key"))
	assert.Equal(t, payloadVersion, r.Header.Get("Bugsnag-Payload-Version"))
	sentAt := r.Header.Get("Bugsnag-Sent-At")
	assert.Regexp(t, sentAtRE, sentAt, "RFC 3339 in UTC, to the second")
	_, err := time.Parse(time.RFC3339, sentAt)
	require.NoError(t, err)
	assert.Equal(t, "otelsessions/devel", r.Header.Get("User-Agent"))
}

// observed returns a logger that records structured entries at every level.
func observed() (*zap.Logger, *observer.ObservedLogs) {
	core, logs := observer.New(zapcore.DebugLevel)
	return zap.New(core), logs
}

// lockedBuffer is an io.Writer safe for the concurrent writes of a logger and a summary writer.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// jsonLogger returns a logger that writes rendered JSON lines at every level into the buffer.
func jsonLogger(buf *lockedBuffer) *zap.Logger {
	enc := zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig())
	return zap.New(zapcore.NewCore(enc, zapcore.AddSync(buf), zapcore.DebugLevel))
}
