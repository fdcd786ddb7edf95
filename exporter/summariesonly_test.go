package exporter

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelsessions/otelsessions/session"
)

// TestSummariesOnlyWithoutAnAPIKey covers JSON summaries as a destination of their own: with no key and a
// summary writer the exporter counts and writes, and sends nothing to Bugsnag (it has no endpoint to use).
func TestSummariesOnlyWithoutAnAPIKey(t *testing.T) {
	var out lockedBuffer
	x, err := New("", WithSummaryWriter(&out))
	require.NoError(t, err)
	s := newSession("shop", webApp, webDevice, t0)
	x.SessionStarted(s)
	x.ErrorEvent(session.Event{Session: s, Counts: s.AddEvent(true), Unhandled: true, App: webApp})
	require.NoError(t, x.Shutdown(t.Context()))

	objs := readSummaries(t, out.String())
	require.Len(t, objs, 1)
	require.Len(t, objs[0].Groups, 1)
	assertMinutes(t, []summaryMinuteJSON{minute("2026-12-03T15:04:00Z", 1, 0, 1, 0, 1)}, []float64{0},
		objs[0].Groups[0].Minutes)
	st := x.Stats()
	assert.Equal(t, int64(1), st.SessionsSkipped)
	assert.Equal(t, int64(1), st.EventsSkipped)
	assert.Zero(t, st.SessionsSent+st.EventsSent+st.SessionsDropped+st.EventsDropped)

	_, err = New("")
	require.ErrorIs(t, err, ErrInvalidAPIKey, "without a summary writer the key is still required")
}
