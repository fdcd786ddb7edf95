package exporter

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelsessions/otelsessions/internal/derive"
)

// serverTrace is one trace of one SERVER span (an entry: one session) that fails with an exception, under a
// resource with the given attributes.
func serverTrace(t *testing.T, resource map[string]any) ptrace.Traces {
	t.Helper()
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	require.NoError(t, rs.Resource().Attributes().FromRaw(resource))
	sp := rs.ScopeSpans().AppendEmpty().Spans().AppendEmpty()
	sp.SetTraceID(pcommon.TraceID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
	sp.SetSpanID(pcommon.SpanID{1, 2, 3, 4, 5, 6, 7, 8})
	sp.SetKind(ptrace.SpanKindServer)
	sp.SetName("GET /users/{id}")
	sp.SetStartTimestamp(pcommon.NewTimestampFromTime(t0))
	sp.SetEndTimestamp(pcommon.NewTimestampFromTime(t0.Add(time.Second)))
	sp.Attributes().PutStr("http.route", "/users/{id}")
	sp.Status().SetCode(ptrace.StatusCodeError)
	ev := sp.Events().AppendEmpty()
	ev.SetName("exception")
	ev.SetTimestamp(pcommon.NewTimestampFromTime(t0.Add(500 * time.Millisecond)))
	ev.Attributes().PutStr("exception.type", "ValueError")
	ev.Attributes().PutStr("exception.message", "bad id")
	return td
}

// TestResourceReachesAppAndDevice derives sessions from real OTLP data (the engine the Collector components
// and replay use) and checks what the resource turns into on both wires.
func TestResourceReachesAppAndDevice(t *testing.T) {
	for _, tc := range []struct {
		name     string
		resource map[string]any
		app      map[string]any
		device   map[string]any
	}{
		{
			name: "stage and version",
			resource: map[string]any{
				"service.name": "shop", "service.version": "2.3.1", "deployment.environment.name": "staging",
				"host.name": "web-7", "os.type": "linux", "process.runtime.name": "go",
				"process.runtime.version": "go1.26.8",
			},
			app: map[string]any{"version": "2.3.1", "releaseStage": "staging"},
			device: map[string]any{
				"hostname": "web-7", "osName": "linux", "runtimeVersions": map[string]any{"go": "go1.26.8"},
			},
		},
		{
			name:     "missing version is omitted",
			resource: map[string]any{"service.name": "shop", "deployment.environment": "qa"},
			app:      map[string]any{"releaseStage": "qa"},
			device:   map[string]any{},
		},
		{
			name:     "integer version is a string",
			resource: map[string]any{"service.name": "shop", "service.version": int64(3)},
			app:      map[string]any{"version": "3", "releaseStage": "production"},
			device:   map[string]any{},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeBugsnag(t, nil)
			x := testExporter(t, f)
			e := derive.New(derive.Config{})
			e.Add(serverTrace(t, tc.resource))
			e.ResolveAll(func(tr derive.Trace) { tr.Emit(x) })
			require.NoError(t, x.ForceFlush(t.Context()))

			sessions := f.accepted("/sessions")
			require.Len(t, sessions, 1)
			b := decodeSessions(t, sessions[0])
			assert.Equal(t, tc.app, b.App)
			assert.Equal(t, tc.device, b.Device)
			require.Len(t, b.SessionCounts, 1)
			assert.Equal(t, "2026-12-03T15:04:00Z", b.SessionCounts[0].StartedAt)
			assert.Equal(t, int64(1), b.SessionCounts[0].SessionsStarted)

			notify := f.accepted("/notify")
			require.Len(t, notify, 1)
			var body struct {
				Events []struct {
					App    map[string]any `json:"app"`
					Device map[string]any `json:"device"`
				} `json:"events"`
			}
			require.NoError(t, json.Unmarshal(notify[0].Body, &body))
			require.Len(t, body.Events, 1)
			assert.Equal(t, tc.app, body.Events[0].App)
			assert.Equal(t, "2026-12-03T15:04:05.500Z", body.Events[0].Device["time"])
			delete(body.Events[0].Device, "time")
			assert.Equal(t, tc.device, body.Events[0].Device)
		})
	}
}
