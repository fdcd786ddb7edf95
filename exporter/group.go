package exporter

import (
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/otelsessions/otelsessions/internal/tally"
	"github.com/otelsessions/otelsessions/session"
)

// group is one distinct app and device (runtime versions included): the unit of one Sessions API payload.
// Its tally counts per release (so per service) and minute.
type group struct {
	key    string
	app    session.App
	device session.Device
	tally  tally.Sink
}

// taken is what a flush takes from one group: the figures counted since the previous flush.
type taken struct {
	g       *group
	summary *session.Summary
}

// groups holds the tallies of every group that counted something since the previous flush. The read lock
// is held while a tally counts, so that a flush (write lock) never forgets a group that is being counted in.
// Once closed (by the final flush of Shutdown), nothing more is counted.
type groups struct {
	mu      sync.RWMutex
	m       map[string]*group
	closed  bool
	outside atomic.Int64 // error events outside any session
}

func groupKey(a session.App, d session.Device) string {
	var b strings.Builder
	for _, s := range []string{a.Version, a.ReleaseStage, a.Type, d.Hostname, d.OSName} {
		b.WriteString(s)
		b.WriteByte(0)
	}
	for _, k := range slices.Sorted(maps.Keys(d.RuntimeVersions)) {
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(d.RuntimeVersions[k])
		b.WriteByte(0)
	}
	return b.String()
}

// count calls fn with the tally of the group of s, creating the group if needed; it reports false, and
// counts nothing, once the groups are closed.
func (gs *groups) count(s *session.Session, fn func(*tally.Sink)) bool {
	key := groupKey(s.App, s.Device)
	gs.mu.RLock()
	g, ok := gs.m[key]
	closed := gs.closed
	if ok && !closed {
		fn(&g.tally)
	}
	gs.mu.RUnlock()
	if ok || closed {
		return !closed
	}
	gs.mu.Lock()
	defer gs.mu.Unlock()
	if gs.closed {
		return false
	}
	g, ok = gs.m[key]
	if !ok {
		if gs.m == nil {
			gs.m = make(map[string]*group)
		}
		d := s.Device
		d.RuntimeVersions = maps.Clone(d.RuntimeVersions)
		g = &group{key: key, app: s.App, device: d}
		gs.m[key] = g
	}
	fn(&g.tally)
	return true
}

// countOutside counts an error event outside any session; it reports false once the groups are closed.
func (gs *groups) countOutside() bool {
	gs.mu.RLock()
	defer gs.mu.RUnlock()
	if gs.closed {
		return false
	}
	gs.outside.Add(1)
	return true
}

// take returns what every group counted since the previous take, ordered by group key, with the error
// events outside sessions, and forgets the groups that counted nothing, so that the map holds only groups
// still in use. With final set, the groups close.
func (gs *groups) take(final bool) (takes []taken, outside int64) {
	gs.mu.Lock()
	defer gs.mu.Unlock()
	gs.closed = gs.closed || final
	out := make([]taken, 0, len(gs.m))
	for key, g := range gs.m {
		sum, _ := g.tally.Take()
		if sum.Len() == 0 {
			delete(gs.m, key)
			continue
		}
		out = append(out, taken{g: g, summary: sum})
	}
	slices.SortFunc(out, func(a, b taken) int { return strings.Compare(a.g.key, b.g.key) })
	return out, gs.outside.Swap(0)
}

// startedPerMinute sums the sessions started per minute over the group's releases, in minute order.
func (t taken) startedPerMinute() (counts []sessionCountJSON, total int64) {
	perMinute := map[string]int64{}
	for _, b := range t.summary.Buckets() {
		if b.Counts.Started > 0 {
			perMinute[formatMinute(b.Minute)] += b.Counts.Started
			total += b.Counts.Started
		}
	}
	for _, m := range slices.Sorted(maps.Keys(perMinute)) {
		counts = append(counts, sessionCountJSON{StartedAt: m, SessionsStarted: perMinute[m]})
	}
	return counts, total
}
