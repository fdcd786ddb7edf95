package tally

import (
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"go.uber.org/goleak"

	"github.com/otelsessions/otelsessions/session"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func newSession(at time.Time) *session.Session {
	s := session.New(uuid.New(), at)
	s.Service, s.App.Version = "api", "1.0"
	return s
}

func record(t *Sink, s *session.Session, unhandled bool) {
	t.ErrorEvent(session.Event{Session: s, Counts: s.AddEvent(unhandled), Unhandled: unhandled})
}

func TestSessionsMoveFromHandledToUnhandled(t *testing.T) {
	at := time.Date(2026, 12, 3, 15, 4, 5, 0, time.UTC)
	var sink Sink
	a, b, c := newSession(at), newSession(at), newSession(at)
	for _, s := range []*session.Session{a, b, c} {
		sink.SessionStarted(s)
	}
	record(&sink, a, false)
	record(&sink, a, false)
	record(&sink, b, false)
	record(&sink, b, true)
	record(&sink, b, true)
	sink.ErrorEvent(session.Event{Unhandled: true})
	sum, outside := sink.Take()
	assert.Equal(t, session.Counts{Started: 3, Handled: 1, Unhandled: 1, HandledEvents: 3, UnhandledEvents: 2},
		sum.Total(), "a handled only; b crashed after a handled event; c clean")
	assert.Equal(t, int64(1), outside)

	record(&sink, a, true)
	sum, outside = sink.Take()
	assert.Equal(t, session.Counts{Unhandled: 1, Handled: -1, UnhandledEvents: 1}, sum.Total(),
		"after a Take, a's late crash moves it from handled to unhandled")
	assert.Zero(t, outside)
}

func TestConcurrentEventsCountEachSessionOnce(t *testing.T) {
	at := time.Date(2026, 12, 3, 15, 4, 5, 0, time.UTC)
	var sink Sink
	sessions := make([]*session.Session, 100)
	for i := range sessions {
		sessions[i] = newSession(at)
		sink.SessionStarted(sessions[i])
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j, s := range sessions {
				record(&sink, s, (i+j)%4 == 0)
			}
		})
	}
	wg.Wait()
	sum, _ := sink.Take()
	// Every session gets 8 events; (i+j)%4 == 0 for two of the eight i, so every session crashes.
	assert.Equal(t, session.Counts{Started: 100, Unhandled: 100, HandledEvents: 600, UnhandledEvents: 200},
		sum.Total())
}
