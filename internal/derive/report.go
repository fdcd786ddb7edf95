package derive

import "github.com/otelsessions/otelsessions/session"

// Report accumulates resolved traces into the figures replay prints and tests compare.
type Report struct {
	// Summary holds the sessions per release and minute.
	Summary session.Summary
	// Traces and Spans count what was resolved.
	Traces, Spans int64
	// OutsideErrors counts error events of spans outside any session.
	OutsideErrors int64
}

// Add counts the sessions and error events of t. Joined sessions (Config.JoinTagged), started elsewhere,
// are not counted, nor are their events.
func (r *Report) Add(t Trace) {
	r.Traces++
	r.Spans += int64(t.Spans)
	for _, s := range t.Sessions {
		if !s.Joined {
			r.Summary.AddSession(s.Resource.Release(), s.StartedAt, s.Events)
		}
	}
	for _, ev := range t.Events {
		if ev.Session < 0 {
			r.OutsideErrors++
		}
	}
}
