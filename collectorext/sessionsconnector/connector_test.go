package sessionsconnector

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/connector/connectortest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/otelsessions/otelsessions/collectorext/sessionsconnector/internal/metadata"
)

// newTestConnector builds the connector on a clock that moves a second at every reading.
func newTestConnector(t *testing.T, cfg *Config, tel *componenttest.Telemetry) (*sessionsConnector,
	*consumertest.MetricsSink,
) {
	t.Helper()
	set := connectortest.NewNopSettings(metadata.Type)
	if tel != nil {
		set.TelemetrySettings = tel.NewTelemetrySettings()
	}
	sink := new(consumertest.MetricsSink)
	sc, err := newSessionsConnector(set, cfg, sink)
	require.NoError(t, err)
	now := time.Date(2026, 12, 3, 15, 4, 0, 0, time.UTC)
	sc.now = func() time.Time { now = now.Add(time.Second); return now }
	return sc, sink
}

func TestConsumeTracesCounts(t *testing.T) {
	sc, sink := newTestConnector(t, &Config{MaxDimensionValues: 10, MaxSessions: 100}, nil)
	td := newTraces(
		trace(1, span(1, 0, server), span(2, 1, internal).withException()),
		trace(2, span(1, 0, server).failing()),
		trace(3, span(1, 0, internal).withException(), span(2, 0, server).in("b")),
	)
	require.NoError(t, sc.ConsumeTraces(t.Context(), td))

	mds := sink.AllMetrics()
	require.Len(t, mds, 1)
	assert.Equal(t, int64(3), sumOf(mds, MetricSessionsStarted, nil))
	assert.Equal(t, int64(1), sumOf(mds, MetricSessionsStarted, serviceIs("b")))
	assert.Equal(t, int64(1), sumOf(mds, MetricSessionsUnhandled, nil))
	assert.Equal(t, int64(1), sumOf(mds, MetricSessionsHandled, nil))
	assert.Equal(t, int64(2), sumOf(mds, MetricErrors, attrIs(attrErrorHandled, "true")),
		"one in a session, one outside any")
	assert.Equal(t, int64(1), sumOf(mds, MetricErrors, attrIs(attrErrorHandled, "false")))

	rm := mds[0].ResourceMetrics().At(0)
	assert.Equal(t, map[string]any{
		"service.name": "a", "service.version": "1.0", "deployment.environment.name": "production",
	}, rm.Resource().Attributes().AsRaw())
	sm := rm.ScopeMetrics().At(0)
	assert.Equal(t, metadata.ScopeName, sm.Scope().Name())
	for i := range sm.Metrics().Len() {
		m := sm.Metrics().At(i)
		assert.Equal(t, pmetric.MetricTypeSum, m.Type(), m.Name())
		assert.True(t, m.Sum().IsMonotonic(), m.Name())
		assert.Equal(t, pmetric.AggregationTemporalityDelta, m.Sum().AggregationTemporality(), m.Name())
		dp := m.Sum().DataPoints().At(0)
		assert.Equal(t, time.Second, dp.Timestamp().AsTime().Sub(dp.StartTimestamp().AsTime()),
			"the batch's processing time")
	}
	assert.Equal(t, unitSession, sm.Metrics().At(0).Unit())
	assert.Equal(t, unitError, sm.Metrics().At(3).Unit())
}

func TestConsumeTracesWithoutSessionsSendsNothing(t *testing.T) {
	sc, sink := newTestConnector(t, &Config{MaxDimensionValues: 10, MaxSessions: 100}, nil)
	require.NoError(t, sc.ConsumeTraces(t.Context(), newTraces(trace(1, span(1, 0, internal)))))
	require.NoError(t, sc.ConsumeTraces(t.Context(), ptrace.NewTraces()))
	assert.Empty(t, sink.AllMetrics())
}

// TestDimensionCap checks that each dimension keeps at most max_dimension_values distinct values across
// batches, that later values go to the overflow point and are counted, and that absent values are no value.
func TestDimensionCap(t *testing.T) {
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.WithoutCancel(t.Context()))) })
	cfg := &Config{Dimensions: []string{"http.route"}, MaxDimensionValues: 2, MaxSessions: 100}
	sc, sink := newTestConnector(t, cfg, tel)

	require.NoError(t, sc.ConsumeTraces(t.Context(), newTraces(
		trace(1, span(1, 0, server).onRoute("/a"), span(2, 1, internal).withException()),
		trace(2, span(1, 0, server).onRoute("/b")),
		trace(3, span(1, 0, server).onRoute("/c").failing()),
		trace(4, span(1, 0, server).onRoute("/a")),
		trace(5, span(1, 0, server)),
	)))
	require.NoError(t, sc.ConsumeTraces(t.Context(), newTraces(
		trace(6, span(1, 0, server).onRoute("/d")),
		trace(7, span(1, 0, server).onRoute("/b")),
	)))

	mds := sink.AllMetrics()
	require.Len(t, mds, 2)
	assert.Equal(t, int64(7), sumOf(mds, MetricSessionsStarted, nil))
	assert.Equal(t, int64(2), sumOf(mds, MetricSessionsStarted, attrIs("http.route", "/a")))
	assert.Equal(t, int64(2), sumOf(mds, MetricSessionsStarted, attrIs("http.route", "/b")))
	assert.Equal(t, int64(2), sumOf(mds, MetricSessionsStarted, attrIs(attrOverflow, "true")))
	assert.Zero(t, sumOf(mds, MetricSessionsStarted, attrIs("http.route", "/c")))
	assert.Equal(t, int64(1), sumOf(mds, MetricSessionsStarted, func(_, dp pcommon.Map) bool {
		return dp.Len() == 0
	}), "a session without the attribute has no dimension")
	assert.Equal(t, int64(1), sumOf(mds, MetricSessionsUnhandled, attrIs(attrOverflow, "true")))
	assert.Equal(t, int64(1), sumOf(mds, MetricErrors, attrIs(attrOverflow, "true")))
	assert.Equal(t, int64(1), sumOf(mds, MetricErrors, attrIs("http.route", "/a")),
		"an error event takes its session's dimensions")

	m, err := tel.GetMetric(metadata.MetricDimensionOverflows)
	require.NoError(t, err)
	sum, ok := m.Data.(metricdata.Sum[int64])
	require.True(t, ok)
	require.Len(t, sum.DataPoints, 1)
	assert.Equal(t, int64(2), sum.DataPoints[0].Value)
}

// TestConsumeTracesConcurrentSafe sends batches from several goroutines, under -race.
func TestConsumeTracesConcurrentSafe(t *testing.T) {
	set := connectortest.NewNopSettings(metadata.Type)
	sink := new(consumertest.MetricsSink)
	cfg := &Config{Dimensions: []string{"http.route"}, MaxDimensionValues: 3, MaxSessions: 100}
	sc, err := newSessionsConnector(set, cfg, sink)
	require.NoError(t, err)
	routes := []string{"/a", "/b", "/c", "/d", "/e"}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 25 {
				n := byte(w*25 + i + 1)
				td := newTraces(trace(n, span(1, 0, server).onRoute(routes[int(n)%len(routes)])))
				assert.NoError(t, sc.ConsumeTraces(t.Context(), td))
			}
		})
	}
	wg.Wait()
	mds := sink.AllMetrics()
	assert.Equal(t, int64(100), sumOf(mds, MetricSessionsStarted, nil))
	assert.Equal(t, int64(40), sumOf(mds, MetricSessionsStarted, attrIs(attrOverflow, "true")),
		"two of five routes never fit under a cap of three")
}
