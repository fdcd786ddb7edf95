package sessionsprocessor

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/otelsessions/otelsessions/collectorext/sessionsprocessor/internal/metadata"
)

func TestFactory(t *testing.T) {
	f := NewFactory()
	assert.Equal(t, metadata.Type, f.Type())
	assert.Equal(t, metadata.TracesStability, f.TracesStability())
	require.NoError(t, componenttest.CheckConfigStruct(f.CreateDefaultConfig()))
}

func TestLifecycle(t *testing.T) {
	ctx := t.Context()
	sink := new(consumertest.TracesSink)
	p, err := NewFactory().CreateTraces(ctx, processortest.NewNopSettings(metadata.Type),
		NewFactory().CreateDefaultConfig(), sink)
	require.NoError(t, err)
	assert.True(t, p.Capabilities().MutatesData)

	require.NoError(t, p.Start(ctx, componenttest.NewNopHost()))
	require.NoError(t, p.Start(ctx, componenttest.NewNopHost()), "a second Start does nothing")
	require.NoError(t, p.ConsumeTraces(ctx, newTrace(1, span(1, 0, server))))
	assert.Equal(t, 0, sink.SpanCount(), "held for the wait")

	require.NoError(t, p.Shutdown(ctx))
	require.NoError(t, p.Shutdown(ctx), "a second Shutdown does nothing")
	require.Equal(t, 1, sink.SpanCount(), "Shutdown forwards what is held")
	assert.Equal(t, sessionOf(1, 1), sessionAttr(t, sink.AllTraces()[0], 1))
}

func TestShutdownWithoutStart(t *testing.T) {
	p, err := NewFactory().CreateTraces(t.Context(), processortest.NewNopSettings(metadata.Type),
		NewFactory().CreateDefaultConfig(), consumertest.NewNop())
	require.NoError(t, err)
	require.NoError(t, p.Shutdown(t.Context()))
	require.NoError(t, p.Start(t.Context(), componenttest.NewNopHost()), "Start after Shutdown")
	require.NoError(t, p.Shutdown(t.Context()))
}

func TestVerifyShutdown(t *testing.T) {
	processortest.VerifyShutdown(t, NewFactory(), NewFactory().CreateDefaultConfig())
}

// TestLoopForwardsAfterWait runs the real background loop with a short wait.
func TestLoopForwardsAfterWait(t *testing.T) {
	ctx := t.Context()
	sink := new(consumertest.TracesSink)
	cfg := &Config{Wait: time.Millisecond, MaxTraces: 10}
	p, err := NewFactory().CreateTraces(ctx, processortest.NewNopSettings(metadata.Type), cfg, sink)
	require.NoError(t, err)
	require.NoError(t, p.Start(ctx, componenttest.NewNopHost()))
	t.Cleanup(func() { require.NoError(t, p.Shutdown(context.WithoutCancel(t.Context()))) })

	require.NoError(t, p.ConsumeTraces(ctx, newTrace(1, span(1, 0, server))))
	assert.Eventually(t, func() bool { return sink.SpanCount() == 1 }, 5*time.Second, time.Millisecond)
}
