package sessionsprocessor

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelsessions/otelsessions/collectorext/sessionsprocessor/internal/metadata"
	"github.com/otelsessions/otelsessions/internal/traceiter"
)

const testWait = 10 * time.Second

func TestTagsEverySpan(t *testing.T) {
	sink := new(consumertest.TracesSink)
	sp, clk := newTestProcessor(t, &Config{Wait: testWait, MaxTraces: 10}, sink, nopTelemetry())

	// Two batches of one trace, children first: a's request calls b, whose SERVER span starts a session.
	consume(t, sp, newTrace(1, spanIn("b", 4, 3, server), spanIn("b", 5, 4, internal), span(3, 2, client)))
	consume(t, sp, newTrace(1, span(1, 0, server), span(2, 1, internal)))
	consume(t, sp, newTrace(2, span(9, 0, internal))) // a root outside any session
	require.Zero(t, sink.SpanCount())

	expireAfter(t, sp, clk, testWait)
	got := sessions(sink.AllTraces()...)
	assert.Equal(t, map[pcommon.SpanID]string{
		spanID(1): sessionOf(1, 1), spanID(2): sessionOf(1, 1), spanID(3): sessionOf(1, 1),
		spanID(4): sessionOf(1, 4), spanID(5): sessionOf(1, 4), spanID(9): "",
	}, got)
}

func TestKeepsExistingSessionID(t *testing.T) {
	sink := new(consumertest.TracesSink)
	sp, _ := newTestProcessor(t, &Config{MaxTraces: 10}, sink, nopTelemetry())
	td := newTrace(1, span(1, 0, server), span(2, 1, internal))
	td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(1).Attributes().PutStr(AttrSessionID, "from-the-sdk")

	consume(t, sp, td) // wait 0: forwarded at once
	require.Equal(t, 2, sink.SpanCount())
	assert.Equal(t, sessionOf(1, 1), sessionAttr(t, sink.AllTraces()[0], 1))
	assert.Equal(t, "from-the-sdk", sessionAttr(t, sink.AllTraces()[0], 2))
}

func TestPassesTracesOnUnchanged(t *testing.T) {
	sink := new(consumertest.TracesSink)
	sp, _ := newTestProcessor(t, &Config{MaxTraces: 10}, sink, nopTelemetry())
	td := newTrace(1, span(1, 0, server), span(2, 1, internal))
	td.ResourceSpans().At(0).ScopeSpans().At(0).Scope().SetName("scope")
	noID := td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().AppendEmpty() // no trace id: left alone
	noID.SetName("orphan")
	want := ptrace.NewTraces()
	td.CopyTo(want)

	consume(t, sp, td)
	require.Len(t, sink.AllTraces(), 1)
	got := sink.AllTraces()[0]
	for _, s := range traceiter.Spans(got) {
		s.Attributes().Remove(AttrSessionID)
	}
	assert.Equal(t, want.SpanCount(), got.SpanCount())
	assert.Equal(t, "scope", got.ResourceSpans().At(0).ScopeSpans().At(0).Scope().Name())
	assert.ElementsMatch(t, spanNames(want), spanNames(got))
}

func TestMaxTracesEvictsOldest(t *testing.T) {
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.WithoutCancel(t.Context()))) })
	sink := new(consumertest.TracesSink)
	sp, clk := newTestProcessor(t, &Config{Wait: testWait, MaxTraces: 2}, sink, tel.NewTelemetrySettings())

	consume(t, sp, newTrace(1, span(1, 0, server)))
	consume(t, sp, newTrace(2, span(1, 0, server)))
	assert.Equal(t, int64(2), metricValue(t, tel, metadata.MetricTracesHeld))
	consume(t, sp, newTrace(3, span(1, 0, server)))
	require.Equal(t, 1, sink.SpanCount(), "the oldest trace leaves early")
	assert.Equal(t, sessionOf(1, 1), sessionAttr(t, sink.AllTraces()[0], 1))
	assert.Equal(t, int64(1), metricValue(t, tel, metadata.MetricTracesEvicted))

	expireAfter(t, sp, clk, testWait)
	assert.Equal(t, 3, sink.SpanCount())
	assert.Equal(t, int64(0), metricValue(t, tel, metadata.MetricTracesHeld))
	assert.Equal(t, int64(3), metricValue(t, tel, metadata.MetricSpansTagged))
}

func TestWaitHoldsUntilItEnds(t *testing.T) {
	sink := new(consumertest.TracesSink)
	sp, clk := newTestProcessor(t, &Config{Wait: testWait, MaxTraces: 10}, sink, nopTelemetry())
	consume(t, sp, newTrace(1, span(2, 1, internal)))
	expireAfter(t, sp, clk, testWait/2)
	consume(t, sp, newTrace(1, span(1, 0, server)))
	require.Zero(t, sink.SpanCount(), "the wait runs from the trace's first span")
	expireAfter(t, sp, clk, testWait/2)
	require.Equal(t, 2, sink.SpanCount())
	assert.Equal(t, sessionOf(1, 1), sessions(sink.AllTraces()...)[spanID(2)])
}

func spanNames(td ptrace.Traces) []string {
	var names []string
	for _, s := range traceiter.Spans(td) {
		names = append(names, s.Name())
	}
	return names
}
