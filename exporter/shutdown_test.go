package exporter

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
	"go.uber.org/zap/zapcore"
)

func TestShutdownWithUnreachableBugsnagEndsPromptlyAndReportsTheDrops(t *testing.T) {
	for name, maxElapsed := range map[string]time.Duration{
		"retry until Shutdown": 0,
		"default budget":       DefaultRetryConfig().MaxElapsedTime,
	} {
		t.Run(name, func(t *testing.T) {
			addr := closedPort(t)
			log, logs := observed()
			// A minute between attempts: only the end of the backoff sleep at Shutdown lets this test end.
			x, err := New(testKey, WithSessionsEndpoint("http://"+addr+"/sessions"),
				WithNotifyEndpoint("http://"+addr+"/notify"), WithSummaryInterval(time.Hour), WithLogger(log),
				WithRetry(RetryConfig{
					Enabled: true, InitialInterval: time.Minute, MaxInterval: time.Minute, MaxElapsedTime: maxElapsed,
				}))
			require.NoError(t, err)
			t.Cleanup(func() { _ = x.Shutdown(context.WithoutCancel(t.Context())) })
			s := newSession("shop", webApp, webDevice, t0)
			x.SessionStarted(s)
			x.ErrorEvent(unhandledEvent(s))
			ctx, cancel := context.WithTimeout(t.Context(), time.Millisecond)
			defer cancel()
			require.Error(t, x.ForceFlush(ctx), "two payloads queued, the first failing")
			require.Eventually(t, func() bool { return x.Stats().Retries == 1 }, 10*time.Second, time.Millisecond,
				"the worker sleeps before its first retry")

			done := make(chan error, 1)
			// A context that never ends, as in the report: only Shutdown's own bound ends it.
			go func() { done <- x.Shutdown(context.Background()) }() //nolint:usetesting // see above
			select {
			case err = <-done:
			case <-time.After(30 * time.Second):
				t.Fatal("Shutdown(context.Background()) did not return")
			}
			var ie *IncompleteError
			require.ErrorAs(t, err, &ie)
			require.ErrorIs(t, err, ErrUndelivered)
			assert.Equal(t, IncompleteError{Shutdown: true, Sessions: 1, Events: 1, Err: ErrUndelivered}, *ie)
			assert.Equal(t, Stats{
				SessionsCounted: 1, SessionsDropped: 1, EventsCounted: 1, EventsDropped: 1, Retries: 1,
			}, x.Stats(), "one last attempt each, no further backoff")
			lines := logs.FilterMessage("shutdown could not deliver everything pending; payloads dropped").All()
			require.Len(t, lines, 1)
			assert.Equal(t, zapcore.ErrorLevel, lines[0].Level)
			goleak.VerifyNone(t)
		})
	}
}

func TestShutdownReportsPendingPayloadsRefusedDuringIt(t *testing.T) {
	f := newFakeBugsnag(t, statuses(400))
	x := testExporter(t, f)
	startSessions(x, 3)
	x.ErrorEvent(unhandledEvent(newSession("shop", webApp, webDevice, t0)))
	err := x.Shutdown(t.Context())
	var ie *IncompleteError
	require.ErrorAs(t, err, &ie)
	require.ErrorIs(t, err, ErrUndelivered)
	assert.Equal(t, IncompleteError{Shutdown: true, Sessions: 3, Events: 1, Err: ErrUndelivered}, *ie)
	assert.Equal(t, "exporter: shutdown: 3 sessions and 1 error events dropped: "+ErrUndelivered.Error(), err.Error())
	assert.NoError(t, x.Shutdown(t.Context()), "a second Shutdown is a no-op")
}

func TestCallsAfterShutdownAreLoggedOnce(t *testing.T) {
	f := newFakeBugsnag(t, nil)
	log, logs := observed()
	x := testExporter(t, f, WithLogger(log))
	require.NoError(t, x.Shutdown(t.Context()))
	s := newSession("shop", webApp, webDevice, t0)
	x.SessionStarted(s)
	x.SessionStarted(s)
	for range 3 {
		x.ErrorEvent(unhandledEvent(s))
	}
	const msg = "called after Shutdown; sessions and error events are dropped and counted in Stats"
	lines := logs.FilterMessage(msg).All()
	require.Len(t, lines, 1, "one line, however many calls")
	assert.Equal(t, zapcore.ErrorLevel, lines[0].Level)
	assert.Equal(t, map[string]any{"sessions": int64(1), "events": int64(0)}, lines[0].ContextMap())
	assert.Equal(t, Stats{SessionsDropped: 2, EventsDropped: 3}, x.Stats())
}
