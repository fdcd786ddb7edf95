package processor

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/otelsessions/otelsessions/internal/tally"
)

var errBench = errors.New("bench failure")

// noopProcessor is a span processor that does nothing.
type noopProcessor struct{}

func (noopProcessor) OnStart(context.Context, sdktrace.ReadWriteSpan) {}

func (noopProcessor) OnEnd(sdktrace.ReadOnlySpan) {}

func (noopProcessor) Shutdown(context.Context) error { return nil }

func (noopProcessor) ForceFlush(context.Context) error { return nil }

// benchProviders returns the same TracerProvider set-up without and with the processor (counting into a
// tally.Sink, as the demo does). The processor's clock is the returned one: benchmarks advance it by the
// time between operations of a service under load, so that its span table holds what such a service's
// would (the spans of one grace period), instead of filling up at the benchmark's pace.
func benchProviders(b *testing.B) (map[string]*sdktrace.TracerProvider, *fakeClock) {
	b.Helper()
	clock := newFakeClock()
	out := map[string]*sdktrace.TracerProvider{
		"without": sdktrace.NewTracerProvider(sdktrace.WithResource(testResource)),
		// Any span processor makes the SDK snapshot every span at its end: this is that share of the cost.
		"noop": sdktrace.NewTracerProvider(sdktrace.WithResource(testResource),
			sdktrace.WithSpanProcessor(noopProcessor{})),
		"with": sdktrace.NewTracerProvider(sdktrace.WithResource(testResource),
			sdktrace.WithSpanProcessor(New(WithSink(&tally.Sink{}), withClock(clock.now)))),
	}
	b.Cleanup(func() {
		for _, tp := range out {
			_ = tp.Shutdown(context.WithoutCancel(b.Context()))
		}
	})
	return out, clock
}

// reportCPU reports the CPU time per operation since start (cpu-ns/op), in every thread of the process.
// On a shared machine it varies much less than the wall time per operation does.
func reportCPU(b *testing.B, start time.Duration) {
	b.Helper()
	b.ReportMetric(float64(cpuTime(b)-start)/float64(b.N), "cpu-ns/op")
}

// BenchmarkSpan measures one span started and ended inside a request's session, at 100,000 spans a
// second on the processor's clock.
func BenchmarkSpan(b *testing.B) {
	for _, name := range []string{"without", "noop", "with"} {
		b.Run(name+"Processor", func(b *testing.B) {
			tps, clock := benchProviders(b)
			tracer := tps[name].Tracer("bench")
			ctx, entry := tracer.Start(b.Context(), "GET /", trace.WithSpanKind(trace.SpanKindServer))
			defer entry.End()
			b.ReportAllocs()
			start := cpuTime(b)
			for b.Loop() {
				_, s := tracer.Start(ctx, "child")
				s.End()
				clock.advance(10 * time.Microsecond)
			}
			reportCPU(b, start)
		})
	}
}

// BenchmarkRequest measures one request: an entry span and 9 children, one of which records an exception,
// at 10,000 requests a second on the processor's clock.
func BenchmarkRequest(b *testing.B) {
	for _, name := range []string{"without", "noop", "with"} {
		b.Run(name+"Processor", func(b *testing.B) {
			tps, clock := benchProviders(b)
			tracer := tps[name].Tracer("bench")
			b.ReportAllocs()
			start := cpuTime(b)
			for b.Loop() {
				ctx, entry := tracer.Start(b.Context(), "GET /", trace.WithSpanKind(trace.SpanKindServer))
				for i := range 9 {
					_, s := tracer.Start(ctx, "child")
					if i == 4 {
						s.RecordError(errBench)
					}
					s.End()
				}
				entry.End()
				clock.advance(100 * time.Microsecond)
			}
			reportCPU(b, start)
		})
	}
}

// BenchmarkStateBytes reports the heap the processor adds per request in flight (B/trace): n requests whose
// entry span is open, each with children that started and ended (so their states are in the grace
// period), against the same TracerProvider without the processor. It includes the sessions themselves and
// the session.id attributes the SDK stores in the open spans.
func BenchmarkStateBytes(b *testing.B) {
	for _, children := range []int{0, 9} {
		b.Run("children="+strconv.Itoa(children), func(b *testing.B) {
			const n = 20_000
			var perTrace float64
			for b.Loop() {
				without := inFlightBytes(b, sdktrace.NewTracerProvider(), n, children)
				p := New(withClock(newFakeClock().now)) // a clock that stands still: nothing expires
				with := inFlightBytes(b, sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(p)), n, children)
				perTrace = float64(with-without) / n
			}
			b.ReportMetric(perTrace, "B/trace")
		})
	}
}

// inFlightBytes returns how much the heap grows while n requests are in flight on tp.
func inFlightBytes(b *testing.B, tp *sdktrace.TracerProvider, n, children int) int64 {
	b.Helper()
	defer func() { _ = tp.Shutdown(context.WithoutCancel(b.Context())) }()
	tracer := tp.Tracer("bench")
	entries := make([]trace.Span, 0, n)
	before := heapInUse()
	for range n {
		ctx, entry := tracer.Start(b.Context(), "GET /", trace.WithSpanKind(trace.SpanKindServer))
		for range children {
			_, s := tracer.Start(ctx, "child")
			s.End()
		}
		entries = append(entries, entry)
	}
	grown := int64(heapInUse()) - int64(before)
	for _, s := range entries {
		s.End()
	}
	return grown
}
