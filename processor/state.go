package processor

import (
	"encoding/binary"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/trace"
)

// The span table is split into 1<<shardBits shards so that concurrent requests rarely wait on one
// another's lock.
const (
	shardBits  = 5
	shardCount = 1 << shardBits
)

// shrinkAbove is the size beyond which an emptied shard's map of open spans is replaced, since Go maps
// never shrink.
const shrinkAbove = 1024

// spanKey identifies a span. The trace ID is part of it so that ID generators that reuse span IDs across
// traces stay correct.
type spanKey struct {
	trace trace.TraceID
	span  trace.SpanID
}

func keyOf(sc trace.SpanContext) spanKey {
	return spanKey{trace: sc.TraceID(), span: sc.SpanID()}
}

type shard struct {
	mu       sync.Mutex
	open     map[spanKey]*sessState // spans in sessions that have not ended: few, and often read
	openPeak int                    // most open spans held since the map was made
	ended    []generation           // oldest first
	held     int                    // states held: open, and in every generation
}

// spanTable holds the state of spans in sessions from their start until the grace period after their end.
//
// Open spans sit in a small map per shard; an ended span moves to the shard's newest generation, which
// takes the spans that end within a window of half a grace period and is forgotten whole, without a
// delete per span, once its last grace period is over. A lookup checks the grace period of the state it
// finds, so that states kept up to half a grace period longer than needed change nothing. Generations hold
// no pointer per state, so the garbage collector does not scan the hundreds of thousands of states a busy
// service holds.
//
// It is bounded: each shard holds at most perShard states whose grace period is not over, and a span beyond
// that is dropped and counted; the memory of forgotten states is released with their generation, up to
// half a grace period later.
type spanTable struct {
	shards   [shardCount]shard
	perShard int
	grace    time.Duration
	window   time.Duration
	now      func() time.Duration // read only when needed: a child span's start needs no clock
	dropped  atomic.Int64
}

func newSpanTable(maxSpans int, grace time.Duration, now func() time.Duration) *spanTable {
	t := &spanTable{perShard: max(1, maxSpans/shardCount), grace: grace, window: max(1, grace/2), now: now}
	for i := range t.shards {
		t.shards[i].open = make(map[spanKey]*sessState)
	}
	return t
}

// shardOf spreads span IDs over the shards; the multiplication mixes sequential IDs from test generators.
func (t *spanTable) shardOf(k spanKey) *shard {
	h := binary.LittleEndian.Uint64(k.span[:]) * 0x9e3779b97f4a7c15
	return &t.shards[h>>(64-shardBits)]
}

// get returns the session of the span k, if its state is held and its grace period is not over. Only a
// span that ended needs the clock.
func (t *spanTable) get(k spanKey) (*sessState, bool) {
	sh := t.shardOf(k)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if ss, ok := sh.open[k]; ok {
		return ss, true
	}
	for i := len(sh.ended) - 1; i >= 0; i-- {
		if st := sh.ended[i].get(k); st != nil {
			return sh.ended[i].sessions[st.sess], t.now() < st.expires
		}
	}
	return nil, false
}

// put holds ss as the session of the open span k. It reports false, and counts a drop, when the shard is
// full even after forgetting the states whose grace period is over.
func (t *spanTable) put(k spanKey, ss *sessState) bool {
	sh := t.shardOf(k)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.held >= t.perShard {
		sh.prune(t.now())
		if sh.held >= t.perShard {
			t.dropped.Add(1)
			return false
		}
	}
	sh.open[k] = ss
	sh.held++
	sh.openPeak = max(sh.openPeak, len(sh.open))
	return true
}

// end marks the span k ended now and returns its session. Its state is kept for the grace period; each
// call also forgets the shard's generations whose grace periods are over.
func (t *spanTable) end(k spanKey) (*sessState, bool) {
	now := t.now()
	sh := t.shardOf(k)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	sh.forget(now)
	ss, ok := sh.open[k]
	if !ok {
		return nil, false
	}
	delete(sh.open, k)
	if len(sh.open) == 0 && sh.openPeak > shrinkAbove {
		// Release the memory of a burst, so that an idle processor holds next to nothing.
		sh.open, sh.openPeak = make(map[spanKey]*sessState), 0
	}
	if t.grace == 0 {
		sh.held--
		return ss, true
	}
	sh.current(now, t.window).add(k, ss, now+t.grace)
	return ss, true
}

// current returns the generation that spans ending at now join, starting one when the newest is a window
// old. A new generation is made with room for as many states as the one before, so that it rarely grows.
func (sh *shard) current(now, window time.Duration) *generation {
	if n := len(sh.ended); n > 0 && now < sh.ended[n-1].start+window {
		return &sh.ended[n-1]
	}
	size := 0
	if n := len(sh.ended); n > 0 {
		size = sh.ended[n-1].n
	}
	sh.ended = append(sh.ended, newGeneration(now, size))
	return &sh.ended[len(sh.ended)-1]
}

// forget drops the generations whose grace periods are all over at now. The caller holds sh.mu.
func (sh *shard) forget(now time.Duration) {
	done := 0
	for done < len(sh.ended) && sh.ended[done].until <= now {
		sh.held -= sh.ended[done].live
		done++
	}
	if done == 0 {
		return
	}
	n := copy(sh.ended, sh.ended[done:])
	clear(sh.ended[n:])
	sh.ended = sh.ended[:n]
}

// len forgets what is due and returns the number of states held whose grace period is not over.
func (t *spanTable) len() int {
	n := 0
	for i := range t.shards {
		sh := &t.shards[i]
		sh.mu.Lock()
		// The clock is read shard by shard: the spans ending meanwhile are counted, so the ones whose grace
		// period ended meanwhile must not be.
		sh.prune(t.now())
		n += sh.held
		sh.mu.Unlock()
	}
	return n
}

// prune forgets the states whose grace period is over at now, and their generations once they are all
// over. The caller holds sh.mu.
func (sh *shard) prune(now time.Duration) {
	sh.forget(now)
	for j := range sh.ended {
		sh.held -= sh.ended[j].prune(now)
	}
}

// clear forgets every state.
func (t *spanTable) clear() {
	for i := range t.shards {
		sh := &t.shards[i]
		sh.mu.Lock()
		sh.open, sh.openPeak, sh.ended, sh.held = make(map[spanKey]*sessState), 0, nil, 0
		sh.mu.Unlock()
	}
}
