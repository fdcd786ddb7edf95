package processor

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/otelsessions/otelsessions/session"
)

// TestProcessorConcurrentSafe runs, under -race, many goroutines that at once start, pause and resume
// sessions over shared contexts, add and remove callbacks, and start entry spans with children and errors.
// Every session the sink saw is counted once and every failing entry span crashed its session.
func TestProcessorConcurrentSafe(t *testing.T) {
	const goroutines, rounds = 32, 200
	sink := &leanSink{}
	p := New(WithSink(sink))
	tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(p.Sampler(sdktrace.TraceIDRatioBased(0.5))),
		sdktrace.WithSpanProcessor(p))
	t.Cleanup(func() { require.NoError(t, tp.Shutdown(context.WithoutCancel(t.Context()))) })
	tracer := tp.Tracer("test")
	var callbackRuns atomic.Int64
	shared := p.StartSession(t.Context())

	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range rounds {
				switch (g + i) % 4 {
				case 0:
					remove := p.AddOnSession(func(context.Context, *session.Session) bool {
						callbackRuns.Add(1)
						return true
					})
					ctx := p.StartSession(shared)
					_, s := tracer.Start(ctx, "manual")
					s.End()
					remove()
				case 1:
					p.PauseSession(shared)
					_, s := tracer.Start(shared, "maybe paused")
					s.End()
				case 2:
					p.ResumeSession(shared)
					_ = p.Stats()
				case 3:
					ctx, entry := tracer.Start(t.Context(), "GET /", trace.WithSpanKind(trace.SpanKindServer))
					p.PauseSession(ctx)
					ctx, _ = p.ResumeSession(ctx)
					_, child := tracer.Start(ctx, "child")
					child.RecordError(assert.AnError)
					child.End()
					entry.SetStatus(codes.Error, "failed")
					entry.End()
				}
			}
		})
	}
	wg.Wait()

	sum, outside := sink.Take()
	c := sum.Total()
	entries := int64(goroutines * rounds / 4)
	manual := int64(goroutines*rounds/4) + 1
	assert.Equal(t, entries+manual, c.Started)
	assert.Equal(t, entries, c.Unhandled)
	assert.Equal(t, entries, c.UnhandledEvents)
	assert.Equal(t, entries, c.HandledEvents)
	assert.Zero(t, outside)
	assert.Positive(t, callbackRuns.Load())
}
