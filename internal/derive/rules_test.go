package derive

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelsessions/otelsessions/session"
)

// want is the expected outcome of a rule case.
type want struct {
	counts  session.Counts
	outside int64
}

func TestRules(t *testing.T) {
	cases := []struct {
		name  string
		cfg   Config
		spans []sp
		want  want
	}{
		{
			name:  "root SERVER span starts a session",
			spans: []sp{{svc: "a", id: "01", kind: server}},
			want:  want{counts: session.Counts{Started: 1}},
		},
		{
			name: "flags say the parent is remote: entry, though the parent is a SERVER of the same service",
			spans: []sp{
				{svc: "a", id: "01", kind: server},
				{svc: "a", id: "02", parent: "01", kind: server, flags: 0x300},
			},
			want: want{counts: session.Counts{Started: 2}},
		},
		{
			name: "flags say the parent is local: nested, though the parent is a CLIENT",
			spans: []sp{
				{svc: "a", id: "01", kind: server},
				{svc: "a", id: "02", parent: "01", kind: client},
				{svc: "a", id: "03", parent: "02", kind: server, flags: 0x100},
			},
			want: want{counts: session.Counts{Started: 1}},
		},
		{
			name:  "flags say local and the parent is missing: no session",
			spans: []sp{{svc: "a", id: "03", parent: "02", kind: server, flags: 0x100, err: true}},
			want:  want{outside: 1},
		},
		{
			name:  "parent not in the data: entry",
			spans: []sp{{svc: "a", id: "02", parent: "09", kind: server}},
			want:  want{counts: session.Counts{Started: 1}},
		},
		{
			name: "parent in another service: entry",
			spans: []sp{
				{svc: "a", id: "01", kind: internal},
				{svc: "b", id: "02", parent: "01", kind: server},
			},
			want: want{counts: session.Counts{Started: 1}},
		},
		{
			name: "parent is a CLIENT of the same service: entry",
			spans: []sp{
				{svc: "a", id: "01", kind: server},
				{svc: "a", id: "02", parent: "01", kind: client},
				{svc: "a", id: "03", parent: "02", kind: server},
			},
			want: want{counts: session.Counts{Started: 2}},
		},
		{
			name: "parent is a PRODUCER of the same service: entry",
			spans: []sp{
				{svc: "a", id: "01", kind: producer},
				{svc: "a", id: "02", parent: "01", kind: server},
			},
			want: want{counts: session.Counts{Started: 1}},
		},
		{
			name: "SERVER under an INTERNAL span of the same service: nested",
			spans: []sp{
				{svc: "a", id: "01", kind: server},
				{svc: "a", id: "02", parent: "01", kind: internal},
				{svc: "a", id: "03", parent: "02", kind: server},
			},
			want: want{counts: session.Counts{Started: 1}},
		},
		{
			name: "Zipkin shared SERVER half: its CLIENT twin is its parent",
			spans: []sp{
				{svc: "a", id: "01", kind: server},
				{svc: "a", id: "02", parent: "01", kind: client},
				{svc: "a", id: "02", parent: "01", kind: server, at: 1},
				{svc: "a", id: "03", parent: "02", kind: internal, err: true},
			},
			want: want{counts: session.Counts{Started: 2, Handled: 1, HandledEvents: 1}},
		},
		{
			name:  "CONSUMER root: no session by default",
			spans: []sp{{svc: "a", id: "01", kind: consumer, err: true}},
			want:  want{outside: 1},
		},
		{
			name:  "CONSUMER root: entry with ConsumerEntries",
			cfg:   Config{ConsumerEntries: true},
			spans: []sp{{svc: "a", id: "01", kind: consumer, err: true}},
			want:  want{counts: session.Counts{Started: 1, Unhandled: 1, UnhandledEvents: 1}},
		},
		{
			name:  "INTERNAL root: no session by default",
			spans: []sp{{svc: "a", id: "01", kind: internal}},
		},
		{
			name: "INTERNAL root: entry with InternalRootEntries, its INTERNAL children are not",
			cfg:  Config{InternalRootEntries: true},
			spans: []sp{
				{svc: "a", id: "01", kind: internal},
				{svc: "a", id: "02", parent: "01", kind: unspec},
			},
			want: want{counts: session.Counts{Started: 1}},
		},
		{
			name: "exception.escaped true on a child: unhandled",
			spans: []sp{
				{svc: "a", id: "01", kind: server},
				{svc: "a", id: "02", parent: "01", kind: internal, exc: escaped(true)},
			},
			want: want{counts: session.Counts{Started: 1, Unhandled: 1, UnhandledEvents: 1}},
		},
		{
			name: "exception.escaped as the string TRUE: unhandled; \"False\": handled",
			spans: []sp{
				{svc: "a", id: "01", kind: server, exc: escaped("TRUE")},
				{svc: "a", trace: "t2", id: "01", kind: server, exc: escaped("False")},
			},
			want: want{counts: session.Counts{
				Started: 2, Unhandled: 1, Handled: 1, UnhandledEvents: 1, HandledEvents: 1,
			}},
		},
		{
			name: "exception on an entry span with status Error: unhandled; without Error: handled",
			spans: []sp{
				{svc: "a", id: "01", kind: server, err: true, exc: []map[string]any{exc()}},
				{svc: "a", trace: "t2", id: "01", kind: server, exc: []map[string]any{exc()}},
			},
			want: want{counts: session.Counts{
				Started: 2, Unhandled: 1, Handled: 1, UnhandledEvents: 1, HandledEvents: 1,
			}},
		},
		{
			name: "bug report: entry span with status Error, error.type timeout and no event: one unhandled event",
			spans: []sp{
				{svc: "a", id: "01", kind: server, err: true, attrs: map[string]any{"error.type": "timeout"}},
			},
			want: want{counts: session.Counts{Started: 1, Unhandled: 1, UnhandledEvents: 1}},
		},
		{
			name: "bug report: child span with status Error and one exception event: one event, not two",
			spans: []sp{
				{svc: "a", id: "01", kind: server},
				{svc: "a", id: "02", parent: "01", kind: client, err: true, exc: []map[string]any{exc()}},
			},
			want: want{counts: session.Counts{Started: 1, Handled: 1, HandledEvents: 1}},
		},
		{
			name: "child span with status Error and no exception: one handled event",
			spans: []sp{
				{svc: "a", id: "01", kind: server},
				{svc: "a", id: "02", parent: "01", kind: client, err: true},
			},
			want: want{counts: session.Counts{Started: 1, Handled: 1, HandledEvents: 1}},
		},
		{
			name: "a 4xx response with status Unset is no error",
			spans: []sp{
				{svc: "a", id: "01", kind: server, attrs: map[string]any{"http.response.status_code": 404}},
			},
			want: want{counts: session.Counts{Started: 1}},
		},
		{
			name: "a SERVER span with a 4xx response and status Error is no error by default",
			spans: []sp{
				{svc: "a", id: "01", kind: server, err: true, attrs: map[string]any{"http.status_code": "404"}},
			},
			want: want{counts: session.Counts{Started: 1}},
		},
		{
			name: "ServerClientErrors counts it",
			cfg:  Config{ServerClientErrors: true},
			spans: []sp{
				{svc: "a", id: "01", kind: server, err: true, attrs: map[string]any{"http.status_code": "404"}},
			},
			want: want{counts: session.Counts{Started: 1, Unhandled: 1, UnhandledEvents: 1}},
		},
		{
			name: "a CLIENT span with a 4xx response and status Error is a handled error",
			spans: []sp{
				{svc: "a", id: "01", kind: server},
				{
					svc: "a", id: "02", parent: "01", kind: client, err: true,
					attrs: map[string]any{"http.status_code": 404},
				},
			},
			want: want{counts: session.Counts{Started: 1, Handled: 1, HandledEvents: 1}},
		},
		{
			name: "span override makes a handled exception unhandled; an event override wins over the span's",
			spans: []sp{
				{svc: "a", id: "01", kind: server},
				{
					svc: "a", id: "02", parent: "01", kind: internal, attrs: map[string]any{AttrUnhandled: true},
					exc: []map[string]any{exc(), exc(AttrUnhandled, "false")},
				},
			},
			want: want{counts: session.Counts{Started: 1, Unhandled: 1, UnhandledEvents: 1, HandledEvents: 1}},
		},
		{
			name: "override false on an entry span in error: handled",
			spans: []sp{
				{svc: "a", id: "01", kind: server, err: true, attrs: map[string]any{AttrUnhandled: false}},
			},
			want: want{counts: session.Counts{Started: 1, Handled: 1, HandledEvents: 1}},
		},
		{
			name: "an override of the wrong type is ignored",
			spans: []sp{
				{svc: "a", id: "01", kind: server, exc: []map[string]any{exc(AttrUnhandled, 1)}},
			},
			want: want{counts: session.Counts{Started: 1, Handled: 1, HandledEvents: 1}},
		},
		{
			name: "a session with several unhandled events counts once",
			spans: []sp{
				{svc: "a", id: "01", kind: server, err: true, exc: []map[string]any{exc(), exc()}},
				{svc: "a", id: "02", parent: "01", kind: internal, exc: escaped(true)},
			},
			want: want{counts: session.Counts{Started: 1, Unhandled: 1, UnhandledEvents: 3}},
		},
		{
			name: "bug report: a trace of only PRODUCER, CONSUMER and INTERNAL spans starts no session",
			spans: []sp{
				{svc: "a", id: "01", kind: producer},
				{svc: "b", id: "02", parent: "01", kind: consumer, err: true},
				{svc: "b", id: "03", parent: "02", kind: internal, exc: []map[string]any{exc()}},
			},
			want: want{outside: 2},
		},
		{
			name: "a parent cycle in bad data ends outside any session",
			spans: []sp{
				{svc: "a", id: "01", parent: "02", kind: internal, err: true},
				{svc: "a", id: "02", parent: "01", kind: internal},
			},
			want: want{outside: 1},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, _ := deriveAll(tc.cfg, build(tc.spans...))
			assert.Equal(t, tc.want.counts, r.Summary.Total())
			assert.Equal(t, tc.want.outside, r.OutsideErrors)
		})
	}
}

func TestOverrideOfWrongTypeIsCounted(t *testing.T) {
	_, st := deriveAll(Config{}, build(sp{svc: "a", id: "01", kind: server, attrs: map[string]any{AttrUnhandled: 3}}))
	assert.Equal(t, int64(1), st.MalformedAttributes)
}

func TestStatusEventIsNamedFromErrorType(t *testing.T) {
	e := New(Config{})
	e.Add(build(
		sp{
			svc: "a", id: "01", kind: server, err: true, statusMsg: "deadline",
			attrs: map[string]any{"error.type": "timeout"},
		},
		sp{svc: "a", id: "02", parent: "01", kind: client, err: true, statusMsg: "cart failure"},
	))
	tr, ok := e.Resolve(traceID("t1"))
	require.True(t, ok)
	require.Len(t, tr.Events, 2)
	names := map[string]bool{}
	for _, ev := range tr.Events {
		names[ev.Class] = ev.Unhandled
		assert.True(t, ev.FromStatus)
	}
	assert.Equal(t, map[string]bool{"timeout": true, "cart failure": false}, names)
}

// TestUntimedEntrySpanTakesTheTraceStart covers Zipkin spans without a timestamp: the translator starts them
// at the Unix epoch and marks them; a session must not land in the minute 1970-01-01T00:00.
func TestUntimedEntrySpanTakesTheTraceStart(t *testing.T) {
	td := build(
		sp{svc: "a", id: "01", kind: server, attrs: map[string]any{"otel.zipkin.absentField.startTime": true}},
		sp{svc: "a", id: "02", parent: "01", kind: internal, at: 90 * time.Second},
		sp{svc: "a", id: "03", parent: "01", kind: internal, at: 30 * time.Second},
	)
	r, _ := deriveAll(Config{}, td)
	b := r.Summary.Buckets()
	require.Len(t, b, 1)
	assert.Equal(t, "2026-12-03T15:04:00Z", b[0].Minute.Format(time.RFC3339), "base + 30 s is 15:04:35")
}

// TestExceptionOnA4xxServerSpan pins the decision of docs/semantics.md: on a SERVER span with a 4xx response
// the Error status is disregarded, so an exception there is handled unless it escaped.
func TestExceptionOnA4xxServerSpan(t *testing.T) {
	spans := []sp{{
		svc: "a", id: "01", kind: server, err: true, attrs: map[string]any{"http.response.status_code": 404},
		exc: []map[string]any{exc()},
	}}
	r, _ := deriveAll(Config{}, build(spans...))
	assert.Equal(t, session.Counts{Started: 1, Handled: 1, HandledEvents: 1}, r.Summary.Total())
	r, _ = deriveAll(Config{ServerClientErrors: true}, build(spans...))
	assert.Equal(t, session.Counts{Started: 1, Unhandled: 1, UnhandledEvents: 1}, r.Summary.Total())
}

// TestPanicRecordedTwiceCountsOnce covers the OpenTelemetry Go SDK, which records a panic a second time when
// the deferred span.End runs, as a plain exception event with the same type (written ".string") and message:
// with the processor's panic wrapper's escaped event beside it, one failure is one unhandled event.
func TestPanicRecordedTwiceCountsOnce(t *testing.T) {
	r, _ := deriveAll(Config{}, build(sp{
		svc: "a", id: "01", kind: server, err: true, exc: []map[string]any{
			exc("exception.type", "string", "exception.message", "boom", "exception.escaped", true),
			exc("exception.type", ".string", "exception.message", "boom"),
			exc("exception.type", "*errors.errorString", "exception.message", "other"),
		},
	}))
	assert.Equal(t, session.Counts{Started: 1, Unhandled: 1, UnhandledEvents: 2}, r.Summary.Total(),
		"the repeat is dropped; the other exception on the entry span in Error is unhandled too")
}

func TestErrorContext(t *testing.T) {
	for _, tc := range []struct {
		attrs map[string]any
		want  string
	}{
		{map[string]any{"http.route": "/orders/{id}", "url.path": "/orders/7"}, "/orders/{id}"},
		{map[string]any{"http.request.method": "GET", "url.path": "/panic"}, "GET /panic"},
		{map[string]any{"http.method": "POST", "http.target": "/pay?x=1"}, "POST /pay"},
		{map[string]any{}, "span 01"},
	} {
		e := New(Config{})
		e.Add(build(sp{svc: "a", id: "01", kind: server, err: true, attrs: tc.attrs}))
		tr, _ := e.Resolve(traceID("t1"))
		require.Len(t, tr.Events, 1)
		assert.Equal(t, tc.want, tr.Events[0].Context)
	}
}
