package processor

import (
	"encoding/binary"
	"math"
	"time"
)

// endedState is what the processor keeps of a span in a session that ended: its session, which late
// children join, until its grace period is over. It holds no pointer, so that the garbage collector need
// not scan it: the session is an index into the generation's sessions.
type endedState struct {
	key     spanKey
	sess    int
	expires time.Duration // since the table's epoch; 0 once the state is forgotten
}

// minGenerationSlots is the size of a generation's first index.
const minGenerationSlots = 64

// A generation keeps its states in chunks of chunkSize, made as they fill: a chunk is written while its
// memory, cleared as it was made, is still in cache, and no state is ever copied to make room.
const (
	chunkBits = 6
	chunkSize = 1 << chunkBits
)

// generation holds the states of the spans of a shard that ended within one window of time, in the order
// they ended, and is forgotten as a whole once the last of its grace periods is over: no state is deleted
// one by one. Writing a state only appends it. Only lookups, which late children and spans outside sessions
// make, need the index: each first indexes the states added since the one before, so a service whose
// spans all belong to sessions rarely builds it. A lookup reads a state only when its fingerprint matches.
type generation struct {
	chunks   [][]endedState
	n        int           // states held, in chunks
	index    []uint64      // open addressing, at most half full: 0 is empty, else fingerprint<<32 | position+1
	indexed  int           // the states in index: the first ones
	sessions []*sessState  // the spans of a request end one after the other: most follow their session
	start    time.Duration // spans that end before start+window join this generation
	until    time.Duration // the latest deadline of its states
	live     int           // states not forgotten
	pruned   int           // the states before it are forgotten
}

// newGeneration returns a generation for spans ending from start on, with room for about size states.
func newGeneration(start time.Duration, size int) generation {
	return generation{chunks: make([][]endedState, 0, size/chunkSize+1), start: start}
}

// at returns the state at position pos.
func (g *generation) at(pos int) *endedState {
	return &g.chunks[pos>>chunkBits][pos&(chunkSize-1)]
}

// indexHash mixes the span ID with the trace ID; the multiplication spreads the sequential IDs of test
// generators. The low bits choose the slot and the high ones are the fingerprint.
func indexHash(k spanKey) uint64 {
	span := binary.LittleEndian.Uint64(k.span[:])
	tr := binary.LittleEndian.Uint64(k.trace[:8]) ^ binary.LittleEndian.Uint64(k.trace[8:])
	h := (span ^ tr<<32 ^ tr>>32) * 0x9e3779b97f4a7c15
	return h ^ h>>29
}

// add holds the state of the span k of session ss, which ended and is forgotten at deadline.
func (g *generation) add(k spanKey, ss *sessState, deadline time.Duration) {
	if n := len(g.sessions); n == 0 || g.sessions[n-1] != ss {
		g.sessions = append(g.sessions, ss)
	}
	if g.n&(chunkSize-1) == 0 {
		g.chunks = append(g.chunks, make([]endedState, chunkSize))
	}
	*g.at(g.n) = endedState{key: k, sess: len(g.sessions) - 1, expires: deadline}
	g.n++
	g.until = max(g.until, deadline) // goroutines read the clock before they take the lock
	g.live++
}

// place indexes the state at position pos, whose key hashes to h.
func (g *generation) place(h uint64, pos int) {
	mask := g.mask()
	i := h & mask
	for g.index[i] != 0 {
		i = (i + 1) & mask
	}
	g.index[i] = h>>32<<32 | uint64(pos+1) //nolint:gosec // a position is below the 2³² states an index can take
}

// mask maps a hash to a slot of the index, whose length is a power of two.
func (g *generation) mask() uint64 {
	return uint64(len(g.index)) - 1
}

// position returns the position in states that an index word holds.
func position(word uint64) int {
	return int(word&math.MaxUint32) - 1
}

// catchUp indexes the states added since it last ran, first making the index large enough for all of them.
func (g *generation) catchUp() {
	if 2*g.n > len(g.index) {
		slots := minGenerationSlots
		for slots < 2*g.n {
			slots *= 2
		}
		g.index, g.indexed = make([]uint64, 2*slots), 0 // room to grow as much again
	}
	for ; g.indexed < g.n; g.indexed++ {
		g.place(indexHash(g.at(g.indexed).key), g.indexed)
	}
}

// get returns the state of the span k, or nil.
func (g *generation) get(k spanKey) *endedState {
	if g.n == 0 {
		return nil
	}
	g.catchUp()
	h := indexHash(k)
	mask := g.mask()
	for i := h & mask; g.index[i] != 0; i = (i + 1) & mask {
		if g.index[i]>>32 != h>>32 {
			continue
		}
		if st := g.at(position(g.index[i])); st.key == k && st.expires != 0 {
			return st
		}
	}
	return nil
}

// prune forgets the states whose grace period is over at now and returns how many it forgot. States are in
// the order their spans ended, so it goes on from where it stopped and stops at the first state still
// due: each state is visited once, however often the table prunes. (Goroutines read the clock before they
// take the lock, so a state may follow one that is due a few microseconds later; it is forgotten with it.)
func (g *generation) prune(now time.Duration) int {
	n := 0
	for ; g.pruned < g.n && g.at(g.pruned).expires <= now; g.pruned++ {
		g.at(g.pruned).expires = 0
		n++
	}
	g.live -= n
	return n
}
