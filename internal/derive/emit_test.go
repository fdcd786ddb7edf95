package derive

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelsessions/otelsessions/internal/tally"
	"github.com/otelsessions/otelsessions/session"
)

// recordingSink keeps what it is given.
type recordingSink struct {
	tally.Sink
	events []session.Event
}

func (r *recordingSink) ErrorEvent(e session.Event) {
	r.events = append(r.events, e)
	r.Sink.ErrorEvent(e)
}

func TestEmitCountsLikeTheReport(t *testing.T) {
	td := build(
		sp{svc: "api", id: "01", kind: server, err: true},
		sp{svc: "api", id: "02", parent: "01", kind: internal, at: time.Second, exc: []map[string]any{exc()}},
		sp{svc: "api", trace: "t2", id: "01", kind: server},
		sp{svc: "api", trace: "t2", id: "02", parent: "01", kind: client, err: true, attrs: map[string]any{
			"http.request.method": "GET", "url.full": "http://cart/items", "http.response.status_code": 503,
			"db.system": "none",
		}},
		sp{svc: "q", trace: "t3", id: "01", kind: consumer, err: true},
	)
	e := New(Config{})
	e.Add(td)
	var rep Report
	sink := &recordingSink{}
	e.ResolveAll(func(tr Trace) {
		rep.Add(tr)
		tr.Emit(sink)
	})
	sum, outside := sink.Take()
	assert.Equal(t, rep.Summary.Buckets(), sum.Buckets())
	assert.Equal(t, rep.OutsideErrors, outside)
	require.Len(t, sink.events, 4)
	// Trace t1: the status event (at the entry's start) comes before the child's exception a second later.
	first, second := sink.events[0], sink.events[1]
	assert.True(t, first.Unhandled)
	assert.Equal(t, session.EventCounts{Unhandled: 1}, first.Counts)
	assert.Equal(t, session.EventCounts{Handled: 1, Unhandled: 1}, second.Counts)
	assert.Same(t, first.Session, second.Session)
	assert.Equal(t, "Boom", second.Class)
	assert.Nil(t, sink.events[3].Session, "the consumer's error is outside any session")
	assert.Equal(t, map[string]string{
		"http.request.method": "GET", "url.full": "http://cart/items", "http.response.status_code": "503",
	}, sink.events[2].Attributes)
}
