package exporter

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
	"go.uber.org/zap/zapcore"

	"github.com/otelsessions/otelsessions/session"
)

// hangingBugsnag never answers: each request waits until its client gives up. started receives one value per
// request as it arrives.
func hangingBugsnag(t *testing.T) (f *fakeBugsnag, started chan struct{}) {
	t.Helper()
	started = make(chan struct{}, 100)
	f = newFakeBugsnag(t, func(_ int, _ http.ResponseWriter, r *http.Request) int {
		started <- struct{}{}
		<-r.Context().Done()
		return 0
	})
	return f, started
}

func unhandledEvent(s *session.Session) session.Event {
	return session.Event{Session: s, Counts: s.AddEvent(true), Unhandled: true, Class: "Boom", App: s.App}
}

func TestHangingEndpointFlushesReturnPromptlyAndShutdownLeavesNoGoroutine(t *testing.T) {
	f, _ := hangingBugsnag(t)
	x := testExporter(t, f)
	startSessions(x, 7)
	s := newSession("shop", webApp, webDevice, t0)
	x.SessionStarted(s)
	x.ErrorEvent(unhandledEvent(s))
	x.ErrorEvent(unhandledEvent(s))

	begin := time.Now()
	for range 100 {
		ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
		err := x.ForceFlush(ctx)
		cancel()
		var ie *IncompleteError
		require.ErrorAs(t, err, &ie)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Equal(t, IncompleteError{Sessions: 8, Events: 2, Err: context.DeadlineExceeded}, *ie,
			"still queued, not dropped")
	}
	// 100 × 20 ms is 2 s; anything near that is prompt, and the bound leaves room for a loaded machine.
	assert.Less(t, time.Since(begin), 15*time.Second)

	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	err := x.Shutdown(ctx)
	var ie *IncompleteError
	require.ErrorAs(t, err, &ie)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, IncompleteError{Shutdown: true, Sessions: 8, Events: 2, Err: context.DeadlineExceeded}, *ie)
	assert.Equal(t, "exporter: shutdown: 8 sessions and 2 error events dropped: context deadline exceeded",
		err.Error())
	assert.Equal(t, Stats{SessionsCounted: 8, SessionsDropped: 8, EventsCounted: 2, EventsDropped: 2}, x.Stats())
	require.NoError(t, x.Shutdown(t.Context()), "a second Shutdown is a no-op")

	f.Close()
	goleak.VerifyNone(t)
}

func TestShutdownSendsWhatIsPendingAndIsIdempotent(t *testing.T) {
	f := newFakeBugsnag(t, nil)
	log, logs := observed()
	x := testExporter(t, f, WithLogger(log))
	startSessions(x, 3)
	s := newSession("shop", webApp, webDevice, t0)
	x.SessionStarted(s)
	x.ErrorEvent(unhandledEvent(s))

	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() { assert.NoError(t, x.Shutdown(t.Context())) })
	}
	wg.Wait()
	require.Len(t, f.accepted("/sessions"), 1, "Shutdown flushes")
	require.Len(t, f.accepted("/notify"), 1)
	assert.Equal(t, int64(4), decodeSessions(t, f.accepted("/sessions")[0]).SessionCounts[0].SessionsStarted)

	x.SessionStarted(newSession("shop", webApp, webDevice, t0))
	x.ErrorEvent(unhandledEvent(s))
	require.NoError(t, x.ForceFlush(t.Context()), "ForceFlush after Shutdown does nothing")
	assert.Len(t, f.requests(""), 2)
	assert.Equal(t, Stats{
		SessionsCounted: 4, SessionsSent: 4, SessionsDropped: 1, EventsCounted: 1, EventsSent: 1, EventsDropped: 1,
	}, x.Stats())
	stopped := logs.FilterMessage("exporter stopped").All()
	require.Len(t, stopped, 1)
	assert.Equal(t, int64(4), stopped[0].ContextMap()["sessions_sent"])
}

func TestQueueFullDropsAreCountedWithOneLogLine(t *testing.T) {
	f, started := hangingBugsnag(t)
	log, logs := observed()
	x := testExporter(t, f, WithLogger(log), WithQueueSize(1))
	flush := func(events int) {
		for range events {
			x.ErrorEvent(session.Event{Class: "Boom", App: webApp, Device: webDevice})
		}
		ctx, cancel := context.WithTimeout(t.Context(), time.Millisecond)
		defer cancel()
		assert.ErrorIs(t, x.ForceFlush(ctx), context.DeadlineExceeded)
	}
	flush(1)
	<-started // the first Notify payload is in flight, out of the queue
	flush(2)  // queued
	flush(4)  // dropped
	flush(8)  // dropped
	assert.Equal(t, int64(12), x.Stats().EventsDropped)
	full := logs.FilterMessage("delivery queue full; payloads are dropped and counted").All()
	require.Len(t, full, 1, "one line, however many drops")
	assert.Equal(t, zapcore.ErrorLevel, full[0].Level)
	assert.Equal(t, int64(1), full[0].ContextMap()["queue_size"])

	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	var ie *IncompleteError
	require.ErrorAs(t, x.Shutdown(ctx), &ie)
	assert.Equal(t, int64(3), ie.Events, "the one in flight and the one queued")
	assert.Equal(t, Stats{EventsCounted: 15, EventsDropped: 15}, x.Stats())
}

func TestBackgroundLoopFlushesEveryInterval(t *testing.T) {
	f := newFakeBugsnag(t, nil)
	x := testExporter(t, f, WithSummaryInterval(5*time.Millisecond))
	startSessions(x, 2)
	require.Eventually(t, func() bool { return len(f.accepted("/sessions")) == 1 }, 10*time.Second, time.Millisecond,
		"no ForceFlush: the loop started by New sends")
	startSessions(x, 3)
	require.Eventually(t, func() bool { return len(f.accepted("/sessions")) == 2 }, 10*time.Second, time.Millisecond)
	assert.Equal(t, int64(3), decodeSessions(t, f.accepted("/sessions")[1]).SessionCounts[0].SessionsStarted)
}

// TestForceFlushRacingAnIncompleteShutdownReturns checks that a ForceFlush which began before Shutdown does
// not wait forever for payloads that Shutdown dropped.
func TestForceFlushRacingAnIncompleteShutdownReturns(t *testing.T) {
	f, started := hangingBugsnag(t)
	x := testExporter(t, f)
	startSessions(x, 1)
	ctx, cancel := context.WithTimeout(t.Context(), time.Millisecond)
	defer cancel()
	require.ErrorIs(t, x.ForceFlush(ctx), context.DeadlineExceeded)
	<-started // the first payload is in flight
	startSessions(x, 1)
	queuedCtx, cancelQueued := context.WithTimeout(t.Context(), time.Millisecond)
	defer cancelQueued()
	require.ErrorIs(t, x.ForceFlush(queuedCtx), context.DeadlineExceeded)
	seq := x.queue.last() // the second payload, queued behind it
	require.Equal(t, uint64(2), seq)

	waited := make(chan error)
	go func() { waited <- x.queue.wait(t.Context(), seq) }() // what a ForceFlush without deadline waits on
	shutdownCtx, cancelShutdown := context.WithTimeout(t.Context(), 10*time.Millisecond)
	defer cancelShutdown()
	require.ErrorIs(t, x.Shutdown(shutdownCtx), context.DeadlineExceeded)
	require.NoError(t, <-waited, "released once Shutdown has dropped and counted the rest")
}
