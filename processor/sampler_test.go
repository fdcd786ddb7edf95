package processor

import (
	"context"
	"math/rand/v2"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/otelsessions/otelsessions/session"
)

// seededIDs is an IDGenerator that repeats from run to run.
type seededIDs struct {
	mu  sync.Mutex
	rnd *rand.Rand
}

func newSeededIDs(seed uint64) *seededIDs {
	return &seededIDs{rnd: rand.New(rand.NewPCG(seed, seed))}
}

func (g *seededIDs) NewIDs(context.Context) (trace.TraceID, trace.SpanID) {
	g.mu.Lock()
	defer g.mu.Unlock()
	var tid trace.TraceID
	var sid trace.SpanID
	for !tid.IsValid() || !sid.IsValid() {
		putUint64(tid[:8], g.rnd.Uint64())
		putUint64(tid[8:], g.rnd.Uint64())
		putUint64(sid[:], g.rnd.Uint64())
	}
	return tid, sid
}

func (g *seededIDs) NewSpanID(context.Context, trace.TraceID) trace.SpanID {
	g.mu.Lock()
	defer g.mu.Unlock()
	var sid trace.SpanID
	for !sid.IsValid() {
		putUint64(sid[:], g.rnd.Uint64())
	}
	return sid
}

func putUint64(b []byte, v uint64) {
	for i := range 8 {
		b[i] = byte(v >> (8 * i))
	}
}

// demoHandler answers every request with a child span; ?fail=handled records a handled error in the
// child, ?fail=panic panics.
func demoHandler(tracer trace.Tracer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, child := tracer.Start(r.Context(), "load")
		switch r.URL.Query().Get("fail") {
		case "handled":
			child.RecordError(assert.AnError)
		case "panic":
			child.End()
			panic("boom")
		}
		child.End()
		w.WriteHeader(http.StatusOK)
	})
}

// runSampled sends 1000 requests, 20 of which panic and 50 of which record a handled error, to a service
// sampling a tenth of its traces, and returns the figures and what the span exporter received.
func runSampled(t *testing.T, wrap bool) (session.Counts, tracetest.SpanStubs) {
	t.Helper()
	sink := &recSink{}
	p := New(WithSink(sink))
	exp := tracetest.NewInMemoryExporter()
	sampler := sdktrace.ParentBased(sdktrace.TraceIDRatioBased(0.1))
	if wrap {
		sampler = p.Sampler(sampler)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(sampler), sdktrace.WithIDGenerator(newSeededIDs(6)),
		sdktrace.WithSpanProcessor(p), sdktrace.WithBatcher(exp))
	handler := otelhttp.NewHandler(PanicHandler(demoHandler(tp.Tracer("demo"))), "server",
		otelhttp.WithTracerProvider(tp))
	for i := range 1000 {
		target := "/work"
		switch {
		case i%50 == 7:
			target += "?fail=panic"
		case i%20 == 3:
			target += "?fail=handled"
		}
		func() {
			defer func() { _ = recover() }()
			handler.ServeHTTP(discardWriter{}, newRequest(t, target))
		}()
	}
	require.NoError(t, tp.ForceFlush(t.Context()))
	spans := exp.GetSpans() // before Shutdown, which clears the in-memory exporter
	require.NoError(t, tp.Shutdown(t.Context()))
	c, _ := sink.counts()
	return c, spans
}

// TestSamplerCountsUnsampledSessions is point 6: ParentBased(TraceIDRatioBased(0.1)) wrapped by Sampler,
// 1000 requests of which 20 panic: every session counts, while the exporter gets about a tenth of the
// traces, and only sampled spans.
func TestSamplerCountsUnsampledSessions(t *testing.T) {
	c, spans := runSampled(t, true)
	assert.Equal(t, session.Counts{
		Started: 1000, Unhandled: 20, Handled: 50, UnhandledEvents: 20, HandledEvents: 50,
	}, c)
	traces := make(map[trace.TraceID]bool)
	for _, s := range spans {
		assert.True(t, s.SpanContext.IsSampled())
		traces[s.SpanContext.TraceID()] = true
	}
	assert.InDelta(t, 100, len(traces), 40, "about a tenth of the traces")
	assert.Len(t, spans, 2*len(traces), "whole traces: entry and child")
}

// TestWithoutSamplerOnlySampledSessionsCount shows what the wrapper is for: without it only the sampled
// tenth of the sessions is seen.
func TestWithoutSamplerOnlySampledSessionsCount(t *testing.T) {
	c, spans := runSampled(t, false)
	assert.Equal(t, int64(len(spans)/2), c.Started)
	assert.Less(t, c.Started, int64(200))
}

func TestSamplerDescriptionAndDefault(t *testing.T) {
	p := New()
	assert.Equal(t, "OTelSessions{AlwaysOnSampler}", p.Sampler(sdktrace.AlwaysSample()).Description())
	assert.Contains(t, p.Sampler(nil).Description(), "ParentBased")
}

// TestSamplerRecordsOnlySessionSpans checks that dropped spans outside sessions stay dropped.
func TestSamplerRecordsOnlySessionSpans(t *testing.T) {
	p := New()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(p.Sampler(sdktrace.NeverSample())),
		sdktrace.WithSpanProcessor(p))
	t.Cleanup(func() { require.NoError(t, tp.Shutdown(context.WithoutCancel(t.Context()))) })
	tracer := tp.Tracer("t")
	ctx, entry := tracer.Start(t.Context(), "GET /", trace.WithSpanKind(trace.SpanKindServer))
	_, child := tracer.Start(ctx, "child")
	_, job := tracer.Start(t.Context(), "job")
	paused := p.StartSession(t.Context())
	p.PauseSession(paused)
	_, inPaused := tracer.Start(paused, "paused")
	assert.True(t, entry.IsRecording())
	assert.False(t, entry.SpanContext().IsSampled())
	assert.True(t, child.IsRecording())
	assert.False(t, job.IsRecording())
	assert.False(t, inPaused.IsRecording())
	for _, s := range []trace.Span{inPaused, job, child, entry} {
		s.End()
	}
}
