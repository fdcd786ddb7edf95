package bench

import (
	"encoding/binary"
	"runtime"
	"testing"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/otel/trace"
)

const (
	memSessions = 20_000 // open sessions per measurement
	memTraces   = 20_000 // held traces per measurement
)

// heapAfterGC returns the live heap after two collections (the second frees what the first's finalizers
// left).
func heapAfterGC() int64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

// openSessionsHeap returns the heap that memSessions open requests (entry spans started and not ended) take
// in s, per request.
func openSessionsHeap(b *testing.B, s setup) float64 {
	b.Helper()
	tracer := s.tp.Tracer("bench")
	spans := make([]trace.Span, memSessions)
	before := heapAfterGC()
	for i := range spans {
		_, spans[i] = tracer.Start(b.Context(), "GET /", trace.WithSpanKind(trace.SpanKindServer))
	}
	after := heapAfterGC()
	for _, sp := range spans {
		sp.End()
	}
	return float64(after-before) / memSessions
}

// BenchmarkMemorySession measures the live heap that otelsessions adds per open session in the SDK: the
// heap of 20,000 open requests (entry spans started, not ended) with the processor, less the same without
// it, per request, reported as B/session (target: at most 150).
func BenchmarkMemorySession(b *testing.B) {
	withOS, withoutOS := newSetup(b, with), newSetup(b, without)
	var sum float64
	for b.Loop() {
		sum += openSessionsHeap(b, withOS) - openSessionsHeap(b, withoutOS)
	}
	b.ReportMetric(sum/float64(b.N), "B/session")
}

// BenchmarkMemoryTrace measures the live heap the sessions processor (default configuration: 10 s wait)
// adds per trace it holds: 20,000 traces of one span each, whose entry span has not arrived, taken over
// from the batches that brought them; the spans' own pdata is counted before and after, so what is left is
// the processor's state. They come in one batch (arrival=batch), which the processor holds whole, or each in
// a batch of its own (arrival=alone). Reported as B/trace (target: at most 150).
func BenchmarkMemoryTrace(b *testing.B) {
	for _, alone := range []bool{false, true} {
		name := "arrival=batch"
		if alone {
			name = "arrival=alone"
		}
		b.Run(name, func(b *testing.B) {
			var sum float64
			for b.Loop() {
				p := newSessionsProcessor(b, defaultWait)
				batches := []ptrace.Traces{childSpans(memTraces)}
				if alone {
					batches = eachTrace(batches[0])
				}
				before := heapAfterGC()
				consumeAll(b, p, batches)
				clear(batches) // what the batches held now belongs to the processor
				after := heapAfterGC()
				sum += float64(after-before) / memTraces
				runtime.KeepAlive(batches)
				if err := p.Shutdown(b.Context()); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(sum/float64(b.N), "B/trace")
		})
	}
}

// eachTrace moves every span of td, one resource and scope each, into a batch of its own.
func eachTrace(td ptrace.Traces) []ptrace.Traces {
	rs := td.ResourceSpans().At(0)
	spans := rs.ScopeSpans().At(0).Spans()
	out := make([]ptrace.Traces, spans.Len())
	for i := range out {
		out[i] = ptrace.NewTraces()
		dst := out[i].ResourceSpans().AppendEmpty()
		rs.Resource().CopyTo(dst.Resource())
		spans.At(i).MoveTo(dst.ScopeSpans().AppendEmpty().Spans().AppendEmpty())
	}
	return out
}

// childSpans returns one batch of n traces, each one CLIENT span whose parent, the entry span, is not in it.
func childSpans(n int) ptrace.Traces {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", "bench")
	spans := rs.ScopeSpans().AppendEmpty().Spans()
	spans.EnsureCapacity(n)
	for i := range n {
		s := spans.AppendEmpty()
		var tid pcommon.TraceID
		binary.BigEndian.PutUint64(tid[8:], uint64(i)+1)
		s.SetTraceID(tid)
		s.SetSpanID(pcommon.SpanID{7: 2})
		s.SetParentSpanID(pcommon.SpanID{7: 1})
		s.SetKind(ptrace.SpanKindClient)
		s.SetName("GET")
		s.SetStartTimestamp(pcommon.Timestamp(1_000_000))
		s.SetEndTimestamp(pcommon.Timestamp(2_000_000))
	}
	return td
}
