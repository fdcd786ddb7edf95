package exporter

import (
	"context"
	"sync"
)

type payloadKind uint8

const (
	kindSessions payloadKind = iota
	kindEvents
)

func (k payloadKind) String() string {
	if k == kindSessions {
		return "sessions"
	}
	return "events"
}

// payload is one request body, delivered as a unit: retried whole and never sent again once accepted.
type payload struct {
	kind     payloadKind
	endpoint string
	body     []byte
	sessions int64 // sessions started counted in the body
	events   int64 // error events in the body
	seq      uint64
}

// queue is the bounded FIFO between flushing and the single delivery worker. Payloads are numbered as they
// are accepted; because one worker takes them in order, "every payload up to n is done" is one number,
// which is what ForceFlush and Shutdown wait for.
type queue struct {
	mu       sync.Mutex
	items    []*payload
	inflight *payload
	size     int
	lastSeq  uint64
	doneSeq  uint64
	drained  bool          // Shutdown took what was left: nothing more will be done
	progress chan struct{} // closed and replaced whenever doneSeq moves, and at drain
	wake     chan struct{} // one pending wake-up for the worker
}

func newQueue(size int) *queue {
	return &queue{size: size, progress: make(chan struct{}), wake: make(chan struct{}, 1)}
}

// push appends p and numbers it; it reports false, and keeps nothing, when the queue holds limit payloads
// or more.
func (q *queue) push(p *payload, limit int) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items) >= limit {
		return false
	}
	q.lastSeq++
	p.seq = q.lastSeq
	q.items = append(q.items, p)
	select {
	case q.wake <- struct{}{}:
	default:
	}
	return true
}

// next waits for the oldest payload and marks it in flight; it reports false once ctx ends.
func (q *queue) next(ctx context.Context) (*payload, bool) {
	for {
		q.mu.Lock()
		if len(q.items) > 0 {
			p := q.items[0]
			q.items[0] = nil
			q.items = q.items[1:]
			q.inflight = p
			q.mu.Unlock()
			return p, true
		}
		q.mu.Unlock()
		select {
		case <-q.wake:
		case <-ctx.Done():
			return nil, false
		}
	}
}

// done records that p, taken by next, is delivered or dropped.
func (q *queue) done(p *payload) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.inflight = nil
	q.doneSeq = p.seq
	close(q.progress)
	q.progress = make(chan struct{})
}

// last returns the number of the newest payload accepted.
func (q *queue) last() uint64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.lastSeq
}

// wait returns nil once every payload up to seq is done (or drained by Shutdown, which counts what it
// drops), or ctx's error if it ends first.
func (q *queue) wait(ctx context.Context, seq uint64) error {
	for {
		q.mu.Lock()
		reached, progress := q.doneSeq >= seq || q.drained, q.progress
		q.mu.Unlock()
		if reached {
			return nil
		}
		select {
		case <-progress:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// pending counts the sessions and events of the payloads up to seq that are not done yet.
func (q *queue) pending(seq uint64) (sessions, events int64) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if p := q.inflight; p != nil && p.seq <= seq {
		sessions, events = p.sessions, p.events
	}
	for _, p := range q.items {
		if p.seq <= seq {
			sessions += p.sessions
			events += p.events
		}
	}
	return sessions, events
}

// drain removes and returns every payload still queued, and releases every waiter; the worker must have
// stopped.
func (q *queue) drain() []*payload {
	q.mu.Lock()
	defer q.mu.Unlock()
	items := q.items
	q.items = nil
	q.drained = true
	close(q.progress)
	q.progress = make(chan struct{})
	return items
}
