package derive

import (
	"strings"
	"time"

	"github.com/google/uuid"
	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelsessions/otelsessions/internal/sessionid"
)

// startSessions starts one session per entry span. Two entry spans with the same id (bad data) share one
// session, so that no session is counted twice.
func (r *resolver) startSessions(t *Trace) {
	// Spans come sorted by id: entry spans that share an id follow one another.
	lastID, lastK := pcommon.SpanID{}, int32(-1)
	earliest := r.earliestStart()
	for i := range r.spans {
		r.sess[i] = unknown
		if r.dup[i] || !r.isEntry(int32(i)) {
			continue
		}
		r.entry[i] = true
		s := &r.spans[i]
		if s.joined != uuid.Nil {
			r.sess[i] = r.joinedSession(t, int32(i))
			continue
		}
		if lastK >= 0 && lastID == s.id {
			r.sess[i] = lastK
			continue
		}
		k := int32(len(t.Sessions)) //nolint:gosec // at most one per span, below MaxTraceSpans
		lastID, lastK = s.id, k
		r.sess[i] = k
		start := s.start
		if s.untimed {
			start = earliest
		}
		t.Sessions = append(t.Sessions, Session{
			ID:            sessionid.Of(t.ID, s.id),
			EntrySpanID:   s.id,
			StartedAt:     start.AsTime(),
			Resource:      r.e.resources[s.res],
			ParentMissing: r.parent[i] == missingParent && s.flags&flagHasIsRemote == 0,
		})
	}
}

// joinSessions places the spans outside any session that carry another component's session.id in that
// session (Config.JoinTagged). Entry spans that carry one were placed by startSessions.
func (r *resolver) joinSessions(t *Trace) {
	for i := range r.spans {
		if r.dup[i] || r.spans[i].joined == uuid.Nil || r.sessionOf(int32(i)) >= 0 {
			continue
		}
		r.sess[i] = r.joinedSession(t, int32(i))
	}
}

// joinedSession returns the index of the session span i joins, adding it to t the first time.
func (r *resolver) joinedSession(t *Trace, i int32) int32 {
	s := &r.spans[i]
	for k := range t.Sessions {
		if t.Sessions[k].Joined && t.Sessions[k].ID == s.joined {
			return int32(k)
		}
	}
	t.Sessions = append(t.Sessions, Session{
		ID: s.joined, EntrySpanID: s.id, StartedAt: s.start.AsTime(), Resource: r.e.resources[s.res], Joined: true,
	})
	return int32(len(t.Sessions) - 1) //nolint:gosec // at most one session per span, below MaxTraceSpans
}

// earliestStart returns the earliest start of a span with a start time, the start of an entry span that has
// none (Zipkin spans may lack a timestamp), or 0 when no span has one.
func (r *resolver) earliestStart() pcommon.Timestamp {
	var first pcommon.Timestamp
	for i := range r.spans {
		s := &r.spans[i]
		if !s.untimed && !r.dup[i] && (first == 0 || s.start < first) {
			first = s.start
		}
	}
	return first
}

// sessionOf returns the session of the span's nearest entry ancestor, or -1. The walk is bounded by the
// number of spans, so a parent cycle in bad data ends outside any session.
func (r *resolver) sessionOf(i int32) int32 {
	path := r.path[:0]
	cur, val := i, int32(noParent)
	for steps := 0; steps <= len(r.spans); steps++ {
		if s := r.sess[cur]; s != unknown {
			val = s
			break
		}
		path = append(path, cur)
		p := r.parent[cur]
		if p < 0 {
			break
		}
		cur = p
	}
	for _, j := range path {
		r.sess[j] = val
	}
	r.path = path
	return val
}

// errorEvents classifies the trace's exception events and Error statuses and counts them against their
// sessions.
func (r *resolver) errorEvents(t *Trace, exc []excRec) {
	for i, x := range exc {
		if r.dup[x.span] || repeatsEscaped(exc, i) {
			continue
		}
		s := &r.spans[x.span]
		unhandled := x.escaped || (r.entry[x.span] && s.statusErr)
		ov := x.override
		if ov == overrideNone {
			ov = s.override
		}
		r.addEvent(t, x.span, ov, unhandled, ErrorEvent{
			Class: x.class, Message: x.message, Stacktrace: x.stackTxt, Time: x.time.AsTime(),
		})
	}
	for i := range r.spans {
		s := &r.spans[i]
		if r.dup[i] || !s.statusErr || s.nexc > 0 {
			continue
		}
		r.addEvent(t, int32(i), s.override, r.entry[i], ErrorEvent{
			FromStatus: true, Class: s.err.statusMsg, Message: s.err.statusMsg, Time: s.statusTime().AsTime(),
		})
	}
}

// repeatsEscaped reports whether exc[i] is the OpenTelemetry Go SDK's second record of a panic: a plain
// exception event on the same span as an escaped one with the same type and message (the SDK writes a
// predeclared type with a leading dot, ".string"). exc is ordered by span.
func repeatsEscaped(exc []excRec, i int) bool {
	x := &exc[i]
	if x.escaped || x.override != overrideNone {
		return false
	}
	for j := i - 1; j >= 0 && exc[j].span == x.span; j-- {
		if sameFailure(&exc[j], x) {
			return true
		}
	}
	for j := i + 1; j < len(exc) && exc[j].span == x.span; j++ {
		if sameFailure(&exc[j], x) {
			return true
		}
	}
	return false
}

func sameFailure(escaped, plain *excRec) bool {
	return escaped.escaped && escaped.message == plain.message &&
		strings.TrimPrefix(escaped.class, ".") == strings.TrimPrefix(plain.class, ".")
}

// statusTime is when a span's Error status was known: its end, or its start when it has no end.
func (s *spanRec) statusTime() pcommon.Timestamp {
	if s.end != 0 {
		return s.end
	}
	return s.start
}

func (r *resolver) addEvent(t *Trace, span int32, ov uint8, unhandled bool, ev ErrorEvent) {
	s := &r.spans[span]
	ev.Unhandled = unhandled
	if ov != overrideNone {
		ev.Unhandled, ev.Overridden = ov == overrideUnhandled, true
	}
	ev.Session = int(r.sess[span])
	ev.SpanID = s.id
	if s.err != nil { // every span with an error event has one
		ev.SpanName, ev.Context, ev.Request = s.err.name, s.err.context, s.err.request
	}
	ev.Resource = r.e.resources[s.res]
	if ev.Time.Equal(time.Unix(0, 0)) {
		ev.Time = s.start.AsTime()
	}
	if ev.Session >= 0 {
		c := &t.Sessions[ev.Session].Events
		if ev.Unhandled {
			c.Unhandled++
		} else {
			c.Handled++
		}
	}
	t.Events = append(t.Events, ev)
}
