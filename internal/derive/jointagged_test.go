package derive

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelsessions/otelsessions/internal/sessionid"
	"github.com/otelsessions/otelsessions/internal/traceiter"
)

// tagged sets session.id on every span of td.
func tagged(td ptrace.Traces, id string) ptrace.Traces {
	for _, span := range traceiter.Spans(td) {
		span.Attributes().PutStr(AttrSessionID, id)
	}
	return td
}

// TestJoinTagged: with JoinTagged, spans that the sessions processor placed in a session whose entry span is
// not in the data join it rather than starting one or counting outside any; without it the rules alone
// decide.
func TestJoinTagged(t *testing.T) {
	server, internal := ptrace.SpanKindServer, ptrace.SpanKindInternal
	entry := sessionid.Of(traceID(""), spanID("01")).String()

	t.Run("late child", func(t *testing.T) {
		td := tagged(build(sp{svc: "a", id: "05", parent: "04", kind: internal, exc: escaped(false)}), entry)
		tr := resolveOne(t, Config{JoinTagged: true, SpanSessions: true}, td)
		require.Len(t, tr.Sessions, 1)
		assert.True(t, tr.Sessions[0].Joined)
		assert.Equal(t, entry, tr.Sessions[0].ID.String())
		require.Len(t, tr.Events, 1)
		assert.Equal(t, 0, tr.Events[0].Session)
		assert.Equal(t, int64(1), int64(tr.Sessions[0].Events.Handled))

		tr = resolveOne(t, Config{}, td)
		assert.Empty(t, tr.Sessions)
		assert.Equal(t, -1, tr.Events[0].Session)
	})
	t.Run("late nested server span", func(t *testing.T) {
		td := tagged(build(
			sp{svc: "a", id: "03", parent: "02", kind: server, err: true},
			sp{svc: "a", id: "06", parent: "03", kind: internal},
		), entry)
		tr := resolveOne(t, Config{JoinTagged: true, SpanSessions: true}, td)
		require.Len(t, tr.Sessions, 1, "joins the session, starts none")
		assert.True(t, tr.Sessions[0].Joined)
		assert.Len(t, tr.SpanSessions, 2, "its child is in the session too")
		require.Len(t, tr.Events, 1)
		assert.True(t, tr.Events[0].Unhandled, "still an entry span by the rules: its Error status is unhandled")
		var r Report
		r.Add(tr)
		assert.Zero(t, r.Summary.Total().Started)
	})
	t.Run("own session", func(t *testing.T) {
		td := tagged(build(sp{svc: "a", id: "01", kind: server}, sp{svc: "a", id: "02", parent: "01", kind: internal}),
			entry)
		tr := resolveOne(t, Config{JoinTagged: true, SpanSessions: true}, td)
		require.Len(t, tr.Sessions, 1)
		assert.False(t, tr.Sessions[0].Joined, "the entry span's own id starts its session")
		assert.Len(t, tr.SpanSessions, 2)
	})
	t.Run("manual SDK session", func(t *testing.T) {
		td := tagged(build(sp{svc: "a", id: "01", kind: server}), "0b0d2a8e-8a8d-4d5e-9f6b-6a5f1c2d3e4f")
		tr := resolveOne(t, Config{JoinTagged: true, SpanSessions: true}, td)
		require.Len(t, tr.Sessions, 1)
		assert.False(t, tr.Sessions[0].Joined, "a version 4 id is no derived session")
	})
}

func resolveOne(t *testing.T, cfg Config, td ptrace.Traces) Trace {
	t.Helper()
	eng := New(cfg)
	eng.Add(td)
	tr, ok := eng.Resolve(traceID(""))
	require.True(t, ok)
	return tr
}
