package derive

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.uber.org/goleak"

	"github.com/otelsessions/otelsessions/internal/sessionid"
	"github.com/otelsessions/otelsessions/session"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestNestedServerSpansShareOneSession is the router-middleware case from public bug reports: an outer and an
// inner SERVER span of the same service in one request make one session, and every span carries its id.
func TestNestedServerSpansShareOneSession(t *testing.T) {
	e := New(Config{SpanSessions: true})
	e.Add(build(
		sp{svc: "api", id: "01", parent: "99", kind: server},
		sp{svc: "api", id: "02", parent: "01", kind: server},
		sp{svc: "api", id: "03", parent: "02", kind: client},
		sp{svc: "api", id: "04", parent: "01", kind: internal},
	))
	tr, ok := e.Resolve(traceID("t1"))
	require.True(t, ok)
	require.Len(t, tr.Sessions, 1)
	assert.Equal(t, sessionid.Of(traceID("t1"), spanID("01")), tr.Sessions[0].ID)
	for id, kind := range map[string]ptrace.SpanKind{"01": server, "02": server, "03": client, "04": internal} {
		assert.Equal(t, 0, spanSession(t, tr, id, kind), "span %s", id)
	}
	assert.Len(t, tr.SpanSessions, 4)
}

// TestLateChildJoinsItsSession is the case of a child span that ends after its entry span and arrives in a
// later batch with an exception: it joins the request's session, which is counted once.
func TestLateChildJoinsItsSession(t *testing.T) {
	r, _ := deriveAll(Config{},
		build(sp{svc: "api", id: "01", kind: server}),
		build(sp{
			svc: "api", id: "02", parent: "01", kind: internal, at: 2 * time.Second,
			exc: []map[string]any{exc("exception.escaped", true)},
		}),
	)
	assert.Equal(t, session.Counts{Started: 1, Unhandled: 1, UnhandledEvents: 1}, r.Summary.Total())
	assert.Equal(t, int64(1), r.Traces)
	assert.Equal(t, int64(2), r.Spans)
}

// TestOrderAndBatchingDoNotMatter splits a trace set into random batches in random orders, children often
// before their entry spans, and expects the same figures every time.
func TestOrderAndBatchingDoNotMatter(t *testing.T) {
	spans := []sp{
		{svc: "gw", id: "01", kind: server},
		{svc: "gw", id: "02", parent: "01", kind: client},
		{svc: "api", id: "03", parent: "02", kind: server, err: true},
		{svc: "api", id: "04", parent: "03", kind: server},
		{svc: "api", id: "05", parent: "04", kind: internal, exc: []map[string]any{exc()}},
		{svc: "gw", id: "06", parent: "01", kind: client},
		{svc: "db", id: "06", parent: "01", kind: server, at: time.Minute},
		{svc: "db", id: "07", parent: "06", kind: internal, err: true},
		{svc: "q", trace: "t2", id: "01", kind: consumer, exc: []map[string]any{exc()}},
	}
	want, _ := deriveAll(Config{}, build(spans...))
	require.Equal(t, session.Counts{Started: 3, Unhandled: 1, Handled: 1, UnhandledEvents: 1, HandledEvents: 2},
		want.Summary.Total(), "3 entries: gw root, api under a gw CLIENT, db shared half; api's entry is in "+
			"error with no exception (1 unhandled) and its nested child has a handled exception; db's child "+
			"error is handled; the consumer's exception is outside")
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		perm := rng.Perm(len(spans))
		var batches []ptrace.Traces
		for i := 0; i < len(perm); {
			n := 1 + rng.IntN(3)
			var b []sp
			for ; n > 0 && i < len(perm); n, i = n-1, i+1 {
				b = append(b, spans[perm[i]])
			}
			batches = append(batches, build(b...))
		}
		got, _ := deriveAll(Config{}, batches...)
		require.Equal(t, want.Summary.Buckets(), got.Summary.Buckets(), "order %v", perm)
		require.Equal(t, int64(1), got.OutsideErrors)
	}
}

func TestDuplicateSpansCountOnce(t *testing.T) {
	b := build(
		sp{svc: "api", id: "01", kind: server, err: true},
		sp{svc: "api", id: "02", parent: "01", kind: internal, exc: []map[string]any{exc()}},
	)
	r, st := deriveAll(Config{}, b, b)
	assert.Equal(t, session.Counts{Started: 1, Unhandled: 1, UnhandledEvents: 1, HandledEvents: 1}, r.Summary.Total())
	assert.Equal(t, int64(2), st.DuplicateSpans)
	assert.Equal(t, int64(2), st.Spans)
	assert.Equal(t, int64(2), r.Spans)
}

func TestMalformedSpanIsCountedAndTheRestKept(t *testing.T) {
	td := build(sp{svc: "api", id: "01", kind: server}, sp{svc: "api", id: "02", kind: server})
	spans := td.ResourceSpans().At(0).ScopeSpans().At(0).Spans()
	spans.At(1).SetTraceID(pcommon.NewTraceIDEmpty())
	bad := spans.AppendEmpty()
	bad.SetTraceID(traceID("t1"))
	bad.SetKind(ptrace.SpanKindServer)
	r, st := deriveAll(Config{}, td)
	assert.Equal(t, int64(2), st.MalformedSpans)
	assert.Equal(t, session.Counts{Started: 1}, r.Summary.Total())
}

func TestSessionMinuteAndRelease(t *testing.T) {
	td := build(sp{svc: "api", id: "01", kind: server, at: 54*time.Second + 900*time.Millisecond})
	td.ResourceSpans().At(0).Resource().Attributes().PutStr("deployment.environment", "staging")
	td.ResourceSpans().At(0).Resource().Attributes().PutInt("service.version", 3)
	r, _ := deriveAll(Config{}, td)
	buckets := r.Summary.Buckets()
	require.Len(t, buckets, 1)
	assert.Equal(t, "2026-12-03T15:04:00Z", buckets[0].Minute.Format(time.RFC3339))
	assert.Equal(t, session.Release{Service: "api", Version: "3", ReleaseStage: "staging"}, buckets[0].Release)
}

func TestNewerDeploymentAttributeWins(t *testing.T) {
	td := build(sp{svc: "api", id: "01", kind: server})
	attrs := td.ResourceSpans().At(0).Resource().Attributes()
	attrs.PutStr("deployment.environment", "old")
	attrs.PutStr("deployment.environment.name", "production")
	attrs.PutStr("host.name", "web-1")
	attrs.PutStr("os.type", "linux")
	attrs.PutStr("process.runtime.name", "go")
	attrs.PutStr("process.runtime.version", "go1.26.8")
	e := New(Config{})
	e.Add(td)
	tr, _ := e.Resolve(traceID("t1"))
	require.Len(t, tr.Sessions, 1)
	res := tr.Sessions[0].Resource
	assert.Equal(t, "production", res.App.ReleaseStage)
	assert.Equal(t, session.Device{Hostname: "web-1", OSName: "linux", RuntimeVersions: map[string]string{
		"go": "go1.26.8",
	}}, res.Device)
}

func TestResolveForgetsTheTrace(t *testing.T) {
	e := New(Config{})
	e.Add(build(sp{svc: "api", id: "01", kind: server}))
	assert.Equal(t, 1, e.Pending())
	_, ok := e.Resolve(traceID("t1"))
	assert.True(t, ok)
	assert.Equal(t, 0, e.Pending())
	_, ok = e.Resolve(traceID("t1"))
	assert.False(t, ok)
}

// TestLookAlikeSpansResolveTheSameInAnyOrder covers two order dependencies a user found: copies of one span
// that differ only in status (the copy in Error counts), and entry spans of different services sharing an
// id (the earliest starts the one session).
func TestLookAlikeSpansResolveTheSameInAnyOrder(t *testing.T) {
	plain := sp{svc: "a", id: "01", kind: server}
	failed := sp{svc: "a", id: "01", kind: server, err: true}
	for _, order := range [][]sp{{plain, failed}, {failed, plain}} {
		r, st := deriveAll(Config{}, build(order[0]), build(order[1]))
		assert.Equal(t, session.Counts{Started: 1, Unhandled: 1, UnhandledEvents: 1}, r.Summary.Total())
		assert.Equal(t, int64(1), st.DuplicateSpans)
	}

	early := sp{svc: "b", id: "02", parent: "09", kind: server}
	late := sp{svc: "c", id: "02", parent: "01", kind: server, at: 2 * time.Minute}
	caller := sp{svc: "a", id: "01", kind: client}
	for _, order := range [][]sp{{caller, early, late}, {late, early, caller}, {early, caller, late}} {
		// The late span's parent id sorts first; the earlier start still wins.
		r, _ := deriveAll(Config{}, build(order[0]), build(order[1]), build(order[2]))
		b := r.Summary.Buckets()
		require.Len(t, b, 1)
		assert.Equal(t, "b", b[0].Release.Service)
		assert.Equal(t, "2026-12-03T15:04:00Z", b[0].Minute.Format(time.RFC3339))
	}
}

// TestSharedHalvesHaveTheirOwnSessions names spans by id and kind: a Zipkin shared SERVER half starts its own
// session while its CLIENT twin, with the same id, stays in the caller's.
func TestSharedHalvesHaveTheirOwnSessions(t *testing.T) {
	e := New(Config{SpanSessions: true})
	e.Add(build(
		sp{svc: "a", id: "01", kind: server},
		sp{svc: "a", id: "02", parent: "01", kind: client},
		sp{svc: "b", id: "02", parent: "01", kind: server},
	))
	tr, _ := e.Resolve(traceID("t1"))
	require.Len(t, tr.Sessions, 2)
	caller := spanSession(t, tr, "02", client)
	callee := spanSession(t, tr, "02", server)
	assert.Equal(t, spanSession(t, tr, "01", server), caller)
	assert.NotEqual(t, caller, callee)
	assert.Equal(t, spanID("02"), tr.Sessions[callee].EntrySpanID)
}

// spanSession returns the index of the session of the span with this id and kind, which must be in one.
func spanSession(t *testing.T, tr Trace, id string, kind ptrace.SpanKind) int {
	t.Helper()
	i, ok := tr.SessionOf(SpanRef{ID: spanID(id), Kind: kind})
	require.True(t, ok, "span %s (%v) is in no session", id, kind)
	return i
}
