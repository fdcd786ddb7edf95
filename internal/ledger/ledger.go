// Package ledger remembers the last sessions a Collector component counted, so that spans of a session that
// reach it in a later batch join that session instead of counting outside any session or starting it again.
package ledger

import "github.com/google/uuid"

// Ledger maps session IDs to what a component keeps of each, the most recent Max of them; adding one more
// forgets the oldest. A Ledger is not safe for concurrent use: callers hold their own lock.
type Ledger[V any] struct {
	max  int
	byID map[uuid.UUID]V
	ring []uuid.UUID // the IDs kept, in a ring whose oldest is at next once it is full
	next int
}

// New returns a ledger of at most maxSessions sessions (at least one).
func New[V any](maxSessions int) *Ledger[V] {
	return &Ledger[V]{max: max(maxSessions, 1), byID: make(map[uuid.UUID]V)}
}

// Get returns what is kept of session id.
func (l *Ledger[V]) Get(id uuid.UUID) (V, bool) {
	v, ok := l.byID[id]
	return v, ok
}

// Put keeps v for session id, replacing what was kept. A new session forgets the oldest beyond the bound.
func (l *Ledger[V]) Put(id uuid.UUID, v V) {
	if _, ok := l.byID[id]; !ok {
		if len(l.ring) < l.max {
			l.ring = append(l.ring, id)
		} else {
			delete(l.byID, l.ring[l.next])
			l.ring[l.next] = id
			l.next = (l.next + 1) % l.max
		}
	}
	l.byID[id] = v
}

// Len returns the number of sessions kept.
func (l *Ledger[V]) Len() int { return len(l.byID) }
