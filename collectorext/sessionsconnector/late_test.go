package sessionsconnector

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelsessions/otelsessions/internal/sessionid"
	"github.com/otelsessions/otelsessions/internal/traceiter"
)

// tagAll sets session.id on every span of td, as the sessions processor does.
func tagAll(td ptrace.Traces, id string) ptrace.Traces {
	for _, span := range traceiter.Spans(td) {
		span.Attributes().PutStr("session.id", id)
	}
	return td
}

// TestLateSpansJoinTheirSession: spans that the sessions processor forwards after their session's entry
// span, tagged with its session.id, count in that session: a handled error makes it handled, an unhandled
// one unhandled, once each; the entry span seen again starts nothing. Once the ledger has forgotten the
// session, a late span's error counts outside any session, and starts nothing either.
func TestLateSpansJoinTheirSession(t *testing.T) {
	sc, sink := newTestConnector(t, &Config{MaxDimensionValues: 10, MaxSessions: 2}, nil)
	sid := sessionid.Of(pcommon.TraceID{15: 1}, spanID(1)).String()
	batches := []ptrace.Traces{
		tagAll(newTraces(trace(1, span(1, 0, server), span(2, 1, internal))), sid),
		tagAll(newTraces(trace(1, span(3, 2, ptrace.SpanKindClient).withException())), sid),
		tagAll(newTraces(trace(1, span(4, 2, ptrace.SpanKindClient).withException())), sid),
		tagAll(newTraces(trace(1, span(5, 2, server).failing())), sid),
		tagAll(newTraces(trace(1, span(1, 0, server))), sid),
	}
	for _, td := range batches {
		require.NoError(t, sc.ConsumeTraces(t.Context(), td))
	}
	mds := sink.AllMetrics()
	assert.Equal(t, int64(1), sumOf(mds, MetricSessionsStarted, nil))
	assert.Equal(t, int64(1), sumOf(mds, MetricSessionsHandled, nil), "the first handled error makes it handled")
	assert.Equal(t, int64(1), sumOf(mds, MetricSessionsUnhandled, nil), "the nested SERVER span's failure")
	assert.Equal(t, int64(3), sumOf(mds, MetricErrors, serviceIs("a")), "every error in the session's point")

	for n := byte(2); n <= 3; n++ { // two more sessions: the first is forgotten
		require.NoError(t, sc.ConsumeTraces(t.Context(), newTraces(trace(n, span(1, 0, server)))))
	}
	late := tagAll(newTraces(trace(1, span(6, 2, ptrace.SpanKindClient).withException())), sid)
	require.NoError(t, sc.ConsumeTraces(t.Context(), late))
	mds = sink.AllMetrics()
	assert.Equal(t, int64(3), sumOf(mds, MetricSessionsStarted, nil))
	assert.Equal(t, int64(1), sumOf(mds, MetricSessionsHandled, nil))
	assert.Equal(t, int64(4), sumOf(mds, MetricErrors, nil))
}
