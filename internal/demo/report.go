package demo

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/otelsessions/otelsessions/internal/derive"
	"github.com/otelsessions/otelsessions/internal/replay"
)

// ReportJSON is the demo's JSON report. Its top-level names are replay's, with what the span exporter got
// added; releases and minutes are built by replay's own code.
type ReportJSON struct {
	Spans  int64 `json:"spans"`
	Traces int64 `json:"traces"`
	replay.Figures
	ErrorsOutsideSessions int64                `json:"errorsOutsideSessions"`
	ExportedSpans         int64                `json:"exportedSpans"`
	ExportedTraces        int64                `json:"exportedTraces"`
	Releases              []replay.ReleaseJSON `json:"releases"`
	Minutes               []replay.MinuteJSON  `json:"minutes"`
}

// asReplay presents the result as a replay result, whose reports the demo reuses.
func (r *Result) asReplay() *replay.Result {
	return &replay.Result{Report: derive.Report{
		Summary: r.Summary, Spans: r.Spans, Traces: r.Traces, OutsideErrors: r.OutsideErrors,
	}}
}

// JSON builds the JSON report of r.
func (r *Result) JSON() ReportJSON {
	rep := r.asReplay().JSON()
	return ReportJSON{
		Spans: rep.Spans, Traces: rep.Traces, Figures: rep.Figures, ErrorsOutsideSessions: rep.ErrorsOutsideSessions,
		ExportedSpans: r.ExportedSpans, ExportedTraces: r.ExportedTraces, Releases: rep.Releases,
		Minutes: rep.Minutes,
	}
}

// WriteJSON writes the JSON report of r, indented, to w.
func (r *Result) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r.JSON())
}

// WriteTable writes r as replay's table, then what the span exporter received.
func (r *Result) WriteTable(w io.Writer) error {
	if err := r.asReplay().WriteTable(w); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "the span exporter got %s of %s; the load got %s and %s closed by a panic\n",
		count(r.ExportedSpans, "span", "spans"), count(r.ExportedTraces, "trace", "traces"),
		count(r.Load.Answered, "answer", "answers"), count(r.Load.Crashed, "connection", "connections"))
	return err
}

// count writes n with the noun that goes with it: "1 span", "0 spans", "2 spans".
func count[N int | int64](n N, one, many string) string {
	if n == 1 || n == -1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
