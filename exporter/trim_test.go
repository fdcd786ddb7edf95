package exporter

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelsessions/otelsessions/session"
)

// notifyEvents decodes the events of one Notify request.
func notifyEvents(t *testing.T, r request) []eventJSON {
	t.Helper()
	var body struct {
		Events []eventJSON `json:"events"`
	}
	require.NoError(t, json.Unmarshal(r.Body, &body))
	return body.Events
}

func TestOversizedEventIsTrimmedUnderThePayloadLimit(t *testing.T) {
	f := newFakeBugsnag(t, nil)
	x := testExporter(t, f)
	message := strings.Repeat("é", 1<<20) // 2 MB
	var trace strings.Builder
	for i := range 1000 {
		fmt.Fprintf(&trace, "main.f%d()\n\t/app/main.go:%d +0x1d\n", i, i+1)
	}
	s := newSession("shop", webApp, webDevice, t0)
	x.SessionStarted(s)
	x.ErrorEvent(session.Event{
		Session: s, Counts: s.AddEvent(false), Class: "E", Message: message, Stacktrace: trace.String(),
		App: webApp, Attributes: map[string]string{"url.full": "https://x.example/" + strings.Repeat("a", 50<<10)},
	})
	require.NoError(t, x.ForceFlush(t.Context()))

	reqs := f.accepted("/notify")
	require.Len(t, reqs, 1)
	assert.Less(t, len(reqs[0].Body), 1<<20)
	ev := notifyEvents(t, reqs[0])[0]
	got := ev.Exceptions[0].Message
	assert.True(t, utf8.ValidString(got), "cut on a character boundary")
	assert.LessOrEqual(t, len(got), maxStringBytes)
	assert.True(t, strings.HasPrefix(message, got[:strings.LastIndex(got, " …")]))
	assert.Regexp(t, ` …\[truncated \d+ bytes\]$`, got, "marked as truncated")
	assert.Len(t, ev.Exceptions[0].Stacktrace, maxFrames)
	assert.Equal(t, "main.f0", ev.Exceptions[0].Stacktrace[0].Method, "the innermost frames are kept")
	assert.LessOrEqual(t, len(ev.Request.URL), maxStringBytes)
	assert.LessOrEqual(t, len(ev.MetaData["otel"]["url.full"]), maxStringBytes)
	assert.Equal(t, Stats{SessionsCounted: 1, SessionsSent: 1, EventsCounted: 1, EventsSent: 1}, x.Stats())
}

func TestEventWithHundredsOfLongAttributesStaysUnderTheLimit(t *testing.T) {
	attrs := map[string]string{"http.request.method": "GET"}
	for i := range 600 { // past the limit even at 1 KiB per value: in headers and in metaData
		attrs[fmt.Sprint("http.request.header.x-", i)] = strings.Repeat("v", 20<<10)
	}
	runtimes := map[string]string{"go": "go1.26.8"}
	raw, err := encodeEvent(pendingEvent{ev: session.Event{
		Class: "E", Message: "boom", Stacktrace: goTrace, Attributes: attrs,
		Device: session.Device{RuntimeVersions: runtimes},
	}})
	require.NoError(t, err)
	assert.LessOrEqual(t, len(raw), maxEventBytes)
	var ev eventJSON
	require.NoError(t, json.Unmarshal(raw, &ev))
	assert.Equal(t, "boom", ev.Exceptions[0].Message)
	assert.Equal(t, "GET", ev.Request.HTTPMethod)
	assert.Contains(t, ev.MetaData[truncatedNote]["truncated"], "payload limit")
	assert.Equal(t, map[string]string{"go": "go1.26.8"}, runtimes, "the session's maps are never changed")

	bodies, counts, skipped := notifyBodies(testKey, []pendingEvent{{ev: session.Event{Attributes: attrs}}}, 10)
	require.Len(t, bodies, 1)
	assert.Equal(t, []int{1}, counts)
	assert.Zero(t, skipped)
	assert.Less(t, len(bodies[0]), 1<<20)
}

func TestTruncate(t *testing.T) {
	assert.Equal(t, "short", truncate("short", 10))
	long := strings.Repeat("ü", 100) // 200 bytes
	got := truncate(long, 101)
	assert.LessOrEqual(t, len(got), 101)
	assert.True(t, utf8.ValidString(got))
	assert.True(t, strings.HasSuffix(got, " bytes]"))
	assert.Empty(t, truncate(long, 3), "no room for the marker")
}
