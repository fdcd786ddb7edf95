package bench

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/otelsessions/otelsessions/processor"
	"github.com/otelsessions/otelsessions/session"
)

var errBench = errors.New("bench failure")

// benchResource is what a service's resource holds: the attributes the processor reads for app and device.
var benchResource = resource.NewSchemaless(
	attribute.String("service.name", "bench"),
	attribute.String("service.version", "1.0.0"),
	attribute.String("deployment.environment.name", "bench"),
	attribute.String("host.name", "bench-host"),
)

// discardSink is a session.Sink that drops everything: the benchmarks measure the processor, not delivery.
type discardSink struct{}

func (discardSink) SessionStarted(*session.Session) {}

func (discardSink) ErrorEvent(session.Event) {}

// discardExporter is a span exporter that drops every batch: the exporter both set-ups share.
type discardExporter struct{}

func (discardExporter) ExportSpans(context.Context, []sdktrace.ReadOnlySpan) error { return nil }

func (discardExporter) Shutdown(context.Context) error { return nil }

// benchMaxSpans is the processor's cap on span states in the benchmarks. The default (DefaultMaxSpans) has
// room for the 2 s grace period at about 250,000 spans a second, and the benchmarks run faster than that. A
// service that busy must raise the cap (processor/README.md: at S spans a second it holds about 2·S states),
// and so do they, or the processor would stop tracking new spans and "with" would cost less than it should.
// The table then holds what such a service's would: every span of the last 2 s.
const benchMaxSpans = 1 << 23

// setupKind is which of the set-ups compared a TracerProvider is.
type setupKind int

const (
	// without is the service's TracerProvider alone.
	without setupKind = iota
	// tagOnly adds a span processor that only sets one constant session.id on every span as it starts: the
	// least that any processor whose spans carry session.id (DESIGN.md) costs through the SDK's API, with no
	// session tracked, counted or derived. It is the floor under sdk_overhead_ratio and child_span_allocs.
	tagOnly
	// with adds otelsessions: its processor and its sampler wrapper.
	with
)

// sdkSetups are the set-ups each SDK benchmark compares, in the order they run.
var sdkSetups = []setupKind{without, tagOnly, with}

func (k setupKind) String() string {
	switch k {
	case tagOnly:
		return "tagonly"
	case with:
		return "with"
	default:
		return "without"
	}
}

// tagProcessor is the tagOnly set-up's span processor.
type tagProcessor struct{}

// constSessionID is the attribute tagProcessor sets, passed as a slice of its own so that the call allocates
// no variadic argument (the otelsessions processor passes its sessions' attributes the same way).
var constSessionID = []attribute.KeyValue{processor.SessionIDKey.String("6f74656c-7365-5373-696f-6e7300000000")}

func (tagProcessor) OnStart(_ context.Context, s sdktrace.ReadWriteSpan) {
	s.SetAttributes(constSessionID...)
}

func (tagProcessor) OnEnd(sdktrace.ReadOnlySpan) {}

func (tagProcessor) Shutdown(context.Context) error { return nil }

func (tagProcessor) ForceFlush(context.Context) error { return nil }

// setup is one TracerProvider under test, and its otelsessions processor when it has one.
type setup struct {
	tp *sdktrace.TracerProvider
	p  *processor.Processor
}

// newSetup returns the TracerProvider of the README's set-up of kind k: with the otelsessions processor and
// its sampler wrapper, with the tag-only processor, or without either. All sample every trace and send their
// spans to the same batcher with a discarding exporter, as a service's exporter would get them.
func newSetup(b *testing.B, k setupKind) setup {
	b.Helper()
	return newSampledSetup(b, k, sdktrace.ParentBased(sdktrace.AlwaysSample()))
}

// newSampledSetup is newSetup with base as the sampler (wrapped by the processor's in the with set-up).
func newSampledSetup(b *testing.B, k setupKind, base sdktrace.Sampler) setup {
	b.Helper()
	opts := []sdktrace.TracerProviderOption{sdktrace.WithResource(benchResource)}
	var p *processor.Processor
	switch k {
	case with:
		p = processor.New(processor.WithSink(discardSink{}), processor.WithMaxSpans(benchMaxSpans))
		opts = append(opts, sdktrace.WithSampler(p.Sampler(base)), sdktrace.WithSpanProcessor(p))
	case tagOnly:
		opts = append(opts, sdktrace.WithSampler(base), sdktrace.WithSpanProcessor(tagProcessor{}))
	default:
		opts = append(opts, sdktrace.WithSampler(base))
	}
	opts = append(opts, sdktrace.WithBatcher(discardExporter{}))
	tp := sdktrace.NewTracerProvider(opts...)
	b.Cleanup(func() { _ = tp.Shutdown(context.WithoutCancel(b.Context())) })
	return setup{tp: tp, p: p}
}

// reportDropped reports the span states the processor could not hold (0 when the benchmark is sound: a
// dropped span is not tracked, which would make "with" cheaper than a service would see it).
func (s setup) reportDropped(b *testing.B) {
	b.Helper()
	if s.p != nil {
		b.ReportMetric(float64(s.p.Stats().Dropped), "dropped")
	}
}

// reportCPU reports the process's CPU time per operation since start, as cpu-ns/op.
func reportCPU(b *testing.B, start time.Duration) {
	b.Helper()
	if used := cpuTime(b) - start; used > 0 {
		b.ReportMetric(float64(used)/float64(b.N), "cpu-ns/op")
	}
}

// request runs one request: an entry SERVER span and children spans below it; when exception is true, the
// fifth child (or the last, with fewer) records an error as an exception event.
func request(ctx context.Context, tracer trace.Tracer, children int, exception bool) {
	ctx, entry := tracer.Start(ctx, "GET /items/{id}", trace.WithSpanKind(trace.SpanKindServer))
	for i := range children {
		_, s := tracer.Start(ctx, "child")
		if exception && i == min(4, children-1) {
			s.RecordError(errBench)
		}
		s.End()
	}
	entry.End()
}

// BenchmarkRequest measures one request of an entry SERVER span, 9 children and one exception event, with
// and without otelsessions and with the tag-only processor: sdk_overhead_ratio is with / without, and
// sdk_tag_floor_ratio tagonly / without.
func BenchmarkRequest(b *testing.B) {
	for _, k := range sdkSetups {
		b.Run("setup="+k.String(), func(b *testing.B) {
			s := newSetup(b, k)
			tracer := s.tp.Tracer("bench")
			ctx := b.Context()
			b.ReportAllocs()
			start := cpuTime(b)
			for b.Loop() {
				request(ctx, tracer, 9, true)
			}
			reportCPU(b, start)
			s.reportDropped(b)
		})
	}
}

// BenchmarkRequestSampled is BenchmarkRequest with the README's head sampling,
// ParentBased(TraceIDRatioBased(0.1)), in both set-ups. Without otelsessions nine requests in ten are then
// not recorded at all; with it, the sampler wrapper records them (RecordOnly, not exported) so that their
// sessions count: the price the README names for counting every session.
func BenchmarkRequestSampled(b *testing.B) {
	for _, k := range []setupKind{without, with} {
		b.Run("setup="+k.String(), func(b *testing.B) {
			s := newSampledSetup(b, k, sdktrace.ParentBased(sdktrace.TraceIDRatioBased(0.1)))
			tracer := s.tp.Tracer("bench")
			ctx := b.Context()
			b.ReportAllocs()
			start := cpuTime(b)
			for b.Loop() {
				request(ctx, tracer, 9, true)
			}
			reportCPU(b, start)
			s.reportDropped(b)
		})
	}
}

// BenchmarkChildren measures a request of an entry span and 1 or 10 children, with and without otelsessions:
// child_span_allocs is the allocations otelsessions adds for each of the 9 extra children.
func BenchmarkChildren(b *testing.B) {
	for _, k := range sdkSetups {
		for _, n := range []int{1, 10} {
			b.Run("setup="+k.String()+"/children="+strconv.Itoa(n), func(b *testing.B) {
				s := newSetup(b, k)
				tracer := s.tp.Tracer("bench")
				ctx := b.Context()
				b.ReportAllocs()
				start := cpuTime(b)
				for b.Loop() {
					request(ctx, tracer, n, false)
				}
				reportCPU(b, start)
				s.reportDropped(b)
			})
		}
	}
}

// BenchmarkEntry measures a request of only an entry span, with and without otelsessions: session_allocs is
// the allocations otelsessions adds, and with minus without is its cost per session, which
// vs_bugsnag_ratio sets against BenchmarkBugsnag.
func BenchmarkEntry(b *testing.B) {
	for _, k := range sdkSetups {
		b.Run("setup="+k.String(), func(b *testing.B) {
			s := newSetup(b, k)
			tracer := s.tp.Tracer("bench")
			ctx := b.Context()
			b.ReportAllocs()
			start := cpuTime(b)
			for b.Loop() {
				request(ctx, tracer, 0, false)
			}
			reportCPU(b, start)
			s.reportDropped(b)
		})
	}
}
