package sessionsprocessor

import (
	"container/heap"
	"time"
)

// heldQueue orders the held traces by the time they are due, earliest first. A trace's index in it is kept
// in the trace's heldIdx (-1 when it is not held), so that a changed deadline is fixed in O(log n).
type heldQueue []*traceState

func (q heldQueue) Len() int { return len(q) }

func (q heldQueue) Less(i, j int) bool {
	if q[i].due != q[j].due {
		return q[i].due < q[j].due
	}
	return q[i].seq < q[j].seq // first held, first due: the order of a FIFO when deadlines tie
}

func (q heldQueue) Swap(i, j int) {
	q[i], q[j] = q[j], q[i]
	q[i].heldIdx, q[j].heldIdx = int32(i), int32(j) //nolint:gosec // below max_traces, which Validate bounds
}

// Push is heap.Interface's; use hold.
func (q *heldQueue) Push(x any) {
	ts, _ := x.(*traceState)
	ts.heldIdx = int32(len(*q)) //nolint:gosec // below max_traces, which Validate bounds
	*q = append(*q, ts)
}

// Pop is heap.Interface's; use release.
func (q *heldQueue) Pop() any {
	old := *q
	ts := old[len(old)-1]
	old[len(old)-1] = nil
	*q = old[:len(old)-1]
	ts.heldIdx = -1
	return ts
}

// hold queues ts, due at due.
func (q *heldQueue) hold(ts *traceState, due time.Duration, seq uint64) {
	ts.due, ts.seq = due, seq
	heap.Push(q, ts)
}

// postpone moves ts's deadline.
func (q *heldQueue) postpone(ts *traceState, due time.Duration) {
	ts.due = due
	heap.Fix(q, int(ts.heldIdx))
}

// release takes ts out of the queue.
func (q *heldQueue) release(ts *traceState) {
	heap.Remove(q, int(ts.heldIdx))
}

// first returns the trace due soonest, or nil.
func (q heldQueue) first() *traceState {
	if len(q) == 0 {
		return nil
	}
	return q[0]
}
