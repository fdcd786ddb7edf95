package exporter

import (
	"fmt"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zapcore"
)

// startSessions counts n sessions of one group in the minute of t0.
func startSessions(x *Exporter, n int) {
	for range n {
		x.SessionStarted(newSession("shop", webApp, webDevice, t0))
	}
}

// requireSameBodies checks that every request carried the same payload: retried as a unit.
func requireSameBodies(t *testing.T, reqs []request) {
	t.Helper()
	for _, r := range reqs[1:] {
		require.Equal(t, string(reqs[0].Body), string(r.Body), "a payload is retried whole and unchanged")
	}
}

func TestServerErrorsThenAcceptedDeliversOnce(t *testing.T) {
	f := newFakeBugsnag(t, statuses(503, 503, 202))
	log, logs := observed()
	x := testExporter(t, f, WithLogger(log))
	startSessions(x, 3)
	require.NoError(t, x.ForceFlush(t.Context()), "ForceFlush waits through the retries")

	reqs := f.requests("/sessions")
	require.Len(t, reqs, 3)
	requireSameBodies(t, reqs)
	for _, r := range reqs {
		assertHeaders(t, r, "1.0")
	}
	require.Len(t, f.accepted("/sessions"), 1)
	assert.Equal(t, int64(3), decodeSessions(t, reqs[2]).SessionCounts[0].SessionsStarted)

	retries := logs.FilterMessage("delivery failed; retrying").All()
	require.Len(t, retries, 2)
	for i, e := range retries {
		assert.Equal(t, zapcore.InfoLevel, e.Level)
		ctx := e.ContextMap()
		assert.Equal(t, "sessions", ctx["payload"])
		assert.Equal(t, f.URL+"/sessions", ctx["endpoint"])
		assert.Equal(t, int64(503), ctx["status_code"])
		assert.Equal(t, int64(i+1), ctx["attempt"])
		assert.Equal(t, int64(3), ctx["sessions"])
		assert.Contains(t, ctx, "retry_in")
	}

	require.NoError(t, x.Shutdown(t.Context()))
	assert.Len(t, f.requests(""), 3, "nothing is sent again after the 202")
	st := x.Stats()
	assert.Equal(t, Stats{SessionsCounted: 3, SessionsSent: 3, Retries: 2}, st)
}

// resetConnection aborts the connection of the request being served with a TCP reset.
func resetConnection(t *testing.T, w http.ResponseWriter) {
	t.Helper()
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		if err := tc.SetLinger(0); err != nil { // close sends RST, not FIN
			t.Errorf("set linger: %v", err)
		}
	}
	if err := conn.Close(); err != nil {
		t.Errorf("close: %v", err)
	}
}

func TestConnectionResetThenAcceptedDeliversOnce(t *testing.T) {
	f := newFakeBugsnag(t, func(n int, w http.ResponseWriter, _ *http.Request) int {
		if n == 1 {
			resetConnection(t, w)
			return 0
		}
		w.WriteHeader(http.StatusAccepted)
		return http.StatusAccepted
	})
	log, logs := observed()
	x := testExporter(t, f, WithLogger(log))
	startSessions(x, 4)
	require.NoError(t, x.ForceFlush(t.Context()))
	require.NoError(t, x.ForceFlush(t.Context()))
	require.NoError(t, x.Shutdown(t.Context()))

	reqs := f.requests("/sessions")
	require.Len(t, reqs, 2, "re-sent once after the reset, and not again after the 202")
	requireSameBodies(t, reqs)
	assert.Equal(t, 0, reqs[0].Status)
	assert.Equal(t, http.StatusAccepted, reqs[1].Status)
	retry := logs.FilterMessage("delivery failed; retrying").All()
	require.Len(t, retry, 1)
	assert.NotEmpty(t, retry[0].ContextMap()["error"], "the network error is logged")
	assert.Equal(t, Stats{SessionsCounted: 4, SessionsSent: 4, Retries: 1}, x.Stats())
}

func TestAcceptedWithBrokenBodyIsNotResent(t *testing.T) {
	f := newFakeBugsnag(t, func(_ int, w http.ResponseWriter, _ *http.Request) int {
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Errorf("hijack: %v", err)
			return 0
		}
		// A 202 whose body is cut short: the status counts, the broken body does not.
		_, _ = buf.WriteString("HTTP/1.1 202 Accepted\r\nContent-Length: 100\r\n\r\n{\"partial\":")
		_ = buf.Flush()
		_ = conn.Close()
		return http.StatusAccepted
	})
	x := testExporter(t, f)
	startSessions(x, 2)
	require.NoError(t, x.ForceFlush(t.Context()))
	require.NoError(t, x.Shutdown(t.Context()))
	assert.Len(t, f.requests(""), 1)
	assert.Equal(t, Stats{SessionsCounted: 2, SessionsSent: 2}, x.Stats())
}

func TestStatusCodesRetriedOrDropped(t *testing.T) {
	for _, tc := range []struct {
		status int
		retry  bool
	}{
		{400, false},
		{401, false},
		{403, false},
		{404, false},
		{413, false},
		{422, false},
		{302, false},
		{408, true},
		{429, true},
		{500, true},
		{502, true},
		{503, true},
		{504, true},
	} {
		t.Run(fmt.Sprint(tc.status), func(t *testing.T) {
			f := newFakeBugsnag(t, statuses(tc.status, 202))
			log, logs := observed()
			x := testExporter(t, f, WithLogger(log))
			startSessions(x, 5)
			require.NoError(t, x.ForceFlush(t.Context()))
			require.NoError(t, x.Shutdown(t.Context()))
			reqs := f.requests("/sessions")
			refused := logs.FilterMessage("bugsnag refused the payload; dropped, not retried").All()
			if tc.retry {
				require.Len(t, reqs, 2)
				requireSameBodies(t, reqs)
				assert.Empty(t, refused)
				assert.Equal(t, Stats{SessionsCounted: 5, SessionsSent: 5, Retries: 1}, x.Stats())
				return
			}
			require.Len(t, reqs, 1, "not retried")
			require.Len(t, refused, 1, "one clear log line")
			assert.Equal(t, zapcore.ErrorLevel, refused[0].Level)
			assert.Equal(t, map[string]any{
				"payload": "sessions", "endpoint": f.URL + "/sessions", "sessions": int64(5), "events": int64(0),
				"attempt": int64(1), "status_code": int64(tc.status),
			}, refused[0].ContextMap())
			assert.Equal(t, 1, logs.FilterLevelExact(zapcore.ErrorLevel).Len())
			assert.Equal(t, Stats{SessionsCounted: 5, SessionsDropped: 5}, x.Stats())
		})
	}
}

func TestRetryAfterIsHonored(t *testing.T) {
	for name, header := range map[string]func() string{
		"seconds":   func() string { return "1" },
		"HTTP date": func() string { return time.Now().Add(3 * time.Second).UTC().Format(http.TimeFormat) },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := newFakeBugsnag(t, func(n int, w http.ResponseWriter, _ *http.Request) int {
				if n == 1 {
					w.Header().Set("Retry-After", header())
					w.WriteHeader(http.StatusTooManyRequests)
					return http.StatusTooManyRequests
				}
				w.WriteHeader(http.StatusAccepted)
				return http.StatusAccepted
			})
			log, logs := observed()
			x := testExporter(t, f, WithLogger(log))
			startSessions(x, 1)
			require.NoError(t, x.ForceFlush(t.Context()))
			retry := logs.FilterMessage("delivery failed; retrying").All()
			require.Len(t, retry, 1)
			wait, ok := retry[0].ContextMap()["retry_in"].(time.Duration)
			require.True(t, ok)
			// The backoff alone would wait at most fastRetry.MaxInterval (5 ms).
			assert.GreaterOrEqual(t, wait, 500*time.Millisecond, "the server's Retry-After wins over the backoff")
			assert.LessOrEqual(t, wait, 3*time.Second)
			assert.Len(t, f.accepted("/sessions"), 1)
		})
	}
}

func TestRetriesExhaustedDropWithOneLine(t *testing.T) {
	for name, rc := range map[string]RetryConfig{
		"disabled": {},
		"elapsed": {
			Enabled: true, InitialInterval: time.Millisecond, MaxInterval: 2 * time.Millisecond,
			MaxElapsedTime: 20 * time.Millisecond,
		},
	} {
		t.Run(name, func(t *testing.T) {
			f := newFakeBugsnag(t, statuses(503))
			log, logs := observed()
			x := testExporter(t, f, WithLogger(log), WithRetry(rc))
			startSessions(x, 2)
			require.NoError(t, x.ForceFlush(t.Context()), "a dropped payload completes the flush")
			gaveUp := logs.FilterMessage("delivery failed; payload dropped, retries exhausted").All()
			require.Len(t, gaveUp, 1)
			assert.Equal(t, int64(503), gaveUp[0].ContextMap()["status_code"])
			st := x.Stats()
			assert.Equal(t, int64(2), st.SessionsDropped)
			assert.Equal(t, int64(len(f.requests(""))-1), st.Retries)
			if !rc.Enabled {
				assert.Len(t, f.requests(""), 1)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 12, 3, 15, 4, 5, 0, time.UTC)
	for _, tc := range []struct {
		header string
		want   time.Duration
	}{
		{"", 0},
		{"0", 0},
		{"3", 3 * time.Second},
		{" 120 ", 2 * time.Minute},
		{"-5", 0},
		{"soon", 0},
		{"99999999999", 24 * time.Hour},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0},
		{"Thu, 03 Dec 2026 15:05:05 GMT", time.Minute},
	} {
		assert.Equal(t, tc.want, parseRetryAfter(tc.header, now), "%q", tc.header)
	}
}

func TestBackoffIsExponentialCappedAndJittered(t *testing.T) {
	b := newBackoff(RetryConfig{InitialInterval: 100 * time.Millisecond, MaxInterval: time.Second})
	base := 100 * time.Millisecond
	for range 30 {
		w := b.wait()
		assert.GreaterOrEqual(t, w, base/2)
		assert.LessOrEqual(t, w, min(base*3/2, time.Second))
		base = min(time.Duration(float64(base)*backoffMultiplier), time.Second)
	}
	assert.Equal(t, time.Second, base, "the interval reached its cap")
}
