package derive

import (
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

const (
	noParent      = -1 // the span is a root
	missingParent = -2 // the span's parent is not in the data
	unknown       = -3 // not computed yet
)

// resolver resolves one trace.
type resolver struct {
	e      *Engine
	spans  []spanRec
	first  map[pcommon.SpanID]int32 // first span with an id
	next   []int32                  // next span with the same id, or -1
	dup    []bool
	parent []int32
	entry  []bool
	sess   []int32
}

func (e *Engine) resolve(id pcommon.TraceID, ts *traceState) Trace {
	e.canonicalize(ts)
	n := len(ts.spans)
	r := &resolver{
		e: e, spans: ts.spans, first: make(map[pcommon.SpanID]int32, n),
		next: make([]int32, n), dup: make([]bool, n), parent: make([]int32, n), entry: make([]bool, n),
		sess: make([]int32, n),
	}
	r.index()
	for i := range r.spans {
		r.parent[i] = r.parentOf(int32(i))
	}
	t := Trace{ID: id, SpanSessions: make(map[SpanRef]int, n)}
	r.startSessions(&t)
	if e.cfg.JoinTagged {
		r.joinSessions(&t)
	}
	for i := range r.spans {
		if r.dup[i] {
			continue
		}
		t.Spans++
		if s := r.sessionOf(int32(i)); s >= 0 {
			t.SpanSessions[SpanRef{ID: r.spans[i].id, Kind: r.spans[i].kind}] = int(s)
		}
	}
	r.errorEvents(&t, ts.exc)
	return t
}

// index chains spans by id and marks exact repeats (same id, kind, parent and start) as duplicates.
func (r *resolver) index() {
	for i := range r.spans {
		r.next[i] = -1
		s := &r.spans[i]
		j, ok := r.first[s.id]
		if !ok {
			r.first[s.id] = int32(i)
			continue
		}
		for ; ; j = r.next[j] {
			o := &r.spans[j]
			if o.kind == s.kind && o.parent == s.parent && o.start == s.start {
				r.dup[i] = true
				r.e.stats.DuplicateSpans++
				r.e.stats.Spans--
				break
			}
			if r.next[j] < 0 {
				r.next[j] = int32(i)
				break
			}
		}
	}
}

// parentOf finds the span's parent. A SERVER span that shares its id with a CLIENT span is a Zipkin shared
// server half: the CLIENT is its parent. Of several spans with the parent's id, the SERVER half wins, since
// spans hang under the server side of a shared id.
func (r *resolver) parentOf(i int32) int32 {
	s := &r.spans[i]
	if s.kind == ptrace.SpanKindServer {
		for j := r.first[s.id]; j >= 0; j = r.next[j] {
			if j != i && r.spans[j].kind == ptrace.SpanKindClient {
				return j
			}
		}
	}
	if s.parent.IsEmpty() {
		return noParent
	}
	j, ok := r.first[s.parent]
	if !ok {
		return missingParent
	}
	best := int32(missingParent)
	for ; j >= 0; j = r.next[j] {
		if j == i || r.dup[j] {
			continue
		}
		if r.spans[j].kind == ptrace.SpanKindServer {
			return j
		}
		if best == missingParent {
			best = j
		}
	}
	return best
}

// isEntry applies the entry-span rules of docs/semantics.md.
func (r *resolver) isEntry(i int32) bool {
	s := &r.spans[i]
	cfg := &r.e.cfg
	switch s.kind {
	case ptrace.SpanKindServer:
	case ptrace.SpanKindConsumer:
		if !cfg.ConsumerEntries {
			return false
		}
	case ptrace.SpanKindInternal, ptrace.SpanKindUnspecified:
		return cfg.InternalRootEntries && r.parent[i] == noParent
	default:
		return false
	}
	p := r.parent[i]
	switch {
	case p == noParent:
		return true
	case p >= 0 && r.spans[p].id == s.id:
		return true // the server half of a Zipkin shared span, called by its CLIENT twin
	case s.flags&flagHasIsRemote != 0:
		return s.flags&flagIsRemote != 0
	case p == missingParent:
		return true
	}
	ps := &r.spans[p]
	if r.e.resources[ps.res].Service != r.e.resources[s.res].Service {
		return true
	}
	return ps.kind == ptrace.SpanKindClient || ps.kind == ptrace.SpanKindProducer
}
