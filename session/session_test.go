package session

import (
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestCountsClassifySessions(t *testing.T) {
	var c Counts
	c.AddSession(EventCounts{})
	c.AddSession(EventCounts{Handled: 2})
	c.AddSession(EventCounts{Handled: 1, Unhandled: 3})
	c.AddSession(EventCounts{Unhandled: 1})
	assert.Equal(t, Counts{Started: 4, Handled: 1, Unhandled: 2, HandledEvents: 3, UnhandledEvents: 4}, c)
	s, ok := c.Stability()
	require.True(t, ok)
	assert.InDelta(t, 0.5, s, 1e-12)
}

func TestStabilityWithoutSessionsIsUndefined(t *testing.T) {
	_, ok := Counts{}.Stability()
	assert.False(t, ok)
}

func TestMinuteIsTheUTCMinute(t *testing.T) {
	tz := time.FixedZone("UTC+5:30", 5*3600+1800)
	in := time.Date(2026, 12, 3, 20, 34, 59, 999_999_999, tz)
	assert.Equal(t, "2026-12-03T15:04:00Z", Minute(in).Format(time.RFC3339))
}

func TestSummaryBucketsPerReleaseAndMinute(t *testing.T) {
	at := time.Date(2026, 12, 3, 15, 4, 5, 0, time.UTC)
	a := Release{Service: "a", Version: "1"}
	b := Release{Service: "b", Version: "2", ReleaseStage: "staging"}
	var s Summary
	s.AddSession(b, at, EventCounts{})
	s.AddSession(a, at.Add(time.Minute), EventCounts{Unhandled: 1})
	s.AddSession(a, at, EventCounts{Handled: 1})
	s.AddSession(a, at.Add(50*time.Second), EventCounts{})
	got := s.Buckets()
	require.Len(t, got, 3)
	assert.Equal(t, Bucket{Release: a, Minute: Minute(at), Counts: Counts{Started: 2, Handled: 1, HandledEvents: 1}},
		got[0])
	assert.Equal(t, a, got[1].Release)
	assert.Equal(t, Minute(at.Add(time.Minute)), got[1].Minute)
	assert.Equal(t, b, got[2].Release)
	assert.Equal(t, Counts{Started: 4, Unhandled: 1, Handled: 1, HandledEvents: 1, UnhandledEvents: 1}, s.Total())

	var m Summary
	m.Merge(&s)
	m.Merge(&s)
	assert.Equal(t, int64(8), m.Total().Started)
	assert.Equal(t, 3, m.Len())
}

func TestSessionIsSafeForConcurrentUse(t *testing.T) {
	s := New(uuid.New(), time.Now())
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() {
			s.AddEvent(i%5 == 0)
			s.SetUser("u", "u@example.com", "U")
			_ = s.User()
		})
	}
	wg.Wait()
	assert.Equal(t, EventCounts{Handled: 40, Unhandled: 10}, s.Events())
	assert.Equal(t, User{ID: "u", Email: "u@example.com", Name: "U"}, s.User())
	assert.Equal(t, EventCounts{Handled: 41, Unhandled: 10}, s.AddEvent(false), "the counts include this event")
}
