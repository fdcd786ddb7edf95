package session

import "time"

// Event is one error event, classified as handled or unhandled, as delivery needs it: Bugsnag's Notify API
// sends each one, and the summaries count them.
type Event struct {
	// Session is the event's session, or nil for an error outside any session.
	Session *Session
	// Counts are the session's event counts including this event (zero outside sessions).
	Counts EventCounts
	// Unhandled tells whether the event crashed its session.
	Unhandled bool
	// Overridden tells that an explicit override attribute decided Unhandled.
	Overridden bool
	// Class, Message and Stacktrace describe the error (exception.type, exception.message,
	// exception.stacktrace, or the span's error.type and status message).
	Class      string
	Message    string
	Stacktrace string
	// Context is where the error happened: the span's http.route, else its method and path, else its name.
	Context string
	// Time is when the error was recorded.
	Time time.Time
	// Service, App and Device describe the resource of the span the error was recorded on.
	Service string
	App     App
	Device  Device
	// Attributes are the span's attributes that describe the request (http.*, url.*, client.*, server.*,
	// user_agent.*, net.*).
	Attributes map[string]string
}

// Sink receives what the SDK processor, the Collector components and replay derive: each session once,
// when it starts, and each error event once, when it is classified. Implementations must be safe for
// concurrent use and must not block: they are called on the span processing path.
type Sink interface {
	// SessionStarted counts s in the minute of s.StartedAt.
	SessionStarted(s *Session)
	// ErrorEvent counts e against its session, if any, and keeps it for delivery.
	ErrorEvent(e Event)
}

// Tee returns a Sink that hands everything to each of sinks, in order.
func Tee(sinks ...Sink) Sink { return tee(sinks) }

type tee []Sink

func (t tee) SessionStarted(s *Session) {
	for _, k := range t {
		k.SessionStarted(s)
	}
}

func (t tee) ErrorEvent(e Event) {
	for _, k := range t {
		k.ErrorEvent(e)
	}
}
