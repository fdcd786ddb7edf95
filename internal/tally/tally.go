// Package tally aggregates what a session.Sink receives into figures per release and minute: the shared
// counting behind the SDK processor's summaries, the exporters and the Collector components.
package tally

import (
	"sync"

	"github.com/otelsessions/otelsessions/session"
)

// Sink is a session.Sink that counts sessions and error events per release and minute of session start.
// A session that gets its first handled event counts as handled; its first unhandled event moves it to
// unhandled (and out of handled, if it was there). Sink is safe for concurrent use.
type Sink struct {
	mu      sync.Mutex
	summary session.Summary
	outside int64
}

var _ session.Sink = (*Sink)(nil)

// SessionStarted counts s as started in its minute.
func (t *Sink) SessionStarted(s *session.Session) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.summary.AddCounts(s.Release(), s.StartedAt, session.Counts{Started: 1})
}

// ErrorEvent counts e against its session. It relies on e.Counts being the session's counts including e,
// as session.Session.AddEvent returns them.
func (t *Sink) ErrorEvent(e session.Event) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if e.Session == nil {
		t.outside++
		return
	}
	t.summary.AddCounts(e.Session.Release(), e.Session.StartedAt, Transition(e))
}

// Transition returns how the figures change with e: one more event, and the session's move into handled or
// unhandled when e is its first event of that kind.
func Transition(e session.Event) session.Counts {
	var c session.Counts
	switch {
	case e.Unhandled:
		c.UnhandledEvents = 1
		if e.Counts.Unhandled == 1 {
			c.Unhandled = 1
			if e.Counts.Handled > 0 {
				c.Handled = -1
			}
		}
	default:
		c.HandledEvents = 1
		if e.Counts.Handled == 1 && e.Counts.Unhandled == 0 {
			c.Handled = 1
		}
	}
	return c
}

// Take returns what was counted since the last Take and starts afresh: the figures per release and minute
// (a minute may show a negative handled count when a session counted as handled before crashed), and the
// error events outside any session.
func (t *Sink) Take() (summary *session.Summary, outside int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	taken, outside := t.summary, t.outside
	t.summary, t.outside = session.Summary{}, 0
	return &taken, outside
}
