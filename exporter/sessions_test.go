package exporter

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelsessions/otelsessions/session"
)

var (
	webApp    = session.App{Version: "1.4.2", ReleaseStage: "production", Type: "http"}
	webDevice = session.Device{Hostname: "web-1", OSName: "linux", RuntimeVersions: map[string]string{"go": "go1.26.8"}}
)

func TestSessionsPayloadCarriesEveryHeaderAndField(t *testing.T) {
	f := newFakeBugsnag(t, nil)
	x := testExporter(t, f)
	ist := time.FixedZone("IST", 5*3600+1800)
	for i, at := range []time.Time{
		t0, t0.Add(50 * time.Second), t0.In(ist), // 15:04 UTC, whatever the zone
		t0.Add(time.Minute), t0.Add(time.Minute + 30*time.Second),
		t0.Add(2 * time.Minute),
	} {
		x.SessionStarted(newSession(fmt.Sprint("svc", i%2), webApp, webDevice, at))
	}
	require.NoError(t, x.ForceFlush(t.Context()))

	reqs := f.requests("/sessions")
	require.Len(t, reqs, 1, "one payload for the one app/device group, several minutes in it")
	assertHeaders(t, reqs[0], "1.0")
	assert.JSONEq(t, `{
		"notifier": {"name": "otelsessions", "version": "devel", "url": "https://github.com/otelsessions/otelsessions"},
		"app": {"version": "1.4.2", "releaseStage": "production", "type": "http"},
		"device": {"hostname": "web-1", "osName": "linux", "runtimeVersions": {"go": "go1.26.8"}},
		"sessionCounts": [
			{"startedAt": "2026-12-03T15:04:00Z", "sessionsStarted": 3},
			{"startedAt": "2026-12-03T15:05:00Z", "sessionsStarted": 2},
			{"startedAt": "2026-12-03T15:06:00Z", "sessionsStarted": 1}
		]}`, string(reqs[0].Body))
	assert.Empty(t, f.requests("/notify"), "no error event, no Notify request")

	st := x.Stats()
	assert.Equal(t, int64(6), st.SessionsCounted)
	assert.Equal(t, int64(6), st.SessionsSent)
}

func TestEmptyFlushSendsNothing(t *testing.T) {
	f := newFakeBugsnag(t, nil)
	x := testExporter(t, f)
	require.NoError(t, x.ForceFlush(t.Context()))
	x.SessionStarted(newSession("a", webApp, webDevice, t0))
	require.NoError(t, x.ForceFlush(t.Context()))
	require.NoError(t, x.ForceFlush(t.Context()))
	assert.Len(t, f.requests(""), 1, "only the flush that had a session sends")
}

// TestSessionsStartedSumToSessionsCountedConcurrentSafe starts sessions from many goroutines in several
// app/device groups and minutes while others flush, and checks that what the Sessions API accepted adds up
// to what was counted, group by group and minute by minute: nothing lost, nothing doubled.
func TestSessionsStartedSumToSessionsCountedConcurrentSafe(t *testing.T) {
	f := newFakeBugsnag(t, nil)
	x := testExporter(t, f, WithQueueSize(10_000))
	groups := []struct {
		app session.App
		dev session.Device
	}{
		{webApp, webDevice},
		{webApp, session.Device{Hostname: "web-1", OSName: "linux", RuntimeVersions: map[string]string{"go": "1.25"}}},
		{session.App{ReleaseStage: "staging"}, session.Device{Hostname: "web-2"}},
	}
	const workers, perWorker = 8, 250
	var (
		mu   sync.Mutex
		want = map[string]int64{} // group JSON + minute -> sessions
		wg   sync.WaitGroup
	)
	for w := range workers {
		wg.Go(func() {
			for i := range perWorker {
				g := groups[(w+i)%len(groups)]
				at := t0.Add(time.Duration(i%5) * time.Minute)
				s := newSession(fmt.Sprint("svc", i%2), g.app, g.dev, at)
				x.SessionStarted(s)
				if i%7 == 0 {
					x.ErrorEvent(session.Event{Session: s, Counts: s.AddEvent(true), Unhandled: true, Class: "E"})
				}
				mu.Lock()
				want[groupID(t, newAppJSON(g.app), newDeviceJSON(g.dev))+" "+formatMinute(at)]++
				mu.Unlock()
			}
		})
	}
	wg.Go(func() {
		for range 20 {
			assert.NoError(t, x.ForceFlush(t.Context()))
		}
	})
	wg.Wait()
	require.NoError(t, x.Shutdown(t.Context()))

	got := map[string]int64{}
	var total int64
	for _, r := range f.accepted("/sessions") {
		assertHeaders(t, r, "1.0")
		b := decodeSessions(t, r)
		seen := map[string]bool{}
		for _, c := range b.SessionCounts {
			assert.False(t, seen[c.StartedAt], "a minute appears once per payload")
			seen[c.StartedAt] = true
			assert.Positive(t, c.SessionsStarted)
			got[groupID(t, b.App, b.Device)+" "+c.StartedAt] += c.SessionsStarted
			total += c.SessionsStarted
		}
	}
	assert.Equal(t, int64(workers*perWorker), total)
	assert.Equal(t, want, got)
	st := x.Stats()
	assert.Equal(t, Stats{
		SessionsCounted: workers * perWorker, SessionsSent: workers * perWorker,
		EventsCounted: st.EventsCounted, EventsSent: st.EventsCounted,
	}, st)
}

// groupID renders an app and a device (wire structs or decoded maps) as one comparable string.
func groupID(t *testing.T, app, dev any) string {
	t.Helper()
	var a, d map[string]any
	for _, c := range []struct {
		in  any
		out *map[string]any
	}{{app, &a}, {dev, &d}} {
		raw, err := json.Marshal(c.in)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(raw, c.out))
	}
	raw, err := json.Marshal([]any{a, d}) // maps encode with sorted keys
	require.NoError(t, err)
	return string(raw)
}
