package exporter

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"time"

	"github.com/otelsessions/otelsessions/session"
)

// maxSummaryBuckets is how many group-minutes the JSON summaries keep figures for; beyond it the oldest
// minutes are forgotten.
const maxSummaryBuckets = 10_000

type summaryMinuteJSON struct {
	StartedAt string `json:"startedAt"`
	session.Figures
}

// summaryGroupJSON is one service of one app/device group, with the minutes that changed in this flush.
type summaryGroupJSON struct {
	Service         string              `json:"service"`
	Version         string              `json:"version"`
	ReleaseStage    string              `json:"releaseStage"`
	AppType         string              `json:"appType,omitempty"`
	Hostname        string              `json:"hostname,omitempty"`
	OSName          string              `json:"osName,omitempty"`
	RuntimeVersions map[string]string   `json:"runtimeVersions,omitempty"`
	Minutes         []summaryMinuteJSON `json:"minutes"`
}

// summaryJSON is the object written per flush.
type summaryJSON struct {
	FlushedAt             string             `json:"flushedAt"`
	ErrorsOutsideSessions int64              `json:"errorsOutsideSessions"`
	Groups                []summaryGroupJSON `json:"groups"`
}

type summaryKey struct {
	group   string
	service string
	minute  int64 // Unix seconds of the UTC minute
}

type groupInfo struct {
	app    session.App
	device session.Device
}

// summaries keeps the figures of every group, service and minute seen (up to maxSummaryBuckets), so that
// each JSON object carries whole figures, and a stability, for the minutes it lists, not just what changed.
type summaries struct {
	w      io.Writer
	max    int
	counts map[summaryKey]*session.Counts
	groups map[string]groupInfo
}

func newSummaries(w io.Writer) *summaries {
	return &summaries{
		w: w, max: maxSummaryBuckets, counts: map[summaryKey]*session.Counts{},
		groups: map[string]groupInfo{},
	}
}

// write adds what was taken to the figures kept and writes one object listing every group-minute that
// changed, with its figures so far; nothing is written when nothing changed.
func (sm *summaries) write(now time.Time, takes []taken, outside int64) error {
	touched := map[summaryKey]struct{}{}
	for _, t := range takes {
		sm.groups[t.g.key] = groupInfo{app: t.g.app, device: t.g.device}
		for _, b := range t.summary.Buckets() {
			k := summaryKey{group: t.g.key, service: b.Release.Service, minute: b.Minute.Unix()}
			c, ok := sm.counts[k]
			if !ok {
				c = &session.Counts{}
				sm.counts[k] = c
			}
			c.Add(b.Counts)
			touched[k] = struct{}{}
		}
	}
	if len(touched) == 0 && outside == 0 {
		return nil
	}
	obj := summaryJSON{FlushedAt: formatTime(now), ErrorsOutsideSessions: outside, Groups: sm.groupsJSON(touched)}
	sm.evict()
	if err := json.NewEncoder(sm.w).Encode(obj); err != nil {
		return fmt.Errorf("exporter: write JSON summary: %w", err)
	}
	return nil
}

func (sm *summaries) groupsJSON(touched map[summaryKey]struct{}) []summaryGroupJSON {
	keys := slices.SortedFunc(maps.Keys(touched), func(a, b summaryKey) int {
		return cmp.Or(cmp.Compare(a.service, b.service), cmp.Compare(a.group, b.group), cmp.Compare(a.minute, b.minute))
	})
	out := []summaryGroupJSON{}
	for i, k := range keys {
		if i == 0 || k.group != keys[i-1].group || k.service != keys[i-1].service {
			info := sm.groups[k.group]
			out = append(out, summaryGroupJSON{
				Service: k.service, Version: info.app.Version, ReleaseStage: info.app.ReleaseStage,
				AppType: info.app.Type, Hostname: info.device.Hostname, OSName: info.device.OSName,
				RuntimeVersions: info.device.RuntimeVersions, Minutes: []summaryMinuteJSON{},
			})
		}
		g := &out[len(out)-1]
		g.Minutes = append(g.Minutes, summaryMinuteJSON{
			StartedAt: time.Unix(k.minute, 0).UTC().Format(minuteLayout), Figures: sm.counts[k].Figures(),
		})
	}
	return out
}

// evict forgets the oldest minutes beyond the cap, and the groups no minute refers to any more.
func (sm *summaries) evict() {
	if len(sm.counts) <= sm.max {
		return
	}
	// TODO(#4): a late error for a forgotten minute starts that minute's figures afresh; a cap by age
	// would make the loss easier to explain than a cap by count.
	byMinute := func(a, b summaryKey) int { return cmp.Compare(a.minute, b.minute) }
	keys := slices.SortedFunc(maps.Keys(sm.counts), byMinute)
	for _, k := range keys[:len(keys)-sm.max] {
		delete(sm.counts, k)
	}
	used := map[string]bool{}
	for k := range sm.counts {
		used[k.group] = true
	}
	maps.DeleteFunc(sm.groups, func(g string, _ groupInfo) bool { return !used[g] })
}
