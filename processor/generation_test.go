package processor

import (
	"encoding/binary"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/trace"
)

func genKey(trace, span uint64) spanKey {
	var k spanKey
	binary.LittleEndian.PutUint64(k.trace[8:], trace)
	binary.LittleEndian.PutUint64(k.span[:], span)
	return k
}

// TestGenerationFindsWhatItHolds adds states past several index growths, from sessions that follow one
// another, and checks that each is found with its session, that absent keys are not, and that pruning
// forgets exactly the states that are due.
func TestGenerationFindsWhatItHolds(t *testing.T) {
	g := newGeneration(0, 0)
	sessions := []*sessState{{}, {}, {}}
	const n = 5000
	for i := range n {
		g.add(genKey(uint64(i%7), uint64(i)+1), sessions[i/2000], time.Duration(i+1))
	}
	assert.Len(t, g.sessions, 3, "consecutive spans of a session share its entry")
	for i := range n {
		st := g.get(genKey(uint64(i%7), uint64(i)+1))
		require.NotNil(t, st, "span %d", i)
		assert.Same(t, sessions[i/2000], g.sessions[st.sess])
		assert.Equal(t, time.Duration(i+1), st.expires)
	}
	assert.Nil(t, g.get(genKey(1, 0)), "same span ID, other trace")
	assert.Nil(t, g.get(genKey(0, n+1)))

	assert.Equal(t, 100, g.prune(100))
	assert.Equal(t, n-100, g.live)
	assert.Nil(t, g.get(genKey(0, 1)), "forgotten")
	assert.NotNil(t, g.get(genKey(uint64(100%7), 101)), "not due yet")
	assert.Zero(t, g.prune(100), "forgotten once")
	assert.Equal(t, time.Duration(n), g.until)
}

// TestCapFreesEndedStatesWhenDue checks that a full table takes new spans again once the grace periods of
// the ended ones are over, without waiting for their generations to go.
func TestCapFreesEndedStatesWhenDue(t *testing.T) {
	clock := newFakeClock()
	h := newHarness(t, withClock(clock.now), WithMaxSpans(shardCount), WithGracePeriod(time.Second))
	for range 200 {
		_, s := h.tracer.Start(t.Context(), "GET /", trace.WithSpanKind(trace.SpanKindServer))
		s.End()
		clock.advance(time.Millisecond)
	}
	st := h.p.Stats()
	require.Positive(t, st.Dropped, "the table was full")
	clock.advance(time.Second - 150*time.Millisecond)
	assert.Less(t, h.p.Stats().Spans, st.Spans, "the spans that ended first are forgotten")

	dropped := h.p.Stats().Dropped
	clock.advance(time.Second)
	for range shardCount {
		_, s := h.tracer.Start(t.Context(), "GET /", trace.WithSpanKind(trace.SpanKindServer))
		s.End()
	}
	assert.Less(t, h.p.Stats().Dropped-dropped, int64(shardCount), "new spans are held again")
}
