package processor

import (
	"encoding/binary"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
	assert.Equal(t, time.Duration(1), g.from)
	assert.Equal(t, time.Duration(n), g.until)
}
