package harness

import (
	"bytes"
	"context"
	"net/http"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) { Main(m) }

const sessionsBody = `{"app":{"version":"1.0.0","releaseStage":"test"},"sessionCounts":[` +
	`{"startedAt":"2026-12-03T15:04:00Z","sessionsStarted":3},` +
	`{"startedAt":"2026-12-03T15:05:00Z","sessionsStarted":2}]}`

const notifyBody = `{"apiKey":"` + APIKey + `","events":[{"unhandled":true,"session":{"id":"a"}},` +
	`{"unhandled":false,"session":{"id":"a"}},{"unhandled":false}]}`

func post(t *testing.T, client *http.Client, url, key, body string) (int, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader([]byte(body)))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Bugsnag-Api-Key", key)
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, resp.Body.Close()
}

// TestBugsnagCapture checks the capture server's counts and each fault, with a plain HTTP client.
func TestBugsnagCapture(t *testing.T) {
	t.Parallel()
	b := NewBugsnag(t)
	c := &http.Client{Transport: &http.Transport{}}
	defer c.CloseIdleConnections()

	status, err := post(t, c, b.SessionsURL(), APIKey, sessionsBody)
	require.NoError(t, err)
	assert.Equal(t, http.StatusAccepted, status)
	status, err = post(t, c, b.NotifyURL(), APIKey, notifyBody)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, status)
	status, err = post(t, c, b.NotifyURL(), "ffffffffffffffffffffffffffffffff", notifyBody)
	require.NoError(t, err)
	assert.Equal(t, http.StatusUnauthorized, status)

	b.SetStatus(http.StatusServiceUnavailable)
	status, err = post(t, c, b.SessionsURL(), APIKey, sessionsBody)
	require.NoError(t, err)
	assert.Equal(t, http.StatusServiceUnavailable, status)

	b.SetFault(FaultRefuse)
	c.CloseIdleConnections() // else the client may try its closed keep-alive connection first
	_, err = post(t, c, b.SessionsURL(), APIKey, sessionsBody)
	require.ErrorIs(t, err, syscall.ECONNREFUSED)

	b.SetFault(FaultHang)
	_, err = post(t, c, b.SessionsURL(), APIKey, sessionsBody)
	require.ErrorIs(t, err, context.DeadlineExceeded)

	require.Eventually(t, func() bool { return b.Capture().Abandoned == 1 }, 10*time.Second, 10*time.Millisecond,
		"the server sees the client give up the held request")

	answered := make(chan int)
	go func() {
		status, err := post(t, c, b.NotifyURL(), APIKey, notifyBody)
		assert.NoError(t, err)
		answered <- status
	}()
	require.Eventually(t, func() bool { return b.Capture().Held == 1 }, 10*time.Second, 10*time.Millisecond)
	b.SetFault(FaultNone)
	assert.Equal(t, http.StatusServiceUnavailable, <-answered, "a held request is refused when released")

	status, err = post(t, c, b.SessionsURL(), APIKey, sessionsBody) // the same counts again: not a duplicate
	require.NoError(t, err)
	assert.Equal(t, http.StatusAccepted, status)
	status, err = post(t, c, b.NotifyURL(), APIKey, notifyBody) // the same events again: duplicates
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, status)

	got := b.Capture()
	assert.Equal(t, int64(10), got.SessionsStarted)
	assert.Equal(t, map[Release]int64{{Version: "1.0.0", Stage: "test"}: 10}, got.Releases)
	assert.Equal(t, 2, got.SessionsPayloads)
	assert.Equal(t, 2, got.NotifyPayloads)
	assert.Equal(t, 6, got.Events)
	assert.Equal(t, 2, got.UnhandledEvents)
	assert.Equal(t, 4, got.HandledEvents)
	assert.Equal(t, 4, got.EventsInSessions)
	assert.Equal(t, 1, got.Sessions)
	assert.Equal(t, 1, got.DuplicatePayloads)
	assert.Equal(t, 3, got.DuplicateEvents)
	assert.Equal(t, 1, got.BadKeys)
	assert.Equal(t, 2, got.Failed)
	assert.Zero(t, got.Held)
	assert.Equal(t, 1, got.Abandoned)
}

// TestTracesFigures checks the synthetic traces' figures.
func TestTracesFigures(t *testing.T) {
	t.Parallel()
	f := TracesFigures(SyntheticTraces(0, 20), SyntheticTraces(1, 20))
	assert.Equal(t, int64(40), f.SessionsStarted)
	assert.Equal(t, map[Release]int64{{Version: "1.0.0", Stage: "test"}: 40}, f.Releases)
	assert.Equal(t, int64(4), f.SessionsUnhandled)
	assert.Equal(t, int64(8), f.HandledEvents)
	assert.Equal(t, int64(4), f.UnhandledEvents)
	assert.Equal(t, int64(12), f.EventsInSessions)
}
