package derive

import (
	"cmp"
	"slices"

	"github.com/google/uuid"

	"github.com/otelsessions/otelsessions/session"
)

// Emit hands the trace's sessions and error events to sink: each session once, then each error event in
// time order, counted against its session as Bugsnag counts them (each event carries the counts including
// itself).
func (t Trace) Emit(sink session.Sink) {
	t.EmitKnown(sink, nil)
}

// Known finds a session handed to a sink before, from an earlier piece of its trace, and keeps the ones
// started now (see EmitKnown). Its methods are called from one goroutine at a time.
type Known interface {
	// Session returns the session with this id handed to the sink before, if it is still known.
	Session(id uuid.UUID) (*session.Session, bool)
	// Remember keeps a session just handed to the sink.
	Remember(s *session.Session)
}

// EmitKnown is Emit for components that see traces in pieces. Sessions that known already holds, and joined
// sessions (Config.JoinTagged), are not started again: their error events count against the session known
// holds, or, when it holds none for a joined session, are outside any session. Sessions started here are
// remembered in known. A nil known is Emit.
func (t Trace) EmitKnown(sink session.Sink, known Known) {
	sessions := make([]*session.Session, len(t.Sessions))
	for i, s := range t.Sessions {
		if known != nil {
			if ss, ok := known.Session(s.ID); ok {
				sessions[i] = ss
				continue
			}
		}
		if s.Joined {
			continue // its events are outside any session here
		}
		ss := session.New(s.ID, s.StartedAt)
		ss.Service, ss.App, ss.Device = s.Resource.Service, s.Resource.App, s.Resource.Device
		sessions[i] = ss
		sink.SessionStarted(ss)
		if known != nil {
			known.Remember(ss)
		}
	}
	events := slices.Clone(t.Events)
	slices.SortStableFunc(events, func(a, b ErrorEvent) int {
		return cmp.Compare(a.Time.UnixNano(), b.Time.UnixNano())
	})
	for _, ev := range events {
		out := session.Event{
			Unhandled: ev.Unhandled, Overridden: ev.Overridden, Class: ev.Class, Message: ev.Message,
			Stacktrace: ev.Stacktrace, Context: ev.Context, Time: ev.Time,
			Service: ev.Resource.Service, App: ev.Resource.App, Device: ev.Resource.Device,
			Attributes: ev.Request,
		}
		if ev.Session >= 0 && sessions[ev.Session] != nil {
			out.Session = sessions[ev.Session]
			out.Counts = out.Session.AddEvent(ev.Unhandled)
		}
		sink.ErrorEvent(out)
	}
}
