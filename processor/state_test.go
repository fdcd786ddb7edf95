package processor

import (
	"context"
	"net/http"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/otelsessions/otelsessions/internal/sessionid"
	"github.com/otelsessions/otelsessions/internal/tally"
	"github.com/otelsessions/otelsessions/session"
)

// TestLateChildJoinsWithinGracePeriod checks point 7: a child started after its entry span ended joins the
// session within the grace period, and not after it.
func TestLateChildJoinsWithinGracePeriod(t *testing.T) {
	clock := newFakeClock()
	h := newHarness(t, withClock(clock.now), WithGracePeriod(2*time.Second))
	ctx, entry := h.tracer.Start(t.Context(), "GET /", trace.WithSpanKind(trace.SpanKindServer))
	entry.End()
	id := h.sink.started()[0].ID.String()
	clock.advance(2*time.Second - time.Nanosecond)
	assert.Equal(t, id, h.spanSession(ctx, "late"))
	clock.advance(time.Nanosecond)
	assert.Empty(t, h.spanSession(ctx, "too late"))
}

func TestZeroGracePeriodForgetsAtEnd(t *testing.T) {
	h := newHarness(t, WithGracePeriod(0))
	ctx, entry := h.tracer.Start(t.Context(), "GET /", trace.WithSpanKind(trace.SpanKindServer))
	entry.End()
	assert.Zero(t, h.p.Stats().Spans)
	assert.Empty(t, h.spanSession(ctx, "late"))
}

// TestGoroutineChildFailsAfterResponse is the first bug-report case: a handler starts a goroutine with a
// child span and responds; 2 s later the child records an exception and ends. The child carries the
// request's session.id and its error counts once, for that session. The clock is a fake one: nothing waits.
func TestGoroutineChildFailsAfterResponse(t *testing.T) {
	for _, startLate := range []bool{false, true} {
		name := "child starts before the response"
		if startLate {
			name = "child starts 2 s after the response"
		}
		t.Run(name, func(t *testing.T) {
			clock := newFakeClock()
			h := newHarness(t, withClock(clock.now), WithGracePeriod(3*time.Second))
			responded, done := make(chan struct{}), make(chan struct{})
			handler := otelhttp.NewHandler(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
				ctx := trace.ContextWithSpan(context.WithoutCancel(r.Context()), trace.SpanFromContext(r.Context()))
				var child trace.Span
				if !startLate {
					_, child = h.tracer.Start(ctx, "async")
				}
				go func() {
					defer close(done)
					<-responded
					if startLate {
						_, child = h.tracer.Start(ctx, "async")
					}
					child.RecordError(assert.AnError)
					child.End()
				}()
			}), "server", otelhttp.WithTracerProvider(h.tp))
			handler.ServeHTTP(discardWriter{}, newRequest(t, "/"))
			require.Len(t, h.rec.Ended(), 1, "the entry span ended with the response")
			clock.advance(2 * time.Second)
			close(responded)
			<-done

			started := h.sink.started()
			require.Len(t, started, 1)
			assert.Equal(t, started[0].ID.String(), sessionIDOf(h.endedByName()["async"]))
			evs := h.sink.errors()
			require.Len(t, evs, 1)
			assert.Same(t, started[0], evs[0].Session)
			c, outside := h.sink.counts()
			assert.Equal(t, session.Counts{Started: 1, Handled: 1, HandledEvents: 1}, c)
			assert.Zero(t, outside)
		})
	}
}

// leanSink counts with a tally.Sink and keeps only the error events, so that it holds no memory per
// session.
type leanSink struct {
	tally.Sink
	mu     sync.Mutex
	events []session.Event
}

func (s *leanSink) ErrorEvent(e session.Event) {
	s.mu.Lock()
	s.events = append(s.events, e)
	s.mu.Unlock()
	s.Sink.ErrorEvent(e)
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// TestTenThousandRequestsOneError is the second bug-report case: 10,000 requests in a row, request 5000
// records an exception in a child span. Only that request's session has the error; afterwards the
// processor's maps are empty and the heap is flat: after the first 1,000 requests (50 ms apart, ten grace
// periods) the processor's maps have their working size, and the 9,000 others grow the heap by less than
// 15 bytes a request, where the smallest leak, one span state a request, would take about 50.
func TestTenThousandRequestsOneError(t *testing.T) {
	clock := newFakeClock()
	sink := &leanSink{}
	p := New(WithSink(sink), withClock(clock.now))
	tp := sdktrace.NewTracerProvider(sdktrace.WithResource(testResource), sdktrace.WithSpanProcessor(p))
	t.Cleanup(func() { require.NoError(t, tp.Shutdown(context.WithoutCancel(t.Context()))) })
	tracer := tp.Tracer("test")
	var failing trace.SpanContext
	handler := otelhttp.NewHandler(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		_, child := tracer.Start(r.Context(), "query")
		if r.URL.Path == "/5000" {
			child.RecordError(assert.AnError)
			failing = trace.SpanContextFromContext(r.Context())
		}
		child.End()
	}), "server", otelhttp.WithTracerProvider(tp))
	step := DefaultGracePeriod / 100
	serveN := func(from, to int) {
		for i := from; i < to; i++ {
			handler.ServeHTTP(discardWriter{}, newRequest(t, "/"+strconv.Itoa(i)))
			clock.advance(step)
		}
		clock.advance(DefaultGracePeriod)
		assert.Equal(t, Stats{}, p.Stats(), "every state is freed after %d requests", to)
	}
	serveN(0, 1000)
	before := heapInUse()
	serveN(1000, 10_000)
	after := heapInUse()

	assert.Less(t, int64(after)-int64(before), int64(9000*15), "heap before %d, after %d", before, after)
	require.Len(t, sink.events, 1)
	assert.Equal(t, sessionid.Of(failing.TraceID(), failing.SpanID()), sink.events[0].Session.ID)
	sum, outside := sink.Take()
	assert.Equal(t, session.Counts{Started: 10_000, Handled: 1, HandledEvents: 1}, sum.Total())
	assert.Zero(t, outside)
}

// TestStateIsBoundedOverManyRequests is point 7: 100,000 requests (an entry span and a child each, on 8
// goroutines, 0.1 ms apart) leave no state behind, and while they run the processor holds only a grace
// period's worth. It takes a few seconds under -race, so -short skips it.
func TestStateIsBoundedOverManyRequests(t *testing.T) {
	if testing.Short() {
		t.Skip("100,000 requests; run without -short")
	}
	const workers, perWorker = 8, 100_000 / 8
	clock := newFakeClock()
	p := New(withClock(clock.now), WithGracePeriod(100*time.Millisecond))
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(p))
	t.Cleanup(func() { require.NoError(t, tp.Shutdown(context.WithoutCancel(t.Context()))) })
	tracer := tp.Tracer("test")
	var mu sync.Mutex
	peak := 0
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range perWorker {
				ctx, entry := tracer.Start(t.Context(), "GET /", trace.WithSpanKind(trace.SpanKindServer))
				_, child := tracer.Start(ctx, "query")
				child.End()
				entry.End()
				clock.advance(100 * time.Microsecond)
				if i%1000 == 0 {
					n := p.Stats().Spans
					mu.Lock()
					peak = max(peak, n)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	// A grace period is 1,000 requests, 2,000 states, give or take the requests in flight.
	assert.LessOrEqual(t, peak, 2*1100)
	clock.advance(time.Second)
	assert.Equal(t, Stats{}, p.Stats())
}

// TestCapDropsAndCounts checks that the cap on span states drops and counts spans beyond it, warns once,
// and that dropped entry spans start no session.
func TestCapDropsAndCounts(t *testing.T) {
	errs := captureOtelErrors(t)
	clock := newFakeClock()
	h := newHarness(t, withClock(clock.now), WithMaxSpans(shardCount))
	var spans []trace.Span
	for range 200 {
		_, s := h.tracer.Start(t.Context(), "GET /", trace.WithSpanKind(trace.SpanKindServer))
		spans = append(spans, s)
	}
	st := h.p.Stats()
	assert.LessOrEqual(t, st.Spans, shardCount)
	assert.Equal(t, int64(200-st.Spans), st.Dropped)
	assert.Len(t, h.sink.started(), st.Spans, "dropped entry spans start no session")
	require.Len(t, errs(), 1, "one warning")
	require.ErrorIs(t, errs()[0], errSpansDropped)
	for _, s := range spans {
		s.End()
	}
	withID := 0
	for _, s := range h.rec.Ended() {
		if sessionIDOf(s) != "" {
			withID++
		}
	}
	assert.Equal(t, st.Spans, withID)
	clock.advance(DefaultGracePeriod)
	assert.Zero(t, h.p.Stats().Spans)
}
