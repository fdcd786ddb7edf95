package harness

import (
	"context"
	"testing"

	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelsessions/otelsessions/internal/derive"
	"github.com/otelsessions/otelsessions/internal/replay"
	"github.com/otelsessions/otelsessions/session"
)

// Figures are what replay derives from an input, in the terms of what the bugsnag exporter delivers.
type Figures struct {
	// SessionsStarted is the number of sessions; Releases splits it by release as the Sessions API names
	// them (an empty release stage is sent as "production").
	SessionsStarted int64
	Releases        map[Release]int64
	// SessionsUnhandled and SessionsHandled count the sessions with an unhandled error event, and those with
	// handled ones only.
	SessionsUnhandled, SessionsHandled int64
	// UnhandledEvents and HandledEvents count every error event, inside sessions or not; EventsInSessions
	// counts those inside a session.
	UnhandledEvents, HandledEvents, EventsInSessions int64
}

// Events is the number of error events the Notify API should receive.
func (f Figures) Events() int64 { return f.UnhandledEvents + f.HandledEvents }

// ReplayFigures runs internal/replay.Run on files, as `otelsessions replay` does, and returns its figures:
// the sessions from its report, the error events from what it emits to an exporter. It fails tb if a file
// cannot be read whole or the two disagree.
func ReplayFigures(tb testing.TB, files ...string) Figures {
	tb.Helper()
	sink := &figuresSink{f: Figures{Releases: map[Release]int64{}}}
	res, err := replay.Run(tb.Context(), files, replay.Options{Exporter: sink})
	if err != nil {
		tb.Fatalf("replay %v: %v", files, err)
	}
	for _, fr := range res.Files {
		if fr.Err != nil {
			tb.Fatalf("replay %s: %v", fr.Name, fr.Err)
		}
	}
	total := res.Report.Summary.Total()
	f := sink.f
	if total.Started != f.SessionsStarted || f.Events()-f.EventsInSessions != res.Report.OutsideErrors ||
		total.HandledEvents+total.UnhandledEvents != f.EventsInSessions {
		tb.Fatalf("replay's report (%+v, %d events outside sessions) disagrees with what it emitted (%+v)",
			total, res.Report.OutsideErrors, f)
	}
	f.SessionsUnhandled, f.SessionsHandled = total.Unhandled, total.Handled
	return f
}

// TracesFigures derives the figures of tds together, with the engine replay runs on.
func TracesFigures(tds ...ptrace.Traces) Figures {
	sink := &figuresSink{f: Figures{Releases: map[Release]int64{}}}
	var report derive.Report
	e := derive.New(derive.Config{})
	for _, td := range tds {
		e.Add(td)
	}
	e.ResolveAll(func(t derive.Trace) {
		report.Add(t)
		t.Emit(sink)
	})
	total := report.Summary.Total()
	sink.f.SessionsUnhandled, sink.f.SessionsHandled = total.Unhandled, total.Handled
	return sink.f
}

// figuresSink counts what replay emits; replay calls it from one goroutine.
type figuresSink struct{ f Figures }

var _ replay.Exporter = (*figuresSink)(nil)

func (s *figuresSink) SessionStarted(ss *session.Session) {
	s.f.SessionsStarted++
	s.f.Releases[Release{Version: ss.App.Version, Stage: wireStage(ss.App.ReleaseStage)}]++
}

func (s *figuresSink) ErrorEvent(e session.Event) {
	if e.Unhandled {
		s.f.UnhandledEvents++
	} else {
		s.f.HandledEvents++
	}
	if e.Session != nil {
		s.f.EventsInSessions++
	}
}

func (*figuresSink) ForceFlush(context.Context) error { return nil }

// wireStage is the release stage as the exporter sends it: "production" when there is none.
func wireStage(stage string) string {
	if stage == "" {
		return "production"
	}
	return stage
}
