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
}
