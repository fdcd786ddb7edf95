package exporter

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelsessions/otelsessions/session"
)

// readSummaries decodes the JSON summaries written so far, one object per line, rejecting unknown fields.
func readSummaries(t *testing.T, out string) []summaryJSON {
	t.Helper()
	var objs []summaryJSON
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var obj summaryJSON
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		require.NoError(t, dec.Decode(&obj))
		assert.Regexp(t, `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`, obj.FlushedAt)
		objs = append(objs, obj)
	}
	return objs
}

// minute builds the expected figures of one minute; stability is checked apart, within a rounding error.
func minute(at string, started, handled, unhandled, handledEvents, unhandledEvents int64) summaryMinuteJSON {
	return summaryMinuteJSON{StartedAt: at, Figures: session.Figures{
		SessionsStarted: started, SessionsHandled: handled, SessionsUnhandled: unhandled,
		HandledEvents: handledEvents, UnhandledEvents: unhandledEvents,
	}}
}

func assertMinutes(t *testing.T, want []summaryMinuteJSON, stability []float64, got []summaryMinuteJSON) {
	t.Helper()
	require.Len(t, got, len(want))
	for i := range got {
		require.NotNil(t, got[i].Stability)
		assert.InDelta(t, stability[i], *got[i].Stability, 1e-12)
		got[i].Stability = nil
	}
	assert.Equal(t, want, got)
}

func TestJSONSummaryPerFlushWithWholeFiguresPerGroupAndMinute(t *testing.T) {
	f := newFakeBugsnag(t, nil)
	var out lockedBuffer
	x := testExporter(t, f, WithSummaryWriter(&out))
	handled := newSession("shop", webApp, webDevice, t0)
	crashed := newSession("shop", webApp, webDevice, t0.Add(time.Second))
	for _, s := range []*session.Session{handled, crashed, newSession("shop", webApp, webDevice, t0)} {
		x.SessionStarted(s)
	}
	x.SessionStarted(newSession("shop", webApp, webDevice, t0.Add(time.Minute)))
	x.ErrorEvent(session.Event{Session: handled, Counts: handled.AddEvent(false), App: webApp})
	x.ErrorEvent(unhandledEvent(crashed))
	x.ErrorEvent(session.Event{Class: "outside"})
	require.NoError(t, x.ForceFlush(t.Context()))

	// A late unhandled error moves the handled session to unhandled; only its minute is written again.
	x.ErrorEvent(unhandledEvent(handled))
	require.NoError(t, x.ForceFlush(t.Context()))
	require.NoError(t, x.ForceFlush(t.Context()), "a flush with nothing counted writes nothing")

	objs := readSummaries(t, out.String())
	require.Len(t, objs, 2)
	assert.Equal(t, int64(1), objs[0].ErrorsOutsideSessions)
	require.Len(t, objs[0].Groups, 1)
	g := objs[0].Groups[0]
	assertMinutes(t, []summaryMinuteJSON{
		minute("2026-12-03T15:04:00Z", 3, 1, 1, 1, 1),
		minute("2026-12-03T15:05:00Z", 1, 0, 0, 0, 0),
	}, []float64{2.0 / 3, 1}, g.Minutes)
	g.Minutes = nil
	assert.Equal(t, summaryGroupJSON{
		Service: "shop", Version: "1.4.2", ReleaseStage: "production", AppType: "http", Hostname: "web-1",
		OSName: "linux", RuntimeVersions: map[string]string{"go": "go1.26.8"},
	}, g)

	assert.Equal(t, int64(0), objs[1].ErrorsOutsideSessions)
	require.Len(t, objs[1].Groups, 1)
	assertMinutes(t, []summaryMinuteJSON{minute("2026-12-03T15:04:00Z", 3, 0, 2, 1, 2)}, []float64{1.0 / 3},
		objs[1].Groups[0].Minutes)
}

func TestJSONSummaryFieldNames(t *testing.T) {
	var buf bytes.Buffer
	sm := newSummaries(&buf)
	g := &group{key: "k", app: session.App{Version: "1"}}
	var sum session.Summary
	sum.AddCounts(session.Release{Service: "api", Version: "1"}, t0, session.Counts{Started: 2, Unhandled: 1})
	require.NoError(t, sm.write(t0, []taken{{g: g, summary: &sum}}, 0))
	assert.JSONEq(t, `{"flushedAt": "2026-12-03T15:04:05.000Z", "errorsOutsideSessions": 0, "groups": [{
		"service": "api", "version": "1", "releaseStage": "", "minutes": [{"startedAt": "2026-12-03T15:04:00Z",
		"sessionsStarted": 2, "sessionsHandled": 0, "sessionsUnhandled": 1, "handledEvents": 0,
		"unhandledEvents": 0, "stability": 0.5}]}]}`, buf.String())
}

func TestJSONSummaryForgetsTheOldestMinutesBeyondItsCap(t *testing.T) {
	sm := newSummaries(&bytes.Buffer{})
	sm.max = 2
	g := &group{key: "k"}
	var sum session.Summary
	for i := range 3 {
		sum.AddCounts(session.Release{Service: "api"}, t0.Add(time.Duration(i)*time.Minute), session.Counts{Started: 1})
	}
	require.NoError(t, sm.write(t0, []taken{{g: g, summary: &sum}}, 0))
	assert.Len(t, sm.counts, 2)
	assert.NotContains(t, sm.counts, summaryKey{group: "k", service: "api", minute: session.Minute(t0).Unix()})
	assert.Contains(t, sm.groups, "k")
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestJSONSummaryWriteErrorIsLogged(t *testing.T) {
	f := newFakeBugsnag(t, nil)
	log, logs := observed()
	x := testExporter(t, f, WithSummaryWriter(failingWriter{}), WithLogger(log))
	startSessions(x, 1)
	require.NoError(t, x.ForceFlush(t.Context()))
	entries := logs.FilterMessage("cannot write the JSON summary").All()
	require.Len(t, entries, 1)
	assert.Equal(t, "exporter: write JSON summary: disk full", entries[0].ContextMap()["error"])
	assert.Len(t, f.accepted("/sessions"), 1, "delivery does not depend on the summary")
}
