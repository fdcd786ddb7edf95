package derive

import (
	"cmp"
	"slices"
	"time"

	"github.com/google/uuid"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelsessions/otelsessions/session"
)

// Trace is one resolved trace: its sessions and its error events.
type Trace struct {
	ID pcommon.TraceID
	// Spans is the number of distinct spans of the trace.
	Spans int
	// Sessions are the sessions started in the trace, one per entry span.
	Sessions []Session
	// Events are every error event of the trace, inside sessions or not.
	Events []ErrorEvent
	// SpanSessions gives the session of each span in a session, ordered by span (SessionOf finds one),
	// when Config.SpanSessions is set; spans outside any session are absent.
	SpanSessions []SpanSession

	arrival []int32 // with Config.SpanSessions: the session of each span in the order given, or -1 (SessionAt)
}

// SessionAt returns what SessionOf returns for the k-th span the engine was given for this trace, counting
// from 0 in the order of Add and leaving out the spans it dropped as malformed (without a span id), so that
// a caller that walks the same spans in the same order need not search. Config.SpanSessions must have asked
// for it.
func (t *Trace) SessionAt(k int) (int, bool) {
	if k < 0 || k >= len(t.arrival) || t.arrival[k] < 0 {
		return -1, false
	}
	return int(t.arrival[k]), true
}

// SpanSession is the session of one span: its index in Trace.Sessions.
type SpanSession struct {
	Span    SpanRef
	Session int
}

// SessionOf returns the index in t.Sessions of the session of the span ref, which Config.SpanSessions must
// have asked for, and false for a span outside any session.
func (t *Trace) SessionOf(ref SpanRef) (int, bool) {
	i, ok := slices.BinarySearchFunc(t.SpanSessions, ref, func(s SpanSession, ref SpanRef) int {
		return compareSpanRefs(s.Span, ref)
	})
	if !ok {
		return -1, false
	}
	return t.SpanSessions[i].Session, true
}

func compareSpanRefs(a, b SpanRef) int {
	return cmp.Or(cmp.Compare(spanIDKey(a.ID), spanIDKey(b.ID)), cmp.Compare(a.Kind, b.Kind))
}

// appendSpanSession adds the session of span ref to s, in which spans come in canonical order: a span with
// the ref of the last one (a look-alike that is no duplicate) takes its place, as in a map.
func appendSpanSession(s []SpanSession, ref SpanRef, sess int) []SpanSession {
	if n := len(s); n > 0 && s[n-1].Span == ref {
		s[n-1].Session = sess
		return s
	}
	return append(s, SpanSession{Span: ref, Session: sess})
}

// SpanRef names a span of a trace.
type SpanRef struct {
	ID   pcommon.SpanID
	Kind ptrace.SpanKind
}

// Session is a session derived from data.
type Session struct {
	ID          uuid.UUID
	EntrySpanID pcommon.SpanID
	StartedAt   time.Time
	Resource    *Resource
	Events      session.EventCounts
	// ParentMissing tells that the entry span is one only because its parent is not in the data (and its
	// flags do not say whether that parent is remote): with the parent, it may turn out to be nested.
	ParentMissing bool
	// Joined tells that the session was started in data seen elsewhere and its spans here carry its
	// session.id (Config.JoinTagged): it does not count as started here, and StartedAt and Resource are those
	// of its first span here, not of its entry span.
	Joined bool
}

// ErrorEvent is one error derived from an exception event or an Error status.
type ErrorEvent struct {
	// Session is the index in Trace.Sessions of the event's session, or -1 outside any session.
	Session   int
	Unhandled bool
	// Overridden tells that the override attribute decided Unhandled.
	Overridden bool
	// FromStatus tells that the event stands for an Error status with no exception event.
	FromStatus bool
	Class      string
	Message    string
	Stacktrace string
	SpanID     pcommon.SpanID
	SpanName   string
	// Context is the span's http.route, else its method and path, else its name.
	Context string
	// Request holds the span's request attributes (http.*, url.*, client.*, server.*, user_agent.*, net.*).
	Request  map[string]string
	Time     time.Time
	Resource *Resource
}
