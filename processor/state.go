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

// shrinkAbove is the size beyond which an emptied shard's map is replaced, since Go maps never shrink.
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

// spanState is what the processor keeps of a span in a session: the session the span joined at its start,
// which its errors count against and its children join.
type spanState struct {
	sess    *sessState
	expires time.Duration // when the grace period after the span's end is over; 0 while it is open
}

// expiry is when an ended span's state may be forgotten.
type expiry struct {
	key      spanKey
	deadline time.Duration // since the table's epoch
}

type shard struct {
	mu      sync.Mutex
	states  map[spanKey]spanState
	expires []expiry // ordered by deadline, as spans end in time order; the first head are done
	head    int
	peak    int // most states held since the map was made
}

// spanTable holds the state of spans in sessions from their start until the grace period after their end.
// It is bounded: each shard holds at most perShard states, and a span beyond that is dropped and counted.
//
// TODO(#3): keep the maps free of pointers (sessions in a slab that states index), so that the garbage
// collector need not scan the hundreds of thousands of states a busy service holds.
type spanTable struct {
	shards   [shardCount]shard
	perShard int
	grace    time.Duration
	now      func() time.Duration // read only when needed: a child span's start needs no clock
	dropped  atomic.Int64
}

func newSpanTable(maxSpans int, grace time.Duration, now func() time.Duration) *spanTable {
	t := &spanTable{perShard: max(1, maxSpans/shardCount), grace: grace, now: now}
	for i := range t.shards {
		t.shards[i].states = make(map[spanKey]spanState)
	}
	return t
}

// shardOf spreads span IDs over the shards; the multiplication mixes sequential IDs from test generators.
func (t *spanTable) shardOf(k spanKey) *shard {
	h := binary.LittleEndian.Uint64(k.span[:]) * 0x9e3779b97f4a7c15
	return &t.shards[h>>(64-shardBits)]
}

// get returns the state of the span k, if it is held and its grace period is not over. Only an ended span
// needs the clock.
func (t *spanTable) get(k spanKey) (spanState, bool) {
	sh := t.shardOf(k)
	sh.mu.Lock()
	st, ok := sh.states[k]
	sh.mu.Unlock()
	return st, ok && (st.expires == 0 || t.now() < st.expires)
}

// put holds st for the span k. It reports false, and counts a drop, when the shard is full even after
// forgetting the spans whose grace period is over.
func (t *spanTable) put(k spanKey, st spanState) bool {
	sh := t.shardOf(k)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if len(sh.states) >= t.perShard {
		sh.sweep(t.now())
		if len(sh.states) >= t.perShard {
			t.dropped.Add(1)
			return false
		}
	}
	sh.states[k] = st
	sh.peak = max(sh.peak, len(sh.states))
	return true
}

// end marks the span k ended now and returns its state. The state is forgotten once the grace period is
// over; each call also forgets the shard's states whose grace period is over.
func (t *spanTable) end(k spanKey) (spanState, bool) {
	now := t.now()
	sh := t.shardOf(k)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	sh.sweep(now)
	st, ok := sh.states[k]
	if !ok {
		return st, false
	}
	if t.grace == 0 {
		delete(sh.states, k)
		return st, true
	}
	st.expires = now + t.grace
	sh.states[k] = st
	sh.expires = append(sh.expires, expiry{key: k, deadline: st.expires})
	return st, true
}

// sweep forgets the states whose grace period is over at now. The caller holds sh.mu.
func (sh *shard) sweep(now time.Duration) {
	for sh.head < len(sh.expires) && sh.expires[sh.head].deadline <= now {
		delete(sh.states, sh.expires[sh.head].key)
		sh.expires[sh.head] = expiry{}
		sh.head++
	}
	switch {
	case sh.head == len(sh.expires):
		sh.expires, sh.head = sh.expires[:0], 0
	case sh.head > len(sh.expires)/2 && sh.head >= 64:
		n := copy(sh.expires, sh.expires[sh.head:])
		sh.expires, sh.head = sh.expires[:n], 0
	}
	if len(sh.states) == 0 && sh.peak > shrinkAbove {
		// Release the memory of a burst, so that an idle processor holds next to nothing.
		sh.states, sh.expires, sh.peak = make(map[spanKey]spanState), nil, 0
	}
}

// len forgets what is due and returns the number of states held.
func (t *spanTable) len() int {
	now := t.now()
	n := 0
	for i := range t.shards {
		sh := &t.shards[i]
		sh.mu.Lock()
		sh.sweep(now)
		n += len(sh.states)
		sh.mu.Unlock()
	}
	return n
}

// clear forgets every state.
func (t *spanTable) clear() {
	for i := range t.shards {
		sh := &t.shards[i]
		sh.mu.Lock()
		clear(sh.states)
		sh.expires, sh.head = nil, 0
		sh.mu.Unlock()
	}
}
