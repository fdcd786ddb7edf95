package derive

import (
	"bytes"
	"slices"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// Stats counts what the engine saw and what it could not use.
type Stats struct {
	// Spans is the number of spans accepted.
	Spans int64
	// DuplicateSpans is the number of spans seen twice (same trace, span id, kind and start), counted once.
	DuplicateSpans int64
	// MalformedSpans is the number of spans dropped for an empty trace or span id.
	MalformedSpans int64
	// MalformedAttributes is the number of override attributes of a type the engine cannot read.
	MalformedAttributes int64
	// OversizedSpans is the number of spans dropped because their trace already held MaxTraceSpans.
	OversizedSpans int64
}

// MaxTraceSpans is the most spans the engine holds for one trace; later spans of that trace are dropped
// and counted, so that a runaway trace cannot exhaust memory.
const MaxTraceSpans = 1 << 20

type traceState struct {
	spans []spanRec
	exc   []excRec
}

// Engine collects spans of any number of traces, in batches and in any order, and resolves each trace into
// sessions and error events. An Engine is not safe for concurrent use.
type Engine struct {
	cfg       Config
	resources []*Resource
	resIndex  map[resourceKey]int32
	traces    map[pcommon.TraceID]*traceState
	stats     Stats
	buf       scratch
	peak      int           // most traces held at once since the maps were made
	free      []*traceState // resolved traces' memory, for the next new traces
}

// The engine keeps the memory of up to recycleTraces resolved traces of up to recycleSpans spans each, so
// that the traces of the next batches are filled without growing their span lists from nothing.
const (
	recycleTraces = 64
	recycleSpans  = 4096
)

// resetMapsAbove is the number of traces held at once beyond which Reset makes the engine's map anew: a Go
// map never shrinks, and walking or clearing one costs what its largest size was.
const resetMapsAbove = 1024

// New returns an engine that applies the rules chosen by cfg.
func New(cfg Config) *Engine {
	return &Engine{
		cfg:      cfg,
		resIndex: make(map[resourceKey]int32),
		traces:   make(map[pcommon.TraceID]*traceState),
	}
}

// Add keeps what the rules need of every span in td. td is not retained.
func (e *Engine) Add(td ptrace.Traces) {
	rss := td.ResourceSpans()
	for i := range rss.Len() {
		rs := rss.At(i)
		res := e.intern(rs.Resource())
		sss := rs.ScopeSpans()
		for j := range sss.Len() {
			spans := sss.At(j).Spans()
			for k := range spans.Len() {
				e.addSpan(spans.At(k), res)
			}
		}
	}
}

func (e *Engine) addSpan(sp ptrace.Span, res int32) {
	tid := sp.TraceID()
	if tid.IsEmpty() || sp.SpanID().IsEmpty() {
		e.stats.MalformedSpans++
		return
	}
	ts, ok := e.traces[tid]
	if !ok {
		ts = e.newTrace()
		e.traces[tid] = ts
		e.peak = max(e.peak, len(e.traces))
	}
	if len(ts.spans) >= MaxTraceSpans {
		e.stats.OversizedSpans++
		return
	}
	var rec spanRec
	idx := int32(len(ts.spans)) //nolint:gosec // below MaxTraceSpans
	rec, ts.exc = record(sp, res, idx, ts.exc, &e.cfg, &e.stats)
	ts.spans = append(ts.spans, rec)
	e.stats.Spans++
}

func (e *Engine) intern(r pcommon.Resource) int32 {
	key := readResourceKey(r.Attributes())
	if i, ok := e.resIndex[key]; ok {
		return i
	}
	i := int32(len(e.resources)) //nolint:gosec // at most one resource per span, so below 2^31 in practice
	e.resources = append(e.resources, key.resource())
	e.resIndex[key] = i
	return i
}

// Reset forgets every trace, resource and count, as New would, but keeps the memory that resolving reuses,
// so that one engine can derive batch after batch. Resources handed out in resolved traces stay valid.
func (e *Engine) Reset() {
	if e.peak > resetMapsAbove {
		e.traces, e.peak = make(map[pcommon.TraceID]*traceState), 0
	} else {
		clear(e.traces)
	}
	clear(e.resources)
	e.resources = e.resources[:0]
	clear(e.resIndex)
	e.stats = Stats{}
}

// Pending returns the number of traces held, not yet resolved.
func (e *Engine) Pending() int { return len(e.traces) }

// Stats returns what the engine has counted so far.
func (e *Engine) Stats() Stats { return e.stats }

// Resolve resolves the trace id with the spans seen so far and forgets them; it reports false when no span
// of that trace is held.
func (e *Engine) Resolve(id pcommon.TraceID) (Trace, bool) {
	ts, ok := e.traces[id]
	if !ok {
		return Trace{}, false
	}
	delete(e.traces, id)
	t := e.resolve(id, ts)
	e.recycle(ts)
	return t, true
}

// newTrace returns an empty trace state, made from a resolved trace's memory when the engine kept one.
func (e *Engine) newTrace() *traceState {
	if n := len(e.free); n > 0 {
		ts := e.free[n-1]
		e.free = e.free[:n-1]
		return ts
	}
	return &traceState{}
}

// recycle keeps the memory of a resolved trace for a new one, unless enough is kept or it is too large.
func (e *Engine) recycle(ts *traceState) {
	if len(e.free) >= recycleTraces || cap(ts.spans) > recycleSpans {
		return
	}
	clear(ts.spans) // let go of their strings and maps
	clear(ts.exc)
	ts.spans, ts.exc = ts.spans[:0], ts.exc[:0]
	e.free = append(e.free, ts)
}

// ResolveAll resolves every trace held, in trace id order, calls fn with each and forgets them.
func (e *Engine) ResolveAll(fn func(Trace)) {
	ids := make([]pcommon.TraceID, 0, len(e.traces))
	for id := range e.traces {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b pcommon.TraceID) int { return bytes.Compare(a[:], b[:]) })
	for _, id := range ids {
		t, _ := e.Resolve(id)
		fn(t)
	}
}
