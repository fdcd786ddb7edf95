package session

import "time"

// Counts are the figures of a set of sessions: how many started, how many crashed (unhandled) and how
// many saw only handled errors, and the error events behind them.
type Counts struct {
	// Started is the number of sessions started.
	Started int64
	// Unhandled is the number of sessions with at least one unhandled error event.
	Unhandled int64
	// Handled is the number of sessions with handled error events and no unhandled one.
	Handled int64
	// HandledEvents is the number of handled error events in these sessions.
	HandledEvents int64
	// UnhandledEvents is the number of unhandled error events in these sessions.
	UnhandledEvents int64
}

// AddSession counts one session with the given error events.
func (c *Counts) AddSession(ev EventCounts) {
	c.Started++
	c.HandledEvents += ev.Handled
	c.UnhandledEvents += ev.Unhandled
	switch {
	case ev.Unhandled > 0:
		c.Unhandled++
	case ev.Handled > 0:
		c.Handled++
	}
}

// Add adds the figures of o to c.
func (c *Counts) Add(o Counts) {
	c.Started += o.Started
	c.Unhandled += o.Unhandled
	c.Handled += o.Handled
	c.HandledEvents += o.HandledEvents
	c.UnhandledEvents += o.UnhandledEvents
}

// Stability returns 1 − unhandled sessions / sessions started, and false when no session started.
func (c Counts) Stability() (float64, bool) {
	if c.Started == 0 {
		return 0, false
	}
	return 1 - float64(c.Unhandled)/float64(c.Started), true
}

// Minute returns the UTC minute that t falls in, the bucket a session started at t is counted in.
func Minute(t time.Time) time.Time {
	return t.UTC().Truncate(time.Minute)
}

// Figures are the numbers of a set of sessions as otelsessions' JSON reports and summaries name them.
type Figures struct {
	SessionsStarted   int64 `json:"sessionsStarted"`
	SessionsHandled   int64 `json:"sessionsHandled"`
	SessionsUnhandled int64 `json:"sessionsUnhandled"`
	HandledEvents     int64 `json:"handledEvents"`
	UnhandledEvents   int64 `json:"unhandledEvents"`
	// Stability is nil when no session started.
	Stability *float64 `json:"stability"`
}

// Figures returns c as the JSON reports name it.
func (c Counts) Figures() Figures {
	f := Figures{
		SessionsStarted: c.Started, SessionsHandled: c.Handled, SessionsUnhandled: c.Unhandled,
		HandledEvents: c.HandledEvents, UnhandledEvents: c.UnhandledEvents,
	}
	if s, ok := c.Stability(); ok {
		f.Stability = &s
	}
	return f
}
