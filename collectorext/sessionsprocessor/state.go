package sessionsprocessor

import (
	"container/list"
	"time"

	"github.com/google/uuid"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelsessions/otelsessions/internal/traceiter"
)

// maxStandIns bounds the forwarded spans remembered per trace for its late spans.
// TODO(#5): bound the remembered ancestry by a byte budget over all traces rather than per trace.
const maxStandIns = 4096

// traceState is what the processor keeps of one trace: the spans it holds (pending) and, once the trace
// has been resolved, a little of every forwarded span so that late spans find their ancestry. It is kept
// small (80 bytes), since the processor holds one per trace of the last wait: times are offsets from the
// processor's epoch, and what only resolved traces need is in forwarded.
type traceState struct {
	id pcommon.TraceID

	batch   *heldBatch    // the held batch the trace arrived in with other new traces, holding its first spans
	pending ptrace.Traces // spans held, not yet forwarded, but for those in batch; the zero Traces when none
	since   time.Duration // arrival of the first span held since the trace was last forwarded whole
	due     time.Duration // when the held spans are resolved next
	seq     uint64        // order of holding, which breaks ties between equal deadlines
	heldIdx int32         // index in the held queue; -1 when nothing is held (max_traces fits in an int32)
	waiting bool          // the spans held are those whose ancestry was missing when the wait ended

	fwd *forwarded // nil until the trace's first spans are forwarded
}

// forwarded is what the processor remembers of a resolved trace's forwarded spans, for its late spans.
type forwarded struct {
	standIns   []standIn     // forwarded spans, with the session.id each got
	resolvedAt time.Duration // since the processor's epoch
	elem       *list.Element // in the processor's resolved list; nil once forgotten
}

// standIns returns the forwarded spans remembered, if any.
func (ts *traceState) standIns() []standIn {
	if ts.fwd == nil {
		return nil
	}
	return ts.fwd.standIns
}

// remember returns what is remembered of the trace's forwarded spans, making it on first use.
func (ts *traceState) remember() *forwarded {
	if ts.fwd == nil {
		ts.fwd = &forwarded{}
	}
	return ts.fwd
}

// isResolved reports whether the trace's forwarded spans are remembered for its late spans.
func (ts *traceState) isResolved() bool { return ts.fwd != nil && ts.fwd.elem != nil }

// standIn is what the derivation rules need of a forwarded span, and the session it was given.
type standIn struct {
	id, parent pcommon.SpanID
	start      pcommon.Timestamp
	kind       ptrace.SpanKind
	flags      uint32
	service    string
	session    uuid.UUID // uuid.Nil outside any session
}

// add holds td's spans. A batch of new traces only is held whole (holdBatch); any other is split by trace and
// each part appended to its trace's pending spans. Spans without a trace id, which no rule can place, go to
// out untouched. When a new trace would exceed max_traces, the trace due soonest is
// resolved into out first. Spans of a trace held for its missing ancestry give it a wait more, within
// max_wait: they may be that ancestry. It returns the traces td touched, in first-seen order.
func (sp *sessionsProcessor) add(td ptrace.Traces, now time.Time, out ptrace.Traces, c *counts) []*traceState {
	if touched := sp.holdBatch(td, now); touched != nil {
		return touched
	}
	parts := splitByTrace(td)
	touched := make([]*traceState, 0, len(parts))
	for _, part := range parts {
		if part.id.IsEmpty() {
			part.td.ResourceSpans().MoveAndAppendTo(out.ResourceSpans())
			continue
		}
		ts := sp.traces[part.id]
		if ts == nil {
			ts = &traceState{id: part.id, heldIdx: -1}
			sp.traces[part.id] = ts
		}
		switch {
		case !ts.isHeld():
			if sp.held.Len() >= sp.cfg.MaxTraces {
				sp.evict(now, out, c)
			}
			ts.since = sp.at(now)
			sp.seq++
			sp.held.hold(ts, later(ts.since, sp.cfg.Wait), sp.seq)
		case ts.waiting:
			ts.waiting = false
			sp.held.postpone(ts, min(later(sp.at(now), sp.cfg.Wait), later(ts.since, sp.cfg.maxHold())))
		}
		if ts.isResolved() {
			c.late += int64(part.td.SpanCount())
		}
		if ts.pending == (ptrace.Traces{}) {
			ts.pending = ptrace.NewTraces()
		}
		part.td.ResourceSpans().MoveAndAppendTo(ts.pending.ResourceSpans())
		touched = append(touched, ts)
	}
	return touched
}

// evict resolves the trace due soonest into out with what is known, to make room for a new one.
func (sp *sessionsProcessor) evict(now time.Time, out ptrace.Traces, c *counts) {
	ts := sp.held.first()
	if ts.batch != nil {
		sp.dissolve(ts.batch) // only the one trace leaves early
	}
	sp.resolveInto(ts, now, out, c, true)
	c.evicted++
}

// forget drops the ancestry of traces resolved a wait ago or more, and of the oldest beyond max_traces,
// unless spans of the trace are still held.
func (sp *sessionsProcessor) forget(now time.Time) {
	for e := sp.resolved.Front(); e != nil; e = sp.resolved.Front() {
		ts := traceOf(e)
		if sp.at(now)-ts.fwd.resolvedAt < sp.cfg.Wait && sp.resolved.Len() <= sp.cfg.MaxTraces {
			return
		}
		sp.resolved.Remove(e)
		ts.fwd.elem = nil
		if !ts.isHeld() {
			ts.fwd = nil
			delete(sp.traces, ts.id)
		} // else spans still wait for their ancestry, which may hang under what was forwarded

	}
}

func (ts *traceState) isHeld() bool { return ts.heldIdx >= 0 }

// traceOf returns the trace an element of the resolved list stands for; the list holds nothing else.
func traceOf(e *list.Element) *traceState {
	ts, _ := e.Value.(*traceState)
	return ts
}

// tracePart is the spans of one trace taken from a batch.
type tracePart struct {
	id pcommon.TraceID
	td ptrace.Traces
}

// splitByTrace moves td's spans into one ptrace.Traces per trace id, each with copies of the resources and
// scopes its spans came with, in first-seen order. A batch of one trace is returned whole.
func splitByTrace(td ptrace.Traces) []tracePart {
	if id, ok := singleTrace(td); ok {
		return []tracePart{{id: id, td: td}}
	}
	type bucket struct {
		part         tracePart
		rsIdx, ssIdx int
		rs           ptrace.ResourceSpans
		ss           ptrace.ScopeSpans
	}
	var order []*bucket
	byID := make(map[pcommon.TraceID]*bucket)
	rss := td.ResourceSpans()
	for i := range rss.Len() {
		rs := rss.At(i)
		for j := range rs.ScopeSpans().Len() {
			ss := rs.ScopeSpans().At(j)
			for k := range ss.Spans().Len() {
				span := ss.Spans().At(k)
				b := byID[span.TraceID()]
				if b == nil {
					b = &bucket{part: tracePart{id: span.TraceID(), td: ptrace.NewTraces()}, rsIdx: -1}
					byID[span.TraceID()] = b
					order = append(order, b)
				}
				if b.rsIdx != i {
					b.rs, b.rsIdx, b.ssIdx = b.part.td.ResourceSpans().AppendEmpty(), i, -1
					rs.Resource().CopyTo(b.rs.Resource())
					b.rs.SetSchemaUrl(rs.SchemaUrl())
				}
				if b.ssIdx != j {
					b.ss, b.ssIdx = b.rs.ScopeSpans().AppendEmpty(), j
					ss.Scope().CopyTo(b.ss.Scope())
					b.ss.SetSchemaUrl(ss.SchemaUrl())
				}
				span.MoveTo(b.ss.Spans().AppendEmpty())
			}
		}
	}
	parts := make([]tracePart, len(order))
	for i, b := range order {
		parts[i] = b.part
	}
	return parts
}

// singleTrace reports whether every span of td has one trace id, and which.
func singleTrace(td ptrace.Traces) (pcommon.TraceID, bool) {
	var id pcommon.TraceID
	seen := false
	for _, span := range traceiter.Spans(td) {
		tid := span.TraceID()
		if seen && tid != id {
			return pcommon.TraceID{}, false
		}
		id, seen = tid, true
	}
	return id, seen
}
