package bugsnagexporter

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelsessions/otelsessions/collectorext/bugsnagexporter/internal/metadata"
	"github.com/otelsessions/otelsessions/internal/sessionid"
)

// notifiedEvent is what the test reads of a Notify event.
type notifiedEvent struct {
	Session *struct {
		ID        string `json:"id"`
		StartedAt string `json:"startedAt"`
		Events    struct {
			Handled   int `json:"handled"`
			Unhandled int `json:"unhandled"`
		} `json:"events"`
	} `json:"session"`
}

// TestLateSpanJoinsItsSession: a span that the sessions processor forwarded after its session's entry span,
// in a later batch and tagged with the session's id, reaches Bugsnag in its session, which starts once.
func TestLateSpanJoinsItsSession(t *testing.T) {
	var (
		mu      sync.Mutex
		started int64
		events  []notifiedEvent
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		assert.NoError(t, err)
		var p struct {
			SessionCounts []struct {
				SessionsStarted int64 `json:"sessionsStarted"`
			} `json:"sessionCounts"`
			Events []notifiedEvent `json:"events"`
		}
		assert.NoError(t, json.Unmarshal(body, &p))
		mu.Lock()
		defer mu.Unlock()
		for _, c := range p.SessionCounts {
			started += c.SessionsStarted
		}
		events = append(events, p.Events...)
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()
	cfg := newDefaultConfig()
	cfg.APIKey = testKey
	cfg.SessionsEndpoint, cfg.NotifyEndpoint = srv.URL+"/sessions", srv.URL+"/notify"
	be := newBugsnagExporter(exportertest.NewNopSettings(metadata.Type), cfg)
	require.NoError(t, be.start(t.Context(), componenttest.NewNopHost()))

	entry := entryTrace("shop", 1)
	es := entry.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0)
	sid := sessionid.Of(es.TraceID(), es.SpanID()).String()
	es.Attributes().PutStr("session.id", sid)
	require.NoError(t, be.pushTraces(t.Context(), entry))

	late := ptrace.NewTraces()
	es.CopyTo(late.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty())
	entry.ResourceSpans().At(0).Resource().CopyTo(late.ResourceSpans().At(0).Resource())
	child := late.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0)
	child.SetSpanID(pcommon.SpanID{9})
	child.SetParentSpanID(pcommon.SpanID{8}) // an intermediate span forwarded with the entry span's batch
	child.SetKind(ptrace.SpanKindClient)
	child.SetStartTimestamp(pcommon.NewTimestampFromTime(time.Now().Add(time.Second)))
	ev := child.Events().AppendEmpty()
	ev.SetName("exception")
	ev.Attributes().PutStr("exception.type", "net.OpError")
	require.NoError(t, be.pushTraces(t.Context(), late))
	require.NoError(t, be.pushTraces(t.Context(), entry), "the entry span again: no second session")
	require.NoError(t, be.shutdown(t.Context()))

	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, int64(1), started)
	require.Len(t, events, 1)
	require.NotNil(t, events[0].Session, "the late span's error is in its session")
	assert.Equal(t, sid, events[0].Session.ID)
	assert.Equal(t, 1, events[0].Session.Events.Handled)
	want := es.StartTimestamp().AsTime()
	got, err := time.Parse(time.RFC3339Nano, events[0].Session.StartedAt)
	require.NoError(t, err)
	assert.WithinDuration(t, want, got, time.Millisecond, "startedAt is the entry span's")
}
