package sessionsprocessor

import (
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelsessions/otelsessions/internal/traceiter"
)

// heldBatch is a batch of several traces, all new when it arrived, held as it came: its spans are neither
// split by trace nor copied, and its resources and scopes stay shared. Its traces are held with one deadline
// and resolved together; spans of theirs that arrive later are their pending spans, as for any trace. A batch
// is split by trace (dissolved) only when one of its traces must leave alone: evicted for max_traces.
type heldBatch struct {
	td     ptrace.Traces
	traces []*traceState // in first-seen order
}

// holdBatch holds td whole when it holds several traces, each new to the processor and with a trace id, and
// max_traces has room for them all. It returns the traces it holds, or nil when td is not such a batch.
func (sp *sessionsProcessor) holdBatch(td ptrace.Traces, now time.Time) []*traceState {
	ids, ok := sp.newTraceIDs(td)
	if !ok || len(ids) < 2 || sp.held.Len()+len(ids) > sp.cfg.MaxTraces {
		return nil
	}
	// The batch's content moves to a request of the processor's own: the caller's may be reused once
	// ConsumeTraces returns.
	b := &heldBatch{td: ptrace.NewTraces(), traces: make([]*traceState, len(ids))}
	td.ResourceSpans().MoveAndAppendTo(b.td.ResourceSpans())
	since := sp.at(now)
	for i, id := range ids {
		ts := &traceState{id: id, heldIdx: -1, batch: b, since: since}
		sp.traces[id] = ts
		sp.seq++
		sp.held.hold(ts, later(since, sp.cfg.Wait), sp.seq)
		b.traces[i] = ts
	}
	return b.traces
}

// newTraceIDs returns the trace ids of td in first-seen order; ok is false when a span has no trace id or
// one the processor already knows.
func (sp *sessionsProcessor) newTraceIDs(td ptrace.Traces) (ids []pcommon.TraceID, ok bool) {
	var seen map[pcommon.TraceID]struct{}
	var last pcommon.TraceID
	for _, span := range traceiter.Spans(td) {
		id := span.TraceID()
		if len(ids) > 0 && id == last {
			continue
		}
		last = id
		if _, dup := seen[id]; dup {
			continue
		}
		if _, known := sp.traces[id]; known || id.IsEmpty() {
			return nil, false
		}
		if seen == nil {
			seen = make(map[pcommon.TraceID]struct{})
		}
		seen[id] = struct{}{}
		ids = append(ids, id)
	}
	return ids, true
}

// dissolve splits b by trace: each trace's spans in b go before its pending spans, and the traces are held
// on their own from then on.
func (sp *sessionsProcessor) dissolve(b *heldBatch) {
	for _, part := range splitByTrace(b.td) {
		ts := sp.traces[part.id]
		if ts.pending != (ptrace.Traces{}) {
			ts.pending.ResourceSpans().MoveAndAppendTo(part.td.ResourceSpans())
		}
		ts.pending = part.td
	}
	for _, ts := range b.traces {
		ts.batch = nil
	}
	b.td, b.traces = ptrace.Traces{}, nil
}

// resolveBatch resolves every trace of b together, as resolveInto resolves one: b's spans are tagged where
// they are, those that stay held are taken out to their traces' pending spans, and b goes to out whole.
func (sp *sessionsProcessor) resolveBatch(b *heldBatch, now time.Time, out ptrace.Traces, c *counts, final bool) {
	eng := sp.engines.Get()
	defer sp.engines.Put(eng)
	eng.Add(b.td) // the traces of a held batch have no ancestry kept from earlier resolutions: they were new
	for _, ts := range b.traces {
		if ts.pending != (ptrace.Traces{}) {
			eng.Add(ts.pending)
		}
	}
	rs := make(map[pcommon.TraceID]*resolution, len(b.traces))
	for _, ts := range b.traces {
		t, _ := eng.Resolve(ts.id)
		rs[ts.id] = newResolution(ts, t, final, 0)
	}
	parents := lazyAncestry{build: func() ancestryMap { return batchAncestry(b) }}
	var keep []bool // per span of b in traceiter.Spans order, once one span stays held
	var r *resolution
	k := 0
	for res, span := range traceiter.Spans(b.td) {
		if r == nil || r.ts.id != span.TraceID() {
			r = rs[span.TraceID()]
		}
		if r.visit(res, span, &parents, c) {
			if keep == nil {
				keep = make([]bool, b.td.SpanCount())
			}
			keep[k] = true
		}
		k++
	}
	// Every span is visited before any is taken out, so that the ancestry, built at the first span that needs
	// it, knows them all.
	laterKeep := make([][]bool, len(b.traces))
	for i, ts := range b.traces {
		if ts.pending != (ptrace.Traces{}) {
			laterKeep[i] = rs[ts.id].visitAll(ts.pending, &parents, c)
		}
	}
	var heldParts map[pcommon.TraceID]ptrace.Traces
	if keep != nil {
		heldParts = make(map[pcommon.TraceID]ptrace.Traces)
		for _, part := range splitByTrace(extract(b.td, keep)) {
			heldParts[part.id] = part.td
		}
	}
	b.td.ResourceSpans().MoveAndAppendTo(out.ResourceSpans())
	traces := b.traces
	for _, ts := range traces {
		ts.batch = nil
	}
	b.td, b.traces = ptrace.Traces{}, nil
	for i, ts := range traces {
		held := heldParts[ts.id]
		if laterKeep[i] != nil {
			later := extract(ts.pending, laterKeep[i])
			if held == (ptrace.Traces{}) {
				held = later
			} else {
				later.ResourceSpans().MoveAndAppendTo(held.ResourceSpans())
			}
		}
		if ts.pending != (ptrace.Traces{}) {
			ts.pending.ResourceSpans().MoveAndAppendTo(out.ResourceSpans())
		}
		sp.settle(rs[ts.id], held, now, c)
	}
}

// batchAncestry maps every span of b's traces, in b or pending, to its parent.
func batchAncestry(b *heldBatch) ancestryMap {
	parents := make(ancestryMap, b.td.SpanCount())
	addAncestry(parents, b.td)
	for _, ts := range b.traces {
		if ts.pending != (ptrace.Traces{}) {
			addAncestry(parents, ts.pending)
		}
	}
	return parents
}
