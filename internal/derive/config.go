package derive

// Config chooses which optional rules the engine applies. The zero value gives the documented defaults.
type Config struct {
	// ConsumerEntries makes CONSUMER spans entries under the same rules as SERVER spans (queue workers).
	ConsumerEntries bool
	// InternalRootEntries makes INTERNAL and unspecified-kind spans with no parent entries (scheduled jobs).
	InternalRootEntries bool
	// ServerClientErrors counts an Error status on a SERVER span with an HTTP 4xx response as an error.
	// By default such a span yields no status event: the failure is the caller's.
	ServerClientErrors bool
	// JoinTagged trusts the session.id that the otelsessions sessions processor or SDK processor wrote, for
	// components that see a trace in pieces: a span whose session.id is a version 5 UUID other than the ID a
	// session it starts would have, and which is an entry span or outside any session in the data seen,
	// belongs to that session, started elsewhere. Such sessions come out with Joined set.
	JoinTagged bool
	// SpanSessions fills Trace.SpanSessions, for components that tag spans with their session.
	SpanSessions bool
}
