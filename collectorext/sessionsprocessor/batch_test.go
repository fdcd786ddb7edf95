package sessionsprocessor

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelsessions/otelsessions/collectorext/sessionsprocessor/internal/metadata"
	"github.com/otelsessions/otelsessions/internal/realdata"
	"github.com/otelsessions/otelsessions/internal/traceiter"
)

// batchOf joins the batches into one, as an SDK's batch span processor or the Collector's batcher would.
func batchOf(batches ...ptrace.Traces) ptrace.Traces {
	td := ptrace.NewTraces()
	for _, b := range batches {
		b.ResourceSpans().MoveAndAppendTo(td.ResourceSpans())
	}
	return td
}

// newTelemetry returns Collector telemetry whose metrics the test reads, shut down when it ends.
func newTelemetry(t *testing.T) *componenttest.Telemetry {
	t.Helper()
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.WithoutCancel(t.Context()))) })
	return tel
}

// TestBatchOfNewTracesLeavesWhole: a batch of new traces is held as it came and leaves as one batch, with
// the same resources, every span in its own trace's session.
func TestBatchOfNewTracesLeavesWhole(t *testing.T) {
	tel := newTelemetry(t)
	sink := new(consumertest.TracesSink)
	sp, clk := newTestProcessor(t, &Config{Wait: testWait, MaxTraces: 10}, sink, tel.NewTelemetrySettings())

	consume(t, sp, batchOf(
		newTrace(1, span(1, 0, server), span(2, 1, client)),
		newTrace(2, span(3, 0, server), span(4, 3, internal)),
		newTrace(3, span(5, 0, server)),
	))
	assert.Equal(t, int64(3), metricValue(t, tel, metadata.MetricTracesHeld))
	expireAfter(t, sp, clk, testWait)

	require.Len(t, sink.AllTraces(), 1, "the batch leaves whole")
	assert.Equal(t, 3, sink.AllTraces()[0].ResourceSpans().Len(), "its resources are not copied per trace")
	assert.Equal(t, map[pcommon.SpanID]string{
		spanID(1): sessionOf(1, 1), spanID(2): sessionOf(1, 1),
		spanID(3): sessionOf(2, 3), spanID(4): sessionOf(2, 3),
		spanID(5): sessionOf(3, 5),
	}, sessions(sink.AllTraces()...))
	assert.Equal(t, int64(5), metricValue(t, tel, metadata.MetricSpansTagged))
	assert.Zero(t, metricValue(t, tel, metadata.MetricTracesHeld))
}

// TestBatchTraceTakesLaterSpans: spans of a batch's trace that arrive later, within the wait, leave with it
// in its session, and a later span that is the entry of the batch's orphan gives the orphan its session.
func TestBatchTraceTakesLaterSpans(t *testing.T) {
	tel := newTelemetry(t)
	sink := new(consumertest.TracesSink)
	sp, clk := newTestProcessor(t, &Config{Wait: testWait, MaxTraces: 10}, sink, tel.NewTelemetrySettings())

	consume(t, sp, batchOf(newTrace(1, span(2, 1, client)), newTrace(2, span(3, 0, server))))
	clk.Advance(testWait / 2)
	consume(t, sp, newTrace(1, span(1, 0, server)))
	expireAfter(t, sp, clk, testWait/2)

	assert.Equal(t, map[pcommon.SpanID]string{
		spanID(1): sessionOf(1, 1), spanID(2): sessionOf(1, 1), spanID(3): sessionOf(2, 3),
	}, sessions(sink.AllTraces()...))
	assert.Zero(t, metricValue(t, tel, metadata.MetricUnresolvedTraces))
	assert.Zero(t, metricValue(t, tel, metadata.MetricLateSpans))
	assert.Zero(t, metricValue(t, tel, metadata.MetricTracesHeld))
}

// TestBatchOrphanWaitsAlone: when the wait ends, a batch's trace whose span misses its ancestry stays held
// for it, up to max_wait, while the batch's other traces leave.
func TestBatchOrphanWaitsAlone(t *testing.T) {
	tel := newTelemetry(t)
	sink := new(consumertest.TracesSink)
	cfg := &Config{Wait: testWait, MaxWait: longWait, MaxTraces: 10}
	sp, clk := newTestProcessor(t, cfg, sink, tel.NewTelemetrySettings())

	consume(t, sp, batchOf(newTrace(1, span(1, 0, server), span(2, 1, client)), newTrace(2, span(4, 3, client))))
	expireAfter(t, sp, clk, testWait)
	assert.Equal(t, map[pcommon.SpanID]string{spanID(1): sessionOf(1, 1), spanID(2): sessionOf(1, 1)},
		sessions(sink.AllTraces()...), "the complete trace leaves at the wait")
	assert.Equal(t, int64(1), metricValue(t, tel, metadata.MetricTracesHeld))

	consume(t, sp, newTrace(2, span(3, 0, server)))
	expireAfter(t, sp, clk, testWait)
	got := sessions(sink.AllTraces()...)
	assert.Equal(t, sessionOf(2, 3), got[spanID(3)])
	assert.Equal(t, sessionOf(2, 3), got[spanID(4)], "the orphan found its entry span")
	assert.Zero(t, metricValue(t, tel, metadata.MetricUnresolvedTraces))
	assert.Zero(t, metricValue(t, tel, metadata.MetricTracesHeld))
}

// TestBatchTraceEvictedAlone: max_traces evicts only the oldest trace of a held batch; the batch's other
// traces keep their wait.
func TestBatchTraceEvictedAlone(t *testing.T) {
	tel := newTelemetry(t)
	sink := new(consumertest.TracesSink)
	sp, clk := newTestProcessor(t, &Config{Wait: testWait, MaxTraces: 2}, sink, tel.NewTelemetrySettings())

	consume(t, sp, batchOf(newTrace(1, span(1, 0, server)), newTrace(2, span(2, 0, server))))
	consume(t, sp, newTrace(3, span(3, 0, server)))
	assert.Equal(t, map[pcommon.SpanID]string{spanID(1): sessionOf(1, 1)}, sessions(sink.AllTraces()...))
	assert.Equal(t, int64(1), metricValue(t, tel, metadata.MetricTracesEvicted))
	assert.Equal(t, int64(2), metricValue(t, tel, metadata.MetricTracesHeld))

	expireAfter(t, sp, clk, testWait)
	assert.Equal(t, map[pcommon.SpanID]string{
		spanID(1): sessionOf(1, 1), spanID(2): sessionOf(2, 2), spanID(3): sessionOf(3, 3),
	}, sessions(sink.AllTraces()...))
}

// TestBatchBeyondMaxTracesIsSplit: a batch of new traces that max_traces has no room for is held trace by
// trace, evicting as it goes, as before batches were held whole.
func TestBatchBeyondMaxTracesIsSplit(t *testing.T) {
	tel := newTelemetry(t)
	sink := new(consumertest.TracesSink)
	sp, _ := newTestProcessor(t, &Config{Wait: testWait, MaxTraces: 2}, sink, tel.NewTelemetrySettings())

	consume(t, sp, batchOf(newTrace(1, span(1, 0, server)), newTrace(2, span(2, 0, server)),
		newTrace(3, span(3, 0, server))))
	assert.Equal(t, map[pcommon.SpanID]string{spanID(1): sessionOf(1, 1)}, sessions(sink.AllTraces()...))
	assert.Equal(t, int64(1), metricValue(t, tel, metadata.MetricTracesEvicted))
}

// TestBatchWithoutTraceIDIsSplit: a span without a trace id leaves at once, untouched, and the batch's
// traces are held.
func TestBatchWithoutTraceIDIsSplit(t *testing.T) {
	sink := new(consumertest.TracesSink)
	sp, clk := newTestProcessor(t, &Config{Wait: testWait, MaxTraces: 10}, sink, nopTelemetry())

	noTrace := newTrace(9, span(9, 0, server))
	noTrace.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).SetTraceID(pcommon.TraceID{})
	consume(t, sp, batchOf(newTrace(1, span(1, 0, server)), noTrace, newTrace(2, span(2, 0, server))))
	assert.Equal(t, map[pcommon.SpanID]string{spanID(9): ""}, sessions(sink.AllTraces()...))

	expireAfter(t, sp, clk, testWait)
	assert.Equal(t, map[pcommon.SpanID]string{
		spanID(1): sessionOf(1, 1), spanID(2): sessionOf(2, 2),
		spanID(9): "",
	}, sessions(sink.AllTraces()...))
}

// TestBatchWithoutWait: with wait 0 a batch of several traces is tagged and returned at once, whole.
func TestBatchWithoutWait(t *testing.T) {
	sp, _ := newTestProcessor(t, &Config{MaxTraces: 10}, consumertest.NewNop(), nopTelemetry())
	out, err := sp.processTraces(t.Context(), batchOf(newTrace(1, span(1, 0, server), span(2, 1, client)),
		newTrace(2, span(3, 0, server))))
	require.NoError(t, err)
	assert.Equal(t, 2, out.ResourceSpans().Len())
	assert.Equal(t, map[pcommon.SpanID]string{
		spanID(1): sessionOf(1, 1), spanID(2): sessionOf(1, 1), spanID(3): sessionOf(2, 3),
	}, sessions(out))
	assert.Empty(t, sp.traces, "nothing is remembered without a wait")
}

// TestBatchesAsSplitByTrace: the real recordings in random batches, with the wait ending and late spans
// arriving between them, give every span the session.id, and every counter the value, that the same
// batches split by trace give: holding a batch whole changes nothing that can be seen. With a max_traces of
// 8, held batches are also dissolved by evictions.
func TestBatchesAsSplitByTrace(t *testing.T) {
	for _, rel := range realdata.Files(t) {
		t.Run(rel, func(t *testing.T) {
			spans, _ := readWhole(t, realdata.File(t, rel))
			for seed := range uint64(3) {
				rng := rand.New(rand.NewPCG(seed, 11))
				batches := randomBatches(rng, spans)
				for _, maxTraces := range []int{1 << 20, 8} {
					whole, wholeCounts := runBatches(t, batches, maxTraces, false)
					split, splitCounts := runBatches(t, batches, maxTraces, true)
					assert.Equal(t, split, whole, "seed %d, max_traces %d", seed, maxTraces)
					assert.Equal(t, splitCounts, wholeCounts, "seed %d, max_traces %d", seed, maxTraces)
				}
			}
		})
	}
}

// runBatches sends copies of the batches, split by trace if told, to a new processor, letting half a wait
// pass after every fourth, and returns the session.id of every span forwarded and the processor's counters.
func runBatches(t *testing.T, batches []ptrace.Traces, maxTraces int, split bool,
) (map[spanKey]string, map[string]int64) {
	t.Helper()
	tel := newTelemetry(t)
	sink := new(consumertest.TracesSink)
	cfg := &Config{Wait: testWait, MaxWait: 3 * testWait, MaxTraces: maxTraces}
	sp, clk := newTestProcessor(t, cfg, sink, tel.NewTelemetrySettings())
	for i, b := range batches {
		td := ptrace.NewTraces()
		b.CopyTo(td)
		if split {
			for _, part := range splitByTrace(td) {
				consume(t, sp, part.td)
			}
		} else {
			consume(t, sp, td)
		}
		if i%4 == 3 {
			expireAfter(t, sp, clk, testWait/2)
		}
	}
	require.NoError(t, sp.forward(t.Context(), sp.flushAll()))
	got := map[spanKey]string{}
	for _, td := range sink.AllTraces() {
		for _, s := range traceiter.Spans(td) {
			v, _ := s.Attributes().Get(AttrSessionID)
			got[spanKey{s.TraceID(), s.SpanID(), s.Kind()}] = v.Str()
		}
	}
	counts := map[string]int64{}
	for _, m := range []string{
		metadata.MetricLateSpans, metadata.MetricUnresolvedTraces,
		metadata.MetricSpansTagged, metadata.MetricTracesEvicted,
	} {
		counts[m] = metricValue(t, tel, m)
	}
	return got, counts
}

// TestOddBatchesAsSplitByTrace: small random batches with what real data rarely has (spans without a trace
// or span id, span ids shared between traces, copies, a trace under several resources and scopes, flags
// that say a parent is remote or local) give what the same batches split by trace give.
func TestOddBatchesAsSplitByTrace(t *testing.T) {
	for seed := range uint64(200) {
		rng := rand.New(rand.NewPCG(seed, 17))
		batches := make([]ptrace.Traces, 4+rng.IntN(12))
		for i := range batches {
			batches[i] = oddBatch(rng)
		}
		for _, maxTraces := range []int{1 << 20, 2} {
			whole, wholeCounts := runBatches(t, batches, maxTraces, false)
			split, splitCounts := runBatches(t, batches, maxTraces, true)
			require.Equal(t, split, whole, "seed %d, max_traces %d", seed, maxTraces)
			require.Equal(t, splitCounts, wholeCounts, "seed %d, max_traces %d", seed, maxTraces)
		}
	}
}

// oddBatch returns a batch of up to 3 resources and 2 scopes each, with spans of up to 3 of 6 traces
// (1 in 10 without a trace id) with span and parent ids among 5 (span id 0: none).
func oddBatch(rng *rand.Rand) ptrace.Traces {
	kinds := []ptrace.SpanKind{server, client, internal, ptrace.SpanKindConsumer}
	traces := []byte{byte(1 + rng.IntN(6)), byte(1 + rng.IntN(6)), byte(1 + rng.IntN(6))}
	td := ptrace.NewTraces()
	for range 1 + rng.IntN(3) {
		rs := td.ResourceSpans().AppendEmpty()
		rs.Resource().Attributes().PutStr("service.name", []string{"a", "b", "c"}[rng.IntN(3)])
		for range 1 + rng.IntN(2) {
			spans := rs.ScopeSpans().AppendEmpty().Spans()
			for range 1 + rng.IntN(4) {
				s := spans.AppendEmpty()
				if rng.IntN(10) > 0 {
					s.SetTraceID(traceID(traces[rng.IntN(len(traces))]))
				}
				s.SetSpanID(spanID(byte(rng.IntN(6))))
				s.SetParentSpanID(spanID(byte(rng.IntN(6))))
				s.SetKind(kinds[rng.IntN(len(kinds))])
				s.SetStartTimestamp(pcommon.Timestamp(rng.IntN(3)) * pcommon.Timestamp(time.Millisecond))
				if rng.IntN(5) == 0 {
					s.SetFlags(0x100 | uint32(rng.IntN(2))*0x200) // whether the parent is remote is known
				}
			}
		}
	}
	return td
}
