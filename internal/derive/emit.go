package derive

import (
	"cmp"
	"slices"

	"github.com/otelsessions/otelsessions/session"
)

// Emit hands the trace's sessions and error events to sink: each session once, then each error event in
// time order, counted against its session as Bugsnag counts them (each event carries the counts including
// itself).
func (t Trace) Emit(sink session.Sink) {
	sessions := make([]*session.Session, len(t.Sessions))
	for i, s := range t.Sessions {
		ss := session.New(s.ID, s.StartedAt)
		ss.Service, ss.App, ss.Device = s.Resource.Service, s.Resource.App, s.Resource.Device
		sessions[i] = ss
		sink.SessionStarted(ss)
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
		if ev.Session >= 0 {
			out.Session = sessions[ev.Session]
			out.Counts = out.Session.AddEvent(ev.Unhandled)
		}
		sink.ErrorEvent(out)
	}
}
