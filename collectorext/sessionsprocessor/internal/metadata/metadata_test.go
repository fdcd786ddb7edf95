package metadata

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestTelemetryBuilder(t *testing.T) {
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.WithoutCancel(t.Context()))) })
	tb, err := NewTelemetryBuilder(tel.NewTelemetrySettings(), func() int64 { return 7 })
	require.NoError(t, err)
	tb.SpansTagged.Add(t.Context(), 3)

	held, err := tel.GetMetric(MetricTracesHeld)
	require.NoError(t, err)
	assert.Equal(t, "{traces}", held.Unit)
	tagged, err := tel.GetMetric(MetricSpansTagged)
	require.NoError(t, err)
	assert.Equal(t, "{spans}", tagged.Unit)

	require.NoError(t, tb.Shutdown())
	require.NoError(t, tb.Shutdown())
	assert.Equal(t, "sessions", Type.String())
}
