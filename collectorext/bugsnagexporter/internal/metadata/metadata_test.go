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
	tb, err := NewTelemetryBuilder(tel.NewTelemetrySettings(), func() Counts {
		return Counts{SessionsSent: 3, SessionsDropped: 1, EventsSent: 2}
	})
	require.NoError(t, err)

	sent, err := tel.GetMetric(MetricSessionsSent)
	require.NoError(t, err)
	assert.Equal(t, "{sessions}", sent.Unit)
	dropped, err := tel.GetMetric(MetricEventsDropped)
	require.NoError(t, err)
	assert.Equal(t, "{events}", dropped.Unit)

	require.NoError(t, tb.Shutdown())
	require.NoError(t, tb.Shutdown())
	assert.Equal(t, "bugsnag", Type.String())
}
