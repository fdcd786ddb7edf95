package replay

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
)

// WriteTable writes r as a table: one row per service and release with its figures, then one indented row
// per minute, and a total.
func (r *Result) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	row := func(cells ...string) {
		_, _ = io.WriteString(tw, strings.Join(cells, "\t")+"\n")
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
	_, err := fmt.Fprintf(w, "\n%s, %s; in sessions %s and %s; %s outside sessions\n",
		count(rep.Spans, "span", "spans"), count(rep.Traces, "trace", "traces"),
		count(rep.HandledEvents, "handled error event", "handled error events"),
		count(rep.UnhandledEvents, "unhandled error event", "unhandled error events"),
		count(rep.ErrorsOutsideSessions, "error event", "error events"))
	if err != nil {
		return err
	}
	var skipped int64
	for _, f := range rep.Files {
		skipped += int64(f.SkippedLines)
	}
	if dropped := dropNote(rep, skipped); dropped != "" {
		_, err = fmt.Fprintf(w, "not counted: %s\n", dropped)
	}
	return err
}

// dropNote lists what the engine read but did not count, or returns "".
func dropNote(rep ReportJSON, skipped int64) string {
	var parts []string
	for _, p := range []struct {
		n         int64
		one, many string
	}{
		{rep.DuplicateSpans, "duplicate span", "duplicate spans"},
		{rep.MalformedSpans, "malformed span", "malformed spans"},
		{rep.OversizedSpans, "span beyond the per-trace cap", "spans beyond the per-trace cap"},
		{rep.MalformedAttributes, "malformed override attribute", "malformed override attributes"},
		{skipped, "line of other signals", "lines of other signals"},
	} {
		if p.n > 0 {
			parts = append(parts, count(p.n, p.one, p.many))
		}
	}
	return strings.Join(parts, ", ")
}

// count writes n with the noun's singular or plural form.
func count(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.FormatInt(n, 10) + " " + many
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
