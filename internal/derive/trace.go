package derive

import (
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
	// SpanSessions maps each span to the index in Sessions of its session; spans outside any session are
	// absent. A span is named by its id and kind, since a Zipkin shared SERVER half has its CLIENT's id.
	SpanSessions map[SpanRef]int
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
