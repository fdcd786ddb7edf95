package examples

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelsessions/otelsessions/integration/internal/harness"
)

// httpLoad is the traffic the HTTP tests send: requests per route of examples/httpservice.
var httpLoad = []struct {
	path   string
	n      int
	status int // 0: the handler panics and the connection closes without an answer
}{
	{"/hello", 20, http.StatusOK},
	{"/checkout", 8, http.StatusOK},
	{"/crash", 5, 0},
	{"/unavailable", 7, http.StatusServiceUnavailable},
}

// bugsnagEnv configures an example's SDK exporter to deliver to b.
func bugsnagEnv(b *harness.Bugsnag) []string {
	return []string{
		"BUGSNAG_API_KEY=" + harness.APIKey, "BUGSNAG_SESSIONS_ENDPOINT=" + b.SessionsURL(),
		"BUGSNAG_NOTIFY_ENDPOINT=" + b.NotifyURL(),
	}
}

// driveHTTP sends httpLoad to the service at addr, interleaving the routes, and checks each answer. The client
// opens a connection per request: Go's client sends a GET again after a reused connection closed without an
// answer (a panic), which would start a second session.
func driveHTTP(t *testing.T, addr string) {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 30 * time.Second}
	for i := 0; ; i++ {
		sent := false
		for _, l := range httpLoad {
			if i >= l.n {
				continue
			}
			sent = true
			status := get(t, client, "http://"+addr+l.path)
			assert.Equal(t, l.status, status, "GET %s", l.path)
		}
		if !sent {
			return
		}
	}
}

// get sends a GET and returns its status, 0 when the connection closed without an answer.
func get(t *testing.T, client *http.Client, url string) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, http.NoBody)
	require.NoError(t, err)
	resp, err := client.Do(req)
	if err != nil {
		require.ErrorIs(t, err, io.EOF, "GET %s", url) // a panicking handler's connection closed
		return 0
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	require.NoError(t, resp.Body.Close())
	return resp.StatusCode
}

// TestHTTPService runs examples/httpservice against a capture server, sends it 40 requests (20 fine, 8 with
// a handled error, 5 that panic, 7 answered 503), stops it with SIGTERM and checks that it exits 0 after
// delivering one session per request and one event per error, each flagged, counted and described right.
func TestHTTPService(t *testing.T) {
	bin := build(t, "./examples/httpservice")
	capture := harness.NewBugsnag(t)
	svc := start(t, bin, []string{"-addr", "127.0.0.1:0"},
		append(bugsnagEnv(capture), "OTEL_RESOURCE_ATTRIBUTES=deployment.environment.name=integration")...)
	driveHTTP(t, svc.addr(t))
	svc.stop(t)

	d := decode(t, capture)
	assert.Equal(t, figures{
		SessionsStarted: 40, SessionsUnhandled: 12, SessionsHandled: 8,
		UnhandledEvents: 12, HandledEvents: 8,
	}, d.figures())
	app := wireApp{Version: "1.0.0", ReleaseStage: "integration"}
	checkApp(t, d, app, app)
	checkSeverity(t, d)
	assert.Len(t, d.sessionIDs(), 20, "every event in a session of its own")

	byContext := map[string]int{}
	for _, e := range d.events {
		byContext[e.Context]++
		require.NotNil(t, e.Session, "an event outside a session")
		require.Len(t, e.Exceptions, 1)
		if !e.Unhandled { // recorded on the child span "charge card", which knows no request
			assert.Equal(t, "card declined", e.Exceptions[0].Message)
			assert.Equal(t, int64(1), e.Session.Events.Handled)
			assert.Zero(t, e.Session.Events.Unhandled)
			continue
		}
		require.NotNil(t, e.Request, "an unhandled event without its request")
		assert.Equal(t, http.MethodGet, e.Request.HTTPMethod)
		assert.Equal(t, e.Context, "GET "+e.Request.URL[strings.LastIndex(e.Request.URL, "/"):])
		assert.Zero(t, e.Session.Events.Handled)
		assert.Equal(t, int64(1), e.Session.Events.Unhandled)
		if e.Context == "GET /crash" {
			assert.Equal(t, "string", e.Exceptions[0].ErrorClass)
			assert.Equal(t, "inventory index out of range", e.Exceptions[0].Message)
		}
	}
	assert.Equal(t, map[string]int{"charge card": 8, "GET /crash": 5, "GET /unavailable": 7}, byContext)
	assert.NotContains(t, svc.logs.String(), harness.APIKey, "the API key in the service's logs")
}
