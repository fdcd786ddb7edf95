package bugsnagexporter

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelsessions/otelsessions/collectorext/bugsnagexporter/internal/metadata"
	sessionsexporter "github.com/otelsessions/otelsessions/exporter"
)

func TestFactory(t *testing.T) {
	f := NewFactory()
	assert.Equal(t, metadata.Type, f.Type())
	assert.Equal(t, metadata.TracesStability, f.TracesStability())
	require.NoError(t, componenttest.CheckConfigStruct(f.CreateDefaultConfig()))
}

func TestLifecycle(t *testing.T) {
	ctx := t.Context()
	fb := newFakeBugsnag(t)
	ex, err := NewFactory().CreateTraces(ctx, exportertest.NewNopSettings(metadata.Type), fb.configFor(testKey))
	require.NoError(t, err)
	assert.False(t, ex.Capabilities().MutatesData)

	require.NoError(t, ex.Start(ctx, componenttest.NewNopHost()))
	require.NoError(t, ex.Start(ctx, componenttest.NewNopHost()), "a second Start does nothing")
	require.NoError(t, ex.ConsumeTraces(ctx, entryTrace("shop", 1)))

	require.NoError(t, ex.Shutdown(ctx))
	assert.Equal(t, int64(1), fb.sessionsOf(testKey), "Shutdown delivers what is pending")
}

// TestShutdownIdempotent shuts the component's own part down twice, and starts it after: exporterhelper
// itself must be shut down only once.
func TestShutdownIdempotent(t *testing.T) {
	ctx := t.Context()
	fb := newFakeBugsnag(t)
	be := newBugsnagExporter(exportertest.NewNopSettings(metadata.Type), fb.configFor(testKey))
	require.NoError(t, be.start(ctx, componenttest.NewNopHost()))
	require.NoError(t, be.pushTraces(ctx, entryTrace("shop", 1)))
	require.NoError(t, be.shutdown(ctx))
	require.NoError(t, be.shutdown(ctx), "a second shutdown does nothing")
	require.NoError(t, be.start(ctx, componenttest.NewNopHost()), "start after shutdown does nothing")
	require.NoError(t, be.shutdown(ctx))
	assert.Equal(t, int64(1), fb.sessionsOf(testKey))
	assert.Error(t, be.pushTraces(ctx, entryTrace("shop", 2)), "push after shutdown")
}

func TestShutdownWithoutStart(t *testing.T) {
	fb := newFakeBugsnag(t)
	ex, err := NewFactory().CreateTraces(t.Context(), exportertest.NewNopSettings(metadata.Type),
		fb.configFor(testKey))
	require.NoError(t, err)
	require.NoError(t, ex.Shutdown(t.Context()))

	be := newBugsnagExporter(exportertest.NewNopSettings(metadata.Type), fb.configFor(testKey))
	require.NoError(t, be.shutdown(t.Context()))
	require.NoError(t, be.start(t.Context(), componenttest.NewNopHost()), "start after shutdown")
	assert.Nil(t, be.route, "start after shutdown creates no exporter")
}

// TestShutdownHonoursContext stops in time when Bugsnag never answers, and reports what it dropped.
func TestShutdownHonoursContext(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	cfg := newDefaultConfig()
	cfg.APIKey = testKey
	cfg.SessionsEndpoint, cfg.NotifyEndpoint = srv.URL, srv.URL
	cfg.Queue = configoptional.None[exporterhelper.QueueBatchConfig]()
	ex, err := NewFactory().CreateTraces(t.Context(), exportertest.NewNopSettings(metadata.Type), cfg)
	require.NoError(t, err)
	require.NoError(t, ex.Start(t.Context(), componenttest.NewNopHost()))
	require.NoError(t, ex.ConsumeTraces(t.Context(), entryTrace("shop", 1)))

	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = ex.Shutdown(ctx)
	var incomplete *sessionsexporter.IncompleteError
	require.ErrorAs(t, err, &incomplete)
	assert.Equal(t, int64(1), incomplete.Sessions)
	assert.Less(t, time.Since(start), 5*time.Second)
}

// TestAPIKeysByService sends each service's sessions to its own project, and the others to api_key's.
func TestAPIKeysByService(t *testing.T) {
	ctx := t.Context()
	fb := newFakeBugsnag(t)
	cfg := fb.configFor(testKey)
	cfg.APIKeysByService = map[string]configopaque.String{"checkout": testKey2}
	ex, err := NewFactory().CreateTraces(ctx, exportertest.NewNopSettings(metadata.Type), cfg)
	require.NoError(t, err)
	require.NoError(t, ex.Start(ctx, componenttest.NewNopHost()))
	require.NoError(t, ex.ConsumeTraces(ctx, entryTrace("checkout", 1)))
	require.NoError(t, ex.ConsumeTraces(ctx, entryTrace("checkout", 2)))
	require.NoError(t, ex.ConsumeTraces(ctx, entryTrace("shop", 3)))
	require.NoError(t, ex.Shutdown(ctx))

	assert.Equal(t, int64(2), fb.sessionsOf(testKey2))
	assert.Equal(t, int64(1), fb.sessionsOf(testKey))
}

// TestUnroutedServiceDropped drops and counts the sessions of a service with no key when there is no api_key.
func TestUnroutedServiceDropped(t *testing.T) {
	ctx := t.Context()
	fb := newFakeBugsnag(t)
	cfg := fb.configFor("")
	cfg.APIKeysByService = map[string]configopaque.String{"checkout": testKey2}
	require.NoError(t, cfg.Validate())
	be := newBugsnagExporter(exportertest.NewNopSettings(metadata.Type), cfg)
	require.NoError(t, be.start(ctx, componenttest.NewNopHost()))
	require.NoError(t, be.pushTraces(ctx, entryTrace("shop", 1)))
	require.NoError(t, be.pushTraces(ctx, entryTrace("checkout", 2)))
	assert.Equal(t, int64(1), be.route.counts().SessionsDropped)
	require.NoError(t, be.shutdown(ctx))
	assert.Equal(t, int64(1), fb.sessionsOf(testKey2))
}

// entryTrace returns one trace of one SERVER root span of service, which starts one session.
func entryTrace(service string, id byte) ptrace.Traces {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", service)
	s := rs.ScopeSpans().AppendEmpty().Spans().AppendEmpty()
	s.SetTraceID([16]byte{id, 1})
	s.SetSpanID([8]byte{id, 2})
	s.SetKind(ptrace.SpanKindServer)
	s.SetName("GET /")
	now := time.Now()
	s.SetStartTimestamp(pcommon.NewTimestampFromTime(now))
	s.SetEndTimestamp(pcommon.NewTimestampFromTime(now.Add(time.Millisecond)))
	return td
}

// TestBurstOfEventsDelivered delivers every error event of one batch that holds more of them than the delivery
// package's default buffer (1000): a Collector gets its events in bursts, as the sessions processor forwards
// together the traces it held.
func TestBurstOfEventsDelivered(t *testing.T) {
	const n = 3000
	ctx := t.Context()
	fb := newFakeBugsnag(t)
	ex, err := NewFactory().CreateTraces(ctx, exportertest.NewNopSettings(metadata.Type), fb.configFor(testKey))
	require.NoError(t, err)
	require.NoError(t, ex.Start(ctx, componenttest.NewNopHost()))
	td := ptrace.NewTraces()
	for i := range n {
		entryTrace("shop", 0).ResourceSpans().MoveAndAppendTo(td.ResourceSpans())
		s := td.ResourceSpans().At(i).ScopeSpans().At(0).Spans().At(0)
		s.SetTraceID([16]byte{byte(i), byte(i >> 8), 1})
		ev := s.Events().AppendEmpty()
		ev.SetName("exception")
		ev.Attributes().PutStr("exception.type", "Boom")
		ev.Attributes().PutStr("exception.message", "burst")
	}
	require.NoError(t, ex.ConsumeTraces(ctx, td))
	require.NoError(t, ex.Shutdown(ctx))
	assert.Equal(t, int64(n), fb.sessionsOf(testKey))
	assert.Equal(t, int64(n), fb.eventsOf(testKey))
}
