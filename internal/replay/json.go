package replay

import (
	"encoding/json"
	"io"
	"time"

	"github.com/otelsessions/otelsessions/session"
)

// minuteLayout writes a session minute as 2026-12-03T15:04:00Z.
const minuteLayout = "2006-01-02T15:04:05Z"

// Figures are the numbers of a set of sessions as the JSON report names them.
type Figures = session.Figures

// MinuteJSON is the figures of one UTC minute.
type MinuteJSON struct {
	StartedAt string `json:"startedAt"`
	Figures
}

// ReleaseJSON is the figures of one service at one version and release stage.
type ReleaseJSON struct {
	Service      string `json:"service"`
	Version      string `json:"version"`
	ReleaseStage string `json:"releaseStage"`
	Figures
	Minutes []MinuteJSON `json:"minutes"`
}

// FileJSON is what replay made of one file.
type FileJSON struct {
	FileResult
	Error string `json:"error,omitempty"`
}

// ReportJSON is the JSON report of a replay over all its files.
type ReportJSON struct {
	Spans  int64 `json:"spans"`
	Traces int64 `json:"traces"`
	Figures
	ErrorsOutsideSessions int64         `json:"errorsOutsideSessions"`
	DuplicateSpans        int64         `json:"duplicateSpans"`
	MalformedSpans        int64         `json:"malformedSpans"`
	MalformedAttributes   int64         `json:"malformedAttributes"`
	OversizedSpans        int64         `json:"oversizedSpans"`
	Releases              []ReleaseJSON `json:"releases"`
	Minutes               []MinuteJSON  `json:"minutes"`
	Files                 []FileJSON    `json:"files"`
}

// JSON builds the JSON report of r.
func (r *Result) JSON() ReportJSON {
	rep := &r.Report
	out := ReportJSON{
		Spans: rep.Spans, Traces: rep.Traces, Figures: rep.Summary.Total().Figures(),
		ErrorsOutsideSessions: rep.OutsideErrors, DuplicateSpans: r.Stats.DuplicateSpans,
		MalformedSpans: r.Stats.MalformedSpans, MalformedAttributes: r.Stats.MalformedAttributes,
		OversizedSpans: r.Stats.OversizedSpans,
		Releases:       []ReleaseJSON{}, Minutes: []MinuteJSON{}, Files: make([]FileJSON, 0, len(r.Files)),
	}
	var byMinute session.Summary
	var totals []session.Counts
	for _, b := range rep.Summary.Buckets() {
		n := len(out.Releases)
		if n == 0 || out.Releases[n-1].release() != b.Release {
			out.Releases = append(out.Releases, ReleaseJSON{
				Service: b.Release.Service, Version: b.Release.Version, ReleaseStage: b.Release.ReleaseStage,
				Minutes: []MinuteJSON{},
			})
			totals = append(totals, session.Counts{})
			n++
		}
		out.Releases[n-1].Minutes = append(out.Releases[n-1].Minutes, minuteJSON(b.Minute, b.Counts))
		totals[n-1].Add(b.Counts)
		byMinute.AddCounts(session.Release{}, b.Minute, b.Counts)
	}
	for i, c := range totals {
		out.Releases[i].Figures = c.Figures()
	}
	for _, b := range byMinute.Buckets() {
		out.Minutes = append(out.Minutes, minuteJSON(b.Minute, b.Counts))
	}
	for _, f := range r.Files {
		fj := FileJSON{FileResult: f}
		if f.Err != nil {
			fj.Error = f.Err.Error()
		}
		out.Files = append(out.Files, fj)
	}
	return out
}

func (r ReleaseJSON) release() session.Release {
	return session.Release{Service: r.Service, Version: r.Version, ReleaseStage: r.ReleaseStage}
}

func minuteJSON(t time.Time, c session.Counts) MinuteJSON {
	return MinuteJSON{StartedAt: t.UTC().Format(minuteLayout), Figures: c.Figures()}
}

// WriteJSON writes the JSON report of r, indented, to w.
func (r *Result) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r.JSON())
}
