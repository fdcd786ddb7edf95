package sessionsprocessor

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelsessions/otelsessions/collectorext/sessionsprocessor/internal/metadata"
	"github.com/otelsessions/otelsessions/internal/derive"
	"github.com/otelsessions/otelsessions/internal/traceiter"
)

// longWait is the max_wait of these tests: the entry span arrives after the wait and within it.
const longWait = 10 * testWait

// withError records an exception on the span with this id.
func withError(td ptrace.Traces, id byte) ptrace.Traces {
	for _, sp := range traceiter.Spans(td) {
		if sp.SpanID() == spanID(id) {
			ev := sp.Events().AppendEmpty()
			ev.SetName("exception")
			ev.Attributes().PutStr("exception.type", "io.EOF")
			ev.Attributes().PutStr("exception.message", "unexpected end")
		}
	}
	return td
}

// derived is what a downstream component that derives each batch on its own (the sessions connector, the
// bugsnag exporter) makes of what the processor forwarded.
func derived(batches []ptrace.Traces) derive.Report {
	var r derive.Report
	for _, td := range batches {
		eng := derive.New(derive.Config{})
		eng.Add(td)
		eng.ResolveAll(r.Add)
	}
	return r
}

// TestLongEntrySpanHoldsChildren: a request that lasts longer than the wait exports its children first. They
// stay held past the wait, within max_wait, and leave with the entry span: one session, their error in it,
// in one batch, so that a component that derives batch by batch sees the same.
func TestLongEntrySpanHoldsChildren(t *testing.T) {
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.WithoutCancel(t.Context()))) })
	sink := new(consumertest.TracesSink)
	cfg := &Config{Wait: testWait, MaxWait: longWait, MaxTraces: 10}
	sp, clk := newTestProcessor(t, cfg, sink, tel.NewTelemetrySettings())

	consume(t, sp, withError(newTrace(1, span(2, 1, internal), span(3, 2, client)), 2))
	expireAfter(t, sp, clk, testWait)
	expireAfter(t, sp, clk, 3*testWait)
	assert.Zero(t, sink.SpanCount(), "children wait for their entry span past the wait")
	assert.Equal(t, int64(1), metricValue(t, tel, metadata.MetricTracesHeld))

	consume(t, sp, newTrace(1, span(1, 0, server)))
	expireAfter(t, sp, clk, testWait)

	require.Len(t, sink.AllTraces(), 1, "the entry span and its children leave together")
	got := sessions(sink.AllTraces()...)
	require.Len(t, got, 3)
	for id, s := range got {
		assert.Equal(t, sessionOf(1, 1), s, "span %v", id)
	}
	r := derived(sink.AllTraces())
	assert.Equal(t, int64(1), r.Summary.Total().Started)
	assert.Equal(t, int64(1), r.Summary.Total().Handled, "the child's error is the session's")
	assert.Zero(t, r.OutsideErrors)
	assert.Zero(t, metricValue(t, tel, metadata.MetricUnresolvedTraces))
	assert.Zero(t, metricValue(t, tel, metadata.MetricLateSpans))
	assert.Zero(t, metricValue(t, tel, metadata.MetricTracesHeld))
}

// TestLongEntrySpanFlaggedNestedServer: with the OTLP flags that say a parent is local, a nested SERVER span
// whose parent has not arrived is no entry span, so it waits with the other children: one session.
func TestLongEntrySpanFlaggedNestedServer(t *testing.T) {
	sink := new(consumertest.TracesSink)
	cfg := &Config{Wait: testWait, MaxWait: longWait, MaxTraces: 10}
	sp, clk := newTestProcessor(t, cfg, sink, nopTelemetry())

	children := withError(newTrace(1, span(2, 1, internal), span(3, 2, server), span(4, 3, client)), 4)
	// OTLP span flags: bit 0x100 says whether the parent is remote is known, bit 0x200 unset says it is not.
	for _, s := range traceiter.Spans(children) {
		s.SetFlags(0x100)
	}
	consume(t, sp, children)
	expireAfter(t, sp, clk, 2*testWait)
	require.Zero(t, sink.SpanCount())
	consume(t, sp, newTrace(1, span(1, 0, server)))
	expireAfter(t, sp, clk, testWait)

	got := sessions(sink.AllTraces()...)
	require.Len(t, got, 4)
	assert.Equal(t, 1, distinct(got))
	assert.Equal(t, sessionOf(1, 1), got[spanID(4)])
	r := derived(sink.AllTraces())
	assert.Equal(t, int64(1), r.Summary.Total().Started)
	assert.Equal(t, int64(1), r.Summary.Total().Handled)
}

// TestLongEntrySpanBeyondMaxWait: after max_wait the children leave untagged and count as unresolved; the
// entry span, when it comes, still starts one session, never two.
func TestLongEntrySpanBeyondMaxWait(t *testing.T) {
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.WithoutCancel(t.Context()))) })
	sink := new(consumertest.TracesSink)
	cfg := &Config{Wait: testWait, MaxWait: longWait, MaxTraces: 10}
	sp, clk := newTestProcessor(t, cfg, sink, tel.NewTelemetrySettings())

	consume(t, sp, newTrace(1, span(2, 1, internal), span(3, 2, client)))
	for range 9 {
		expireAfter(t, sp, clk, testWait)
	}
	assert.Zero(t, sink.SpanCount(), "held until max_wait")
	expireAfter(t, sp, clk, testWait)
	assert.Equal(t, 2, sink.SpanCount(), "forwarded at max_wait")
	assert.Equal(t, int64(1), metricValue(t, tel, metadata.MetricUnresolvedTraces))

	consume(t, sp, newTrace(1, span(1, 0, server)))
	expireAfter(t, sp, clk, testWait)
	got := sessions(sink.AllTraces()...)
	assert.Equal(t, map[string]bool{"": true, sessionOf(1, 1): true}, values(got))
	r := derived(sink.AllTraces())
	assert.Equal(t, int64(1), r.Summary.Total().Started)
}

// TestOrphanDoesNotDelayItsTrace: spans whose session is known leave after the wait even when a span of the
// same trace waits for a missing parent.
func TestOrphanDoesNotDelayItsTrace(t *testing.T) {
	sink := new(consumertest.TracesSink)
	cfg := &Config{Wait: testWait, MaxWait: longWait, MaxTraces: 10}
	sp, clk := newTestProcessor(t, cfg, sink, nopTelemetry())

	consume(t, sp, newTrace(1, span(1, 0, server), span(2, 1, internal), span(5, 4, internal)))
	expireAfter(t, sp, clk, testWait)
	got := sessions(sink.AllTraces()...)
	assert.Equal(t, map[string]bool{sessionOf(1, 1): true}, values(got))
	assert.Len(t, got, 2, "the orphan waits")

	consume(t, sp, newTrace(1, span(4, 2, client)))
	expireAfter(t, sp, clk, testWait)
	got = sessions(sink.AllTraces()...)
	assert.Equal(t, sessionOf(1, 1), got[spanID(5)], "the orphan joins once its parent came")
	assert.Equal(t, sessionOf(1, 1), got[spanID(4)])
}

// TestShutdownForwardsWaitingSpans: nothing waiting for its ancestry is lost at shutdown.
func TestShutdownForwardsWaitingSpans(t *testing.T) {
	sink := new(consumertest.TracesSink)
	cfg := &Config{Wait: testWait, MaxWait: longWait, MaxTraces: 10}
	sp, clk := newTestProcessor(t, cfg, sink, nopTelemetry())
	consume(t, sp, newTrace(1, span(2, 1, internal)))
	expireAfter(t, sp, clk, 2*testWait)
	require.Zero(t, sink.SpanCount())
	require.NoError(t, sp.shutdown(t.Context()))
	assert.Equal(t, 1, sink.SpanCount())
}

func values(got map[pcommon.SpanID]string) map[string]bool {
	v := map[string]bool{}
	for _, s := range got {
		v[s] = true
	}
	return v
}

// TestLongEntrySpanUnflaggedNestedServer: without the OTLP flags (Zipkin, Jaeger, older SDKs), a nested
// SERVER span whose parent has not arrived looks like an entry span; its session waits for that parent, so
// the request leaves as one session whose id is its entry span's, and a batch-by-batch derivation agrees.
func TestLongEntrySpanUnflaggedNestedServer(t *testing.T) {
	sink := new(consumertest.TracesSink)
	cfg := &Config{Wait: testWait, MaxWait: longWait, MaxTraces: 10}
	sp, clk := newTestProcessor(t, cfg, sink, nopTelemetry())

	consume(t, sp, withError(newTrace(1, span(2, 1, internal), span(3, 1, server), span(4, 3, client)), 4))
	expireAfter(t, sp, clk, 2*testWait)
	require.Zero(t, sink.SpanCount(), "the nested SERVER span's session waits for its parent")
	consume(t, sp, newTrace(1, span(1, 0, server)))
	expireAfter(t, sp, clk, testWait)

	got := sessions(sink.AllTraces()...)
	require.Len(t, got, 4)
	assert.Equal(t, map[string]bool{sessionOf(1, 1): true}, values(got))
	r := derived(sink.AllTraces())
	assert.Equal(t, int64(1), r.Summary.Total().Started, "one session, never two")
	assert.Equal(t, int64(1), r.Summary.Total().Handled)
}

// TestRootlessEntryLeavesAtMaxWait: an entry span whose caller is never traced (its parent never comes)
// starts its session; its spans leave at max_wait, tagged.
func TestRootlessEntryLeavesAtMaxWait(t *testing.T) {
	sink := new(consumertest.TracesSink)
	cfg := &Config{Wait: testWait, MaxWait: longWait, MaxTraces: 10}
	sp, clk := newTestProcessor(t, cfg, sink, nopTelemetry())
	consume(t, sp, newTrace(1, span(3, 1, server), span(4, 3, client)))
	expireAfter(t, sp, clk, longWait-testWait)
	require.Zero(t, sink.SpanCount())
	expireAfter(t, sp, clk, testWait)
	assert.Equal(t, map[string]bool{sessionOf(1, 3): true}, values(sessions(sink.AllTraces()...)))

	consume(t, sp, newTrace(1, span(5, 4, internal)))
	expireAfter(t, sp, clk, testWait)
	assert.Equal(t, sessionOf(1, 3), sessions(sink.AllTraces()...)[spanID(5)], "a late span leaves after the wait")
}

// TestWaitingSpanFindsForwardedAncestry: a span waiting for its parent past a wait still finds the spans
// forwarded before, when the parent comes.
func TestWaitingSpanFindsForwardedAncestry(t *testing.T) {
	sink := new(consumertest.TracesSink)
	cfg := &Config{Wait: testWait, MaxWait: longWait, MaxTraces: 10}
	sp, clk := newTestProcessor(t, cfg, sink, nopTelemetry())

	consume(t, sp, newTrace(1, span(1, 0, server), span(2, 1, internal), span(5, 4, internal)))
	for range 4 {
		expireAfter(t, sp, clk, testWait)
	}
	consume(t, sp, newTrace(1, span(4, 2, client)))
	expireAfter(t, sp, clk, testWait)
	got := sessions(sink.AllTraces()...)
	assert.Equal(t, map[string]bool{sessionOf(1, 1): true}, values(got))
	assert.Len(t, got, 4)
}

// TestLongestWaitsHold: a wait or max_wait as long as a time.Duration goes holds spans, however long the
// processor has run; deadlines saturate rather than wrap around.
func TestLongestWaitsHold(t *testing.T) {
	for _, cfg := range []Config{
		{Wait: testWait, MaxWait: time.Duration(math.MaxInt64), MaxTraces: 10},
		{Wait: time.Duration(math.MaxInt64), MaxTraces: 10},
	} {
		sink := new(consumertest.TracesSink)
		sp, clk := newTestProcessor(t, &cfg, sink, nopTelemetry())
		sp.epoch = clk.Now().Add(-time.Hour)            // the processor has run for an hour
		consume(t, sp, newTrace(1, span(2, 1, client))) // its parent is missing
		expireAfter(t, sp, clk, testWait)
		assert.Zero(t, sink.SpanCount(), "wait %v, max_wait %v: held for its ancestry", cfg.Wait, cfg.MaxWait)
	}
}
