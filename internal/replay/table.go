package replay

import (
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
)

// WriteTable writes r as a table: one row per service and release with its figures, then one indented row
// per minute, and a total.
func (r *Result) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	row := func(cells ...string) {
		for _, c := range cells {
			_, _ = io.WriteString(tw, c+"\t")
		}
		_, _ = io.WriteString(tw, "\n")
	}
	row("SERVICE", "VERSION", "STAGE", "MINUTE", "STARTED", "UNHANDLED", "HANDLED", "STABILITY")
	rep := r.JSON()
	for _, rel := range rep.Releases {
		row(append([]string{dash(rel.Service), dash(rel.Version), dash(rel.ReleaseStage), "all"},
			counts(rel.Figures)...)...)
		for _, m := range rel.Minutes {
			row(append([]string{"", "", "", m.StartedAt}, counts(m.Figures)...)...)
		}
	}
	row(append([]string{"TOTAL", "", "", ""}, counts(rep.Figures)...)...)
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "\n%d spans, %d traces, %d handled and %d unhandled error events in sessions, "+
		"%d error events outside sessions\n", rep.Spans, rep.Traces, rep.HandledEvents, rep.UnhandledEvents,
		rep.ErrorsOutsideSessions)
	return err
}

func counts(f Figures) []string {
	return []string{
		strconv.FormatInt(f.SessionsStarted, 10), strconv.FormatInt(f.SessionsUnhandled, 10),
		strconv.FormatInt(f.SessionsHandled, 10), stability(f.Stability),
	}
}

func stability(s *float64) string {
	if s == nil {
		return "-"
	}
	return strconv.FormatFloat(*s*100, 'f', 2, 64) + "%"
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
