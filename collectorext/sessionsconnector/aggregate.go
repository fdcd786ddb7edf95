package sessionsconnector

import (
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelsessions/otelsessions/internal/derive"
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
	rss := td.ResourceSpans()
	for i := range rss.Len() {
		sss := rss.At(i).ScopeSpans()
		for j := range sss.Len() {
			spans := sss.At(j).Spans()
			for k := range spans.Len() {
				sp := spans.At(k)
				if sp.Kind() == ptrace.SpanKindClient || sp.Kind() == ptrace.SpanKindProducer {
					continue
				}
				key := spanKey{sp.TraceID(), sp.SpanID()}
				if _, ok := a.entries[key]; !ok {
					a.entries[key] = sp.Attributes()
				}
			}
		}
	}
}

// add counts the sessions and error events of a resolved trace.
func (a *aggregate) add(t derive.Trace) {
	points := make([]pointKey, len(t.Sessions))
	for i, s := range t.Sessions {
		points[i] = a.pointOf(t.ID, s)
		c, ok := a.sessions[points[i]]
		if !ok {
			c = &session.Counts{}
			a.sessions[points[i]] = c
		}
		c.AddSession(s.Events)
	}
	for _, ev := range t.Events {
		key := errorKey{point: pointKey{release: ev.Resource.Release()}, handled: !ev.Unhandled}
		if ev.Session >= 0 {
			key.point = points[ev.Session]
		}
		a.errors[key]++
	}
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
