package sessionsconnector

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/connector/connectortest"
	"go.opentelemetry.io/collector/consumer/consumertest"

	"github.com/otelsessions/otelsessions/collectorext/sessionsconnector/internal/metadata"
)

func TestFactory(t *testing.T) {
	f := NewFactory()
	assert.Equal(t, metadata.Type, f.Type())
	assert.Equal(t, metadata.TracesToMetricsStability, f.TracesToMetricsStability())
	require.NoError(t, componenttest.CheckConfigStruct(f.CreateDefaultConfig()))

	_, err := f.CreateTracesToTraces(t.Context(), connectortest.NewNopSettings(metadata.Type),
		f.CreateDefaultConfig(), consumertest.NewNop())
	require.Error(t, err, "only traces to metrics")
}

func TestLifecycle(t *testing.T) {
	ctx := t.Context()
	sink := new(consumertest.MetricsSink)
	c, err := NewFactory().CreateTracesToMetrics(ctx, connectortest.NewNopSettings(metadata.Type),
		NewFactory().CreateDefaultConfig(), sink)
	require.NoError(t, err)
	assert.False(t, c.Capabilities().MutatesData)

	require.NoError(t, c.Start(ctx, componenttest.NewNopHost()))
	require.NoError(t, c.ConsumeTraces(ctx, newTraces(trace(1, span(1, 0, server)))))
	require.NoError(t, c.Shutdown(ctx))
	require.NoError(t, c.Shutdown(ctx), "a second Shutdown does nothing")
	require.Len(t, sink.AllMetrics(), 1)
	assert.Equal(t, int64(1), sumOf(sink.AllMetrics(), MetricSessionsStarted, nil))
}

func TestShutdownWithoutStart(t *testing.T) {
	c, err := NewFactory().CreateTracesToMetrics(t.Context(), connectortest.NewNopSettings(metadata.Type),
		NewFactory().CreateDefaultConfig(), consumertest.NewNop())
	require.NoError(t, err)
	require.NoError(t, c.Shutdown(t.Context()))
}

func TestCreateWithWrongConfig(t *testing.T) {
	_, err := createTracesToMetrics(t.Context(), connectortest.NewNopSettings(metadata.Type), nil,
		consumertest.NewNop())
	require.Error(t, err)
}
