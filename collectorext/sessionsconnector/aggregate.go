package sessionsconnector

import (
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelsessions/otelsessions/internal/derive"
	"github.com/otelsessions/otelsessions/internal/ledger"
	"github.com/otelsessions/otelsessions/internal/traceiter"
	"github.com/otelsessions/otelsessions/session"
)

// spanKey names a span of a batch that may be an entry span.
type spanKey struct {
	trace pcommon.TraceID
	span  pcommon.SpanID
}

// pointKey names one data point: a release (the point's resource) and its dimension values, or the
// overflow point of the release.
type pointKey struct {
	release  session.Release
	dims     string // the dimension values joined with NUL; "" when there are no dimensions
	overflow bool
}

// errorKey names one data point of otelsessions.errors.
type errorKey struct {
	point   pointKey
	handled bool
}

// aggregate counts the sessions and error events of one batch per data point.
type aggregate struct {
	dims      []string
	limiter   *dimensionLimiter
	entries   map[spanKey]pcommon.Map
	sessions  map[pointKey]*session.Counts
	errors    map[errorKey]int64
	values    map[pointKey][]string
	overflows int64
}

func newAggregate(dims []string, limiter *dimensionLimiter) *aggregate {
	return &aggregate{
		dims:     dims,
		limiter:  limiter,
		sessions: make(map[pointKey]*session.Counts),
		errors:   make(map[errorKey]int64),
		values:   make(map[pointKey][]string),
	}
}

// index remembers the attributes of every span of td that can be an entry span, so that the dimensions
// can be read from each session's entry span. CLIENT and PRODUCER spans are left out: a Zipkin shared
// SERVER span has the id of its CLIENT twin. Nothing is indexed when no dimension is configured.
func (a *aggregate) index(td ptrace.Traces) {
	if len(a.dims) == 0 {
		return
	}
	a.entries = make(map[spanKey]pcommon.Map)
	for _, sp := range traceiter.Spans(td) {
		if sp.Kind() == ptrace.SpanKindClient || sp.Kind() == ptrace.SpanKindProducer {
			continue
		}
		key := spanKey{sp.TraceID(), sp.SpanID()}
		if _, ok := a.entries[key]; !ok {
			a.entries[key] = sp.Attributes()
		}
	}
}

// countedSession is what the connector remembers of a session it counted: its data point and how it was
// counted, so that its spans in later batches change only what they change.
type countedSession struct {
	point              pointKey
	handled, unhandled bool
}

// add counts the sessions and error events of a resolved trace. A session counted before, in an earlier
// batch (a joined one, or an entry span seen again), is not started again: its new error events count in
// its data point, and it becomes unhandled, or handled, if it was not yet. A joined session the ledger has
// forgotten counts nothing; its error events count as outside any session.
func (a *aggregate) add(t derive.Trace, counted *ledger.Ledger[countedSession]) {
	points := make([]pointKey, len(t.Sessions))
	known := make([]bool, len(t.Sessions))
	for i, s := range t.Sessions {
		prev, seen := counted.Get(s.ID)
		switch {
		case seen:
			points[i], known[i] = prev.point, true
			counted.Put(s.ID, a.join(prev, s.Events))
		case s.Joined:
			continue
		default:
			points[i], known[i] = a.pointOf(t.ID, s), true
			a.countsAt(points[i]).AddSession(s.Events)
			counted.Put(s.ID, countedSession{
				point:     points[i],
				unhandled: s.Events.Unhandled > 0,
				handled:   s.Events.Unhandled == 0 && s.Events.Handled > 0,
			})
		}
	}
	for _, ev := range t.Events {
		key := errorKey{point: pointKey{release: ev.Resource.Release()}, handled: !ev.Unhandled}
		if ev.Session >= 0 && known[ev.Session] {
			key.point = points[ev.Session]
		}
		a.errors[key]++
	}
}

// join counts the error events of a session counted before and returns how it is counted now. A session
// counted handled that turns unhandled counts as both: the sums are monotonic.
func (a *aggregate) join(prev countedSession, ev session.EventCounts) countedSession {
	c := a.countsAt(prev.point)
	c.HandledEvents += ev.Handled
	c.UnhandledEvents += ev.Unhandled
	switch {
	case ev.Unhandled > 0 && !prev.unhandled:
		c.Unhandled++
		prev.unhandled = true
	case ev.Handled > 0 && !prev.handled && !prev.unhandled:
		c.Handled++
		prev.handled = true
	}
	return prev
}

// countsAt returns the session counts of a data point, adding it the first time.
func (a *aggregate) countsAt(p pointKey) *session.Counts {
	c, ok := a.sessions[p]
	if !ok {
		c = &session.Counts{}
		a.sessions[p] = c
	}
	return c
}

// pointOf returns the data point of a session, with the dimension values of its entry span, or the
// overflow point of its release when a value is past the cap.
func (a *aggregate) pointOf(trace pcommon.TraceID, s derive.Session) pointKey {
	key := pointKey{release: s.Resource.Release()}
	if len(a.dims) == 0 {
		return key
	}
	values := make([]string, len(a.dims))
	if attrs, ok := a.entries[spanKey{trace, s.EntrySpanID}]; ok {
		for i, d := range a.dims {
			if v, ok := attrs.Get(d); ok {
				values[i] = v.AsString()
			}
		}
	}
	if !a.limiter.admit(values) {
		a.overflows++
		key.overflow = true
		return key
	}
	key.dims = strings.Join(values, "\x00")
	a.values[key] = values
	return key
}

// empty reports whether the batch gave no session and no error event.
func (a *aggregate) empty() bool { return len(a.sessions) == 0 && len(a.errors) == 0 }
