package sessionsprocessor

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelsessions/otelsessions/collectorext/sessionsprocessor/internal/metadata"
)

// TestLateEntrySpanOneSession: an entry span that lasts longer than the wait is exported after its children
// were forwarded. Its nested SERVER span had started a session of its own meanwhile; the entry span joins
// it, so the request still has one session id, never two (issue #5).
func TestLateEntrySpanOneSession(t *testing.T) {
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.WithoutCancel(t.Context()))) })
	sink := new(consumertest.TracesSink)
	sp, clk := newTestProcessor(t, &Config{Wait: testWait, MaxTraces: 10}, sink, tel.NewTelemetrySettings())

	consume(t, sp, newTrace(1, span(2, 1, internal), span(3, 1, server), span(4, 3, client)))
	expireAfter(t, sp, clk, testWait)
	consume(t, sp, newTrace(1, span(1, 0, server)))
	expireAfter(t, sp, clk, testWait)

	got := sessions(sink.AllTraces()...)
	require.Len(t, got, 4)
	assert.Equal(t, 1, distinct(got), "one session id for the request: %v", got)
	assert.Equal(t, sessionOf(1, 3), got[spanID(1)], "the late entry span joins the forwarded session")
	assert.Empty(t, got[spanID(2)], "forwarded before its entry span came: left untagged")
	assert.Equal(t, int64(1), metricValue(t, tel, metadata.MetricLateSpans))
	assert.Equal(t, int64(1), metricValue(t, tel, metadata.MetricUnresolvedTraces))
}

// TestLateEntrySpanPlainChildren: children that are not SERVER spans start nothing without their entry
// span; the late entry span starts the one session.
func TestLateEntrySpanPlainChildren(t *testing.T) {
	sink := new(consumertest.TracesSink)
	sp, clk := newTestProcessor(t, &Config{Wait: testWait, MaxTraces: 10}, sink, nopTelemetry())

	consume(t, sp, newTrace(1, span(2, 1, internal), span(3, 2, client)))
	expireAfter(t, sp, clk, testWait)
	consume(t, sp, newTrace(1, span(1, 0, server)))
	expireAfter(t, sp, clk, testWait)

	got := sessions(sink.AllTraces()...)
	assert.Equal(t, 1, distinct(got))
	assert.Equal(t, sessionOf(1, 1), got[spanID(1)])
}

// TestLateSpanJoinsResolvedSession: a child exported after its trace was forwarded gets the session of its
// ancestors, found in what was resolved.
func TestLateSpanJoinsResolvedSession(t *testing.T) {
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.WithoutCancel(t.Context()))) })
	sink := new(consumertest.TracesSink)
	sp, clk := newTestProcessor(t, &Config{Wait: testWait, MaxTraces: 10}, sink, tel.NewTelemetrySettings())

	consume(t, sp, newTrace(1, span(1, 0, server), span(2, 1, internal), span(3, 2, client)))
	expireAfter(t, sp, clk, testWait)
	consume(t, sp, newTrace(1, span(5, 3, internal), spanIn("b", 6, 3, server), spanIn("b", 7, 6, internal)))
	expireAfter(t, sp, clk, testWait)

	got := sessions(sink.AllTraces()...)
	assert.Equal(t, sessionOf(1, 1), got[spanID(5)])
	assert.Equal(t, sessionOf(1, 6), got[spanID(6)], "a late SERVER span of another service starts its own")
	assert.Equal(t, sessionOf(1, 6), got[spanID(7)])
	assert.Equal(t, int64(3), metricValue(t, tel, metadata.MetricLateSpans))
	assert.Equal(t, int64(0), metricValue(t, tel, metadata.MetricUnresolvedTraces))
	assert.Equal(t, int64(6), metricValue(t, tel, metadata.MetricSpansTagged))
}

// TestResolvedAncestryIsForgotten: ancestry is kept one wait after resolution; later spans are new.
func TestResolvedAncestryIsForgotten(t *testing.T) {
	sink := new(consumertest.TracesSink)
	sp, clk := newTestProcessor(t, &Config{Wait: testWait, MaxTraces: 10}, sink, nopTelemetry())
	consume(t, sp, newTrace(1, span(1, 0, server)))
	expireAfter(t, sp, clk, testWait)
	expireAfter(t, sp, clk, testWait)
	sp.mu.Lock()
	assert.Empty(t, sp.traces)
	sp.mu.Unlock()

	consume(t, sp, newTrace(1, span(2, 1, internal)))
	expireAfter(t, sp, clk, testWait)
	assert.Empty(t, sessions(sink.AllTraces()...)[spanID(2)])
}

func distinct(got map[pcommon.SpanID]string) int {
	ids := map[string]bool{}
	for _, s := range got {
		if s != "" {
			ids[s] = true
		}
	}
	return len(ids)
}
