package derive

import (
	"slices"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

const (
	noParent      = -1 // the span is a root
	missingParent = -2 // the span's parent is not in the data
	unknown       = -3 // not computed yet
)

// resolver resolves one trace. Its spans are in canonical order, which sorts them by id: the spans that share
// an id are side by side, and a span's parent is found by binary search.
type resolver struct {
	e      *Engine
	spans  []spanRec
	ids    []uint64 // the spans' ids as numbers (spanIDKey), in the same order
	dup    []bool
	parent []int32
	entry  []bool
	sess   []int32
	path   []int32 // sessionOf's walk
}

// scratch is the memory the engine reuses from one trace's resolution to the next.
type scratch struct {
	keys     []sortKey
	ids      []uint64
	inverse  []int32
	spans    []spanRec
	resolver resolver
}

func (e *Engine) resolve(id pcommon.TraceID, ts *traceState) Trace {
	spans := e.canonicalize(ts)
	n := len(spans)
	r := &e.buf.resolver
	*r = resolver{
		e: e, spans: spans, ids: e.buf.ids, dup: resize(r.dup, n), parent: resize(r.parent, n),
		entry: resize(r.entry, n), sess: resize(r.sess, n), path: r.path[:0],
	}
	r.index()
	for i := range r.spans {
		r.parent[i] = r.parentOf(int32(i))
	}
	t := Trace{ID: id}
	r.startSessions(&t)
	if e.cfg.JoinTagged {
		r.joinSessions(&t)
	}
	if e.cfg.SpanSessions {
		t.SpanSessions = make([]SpanSession, 0, n)
	}
	for i := range r.spans {
		if r.dup[i] {
			continue
		}
		t.Spans++
		if s := r.sessionOf(int32(i)); s >= 0 && e.cfg.SpanSessions {
			ref := SpanRef{ID: r.spans[i].id, Kind: r.spans[i].kind}
			t.SpanSessions = appendSpanSession(t.SpanSessions, ref, int(s))
		}
	}
	if e.cfg.SpanSessions {
		t.arrival = r.arrivalSessions(t.SpanSessions, e.buf.keys)
	}
	r.errorEvents(&t, ts.exc)
	clear(spans) // let go of the strings and maps of the spans, which the scratch memory would keep alive
	r.spans = nil
	return t
}

// arrivalSessions gives each span, in the order the engine was given them, its session as spanSessions
// gives it by span id and kind: spans in canonical order meet spanSessions, which has that order, in one
// pass. keys are canonicalize's, which tell each canonical position's place of arrival.
func (r *resolver) arrivalSessions(spanSessions []SpanSession, keys []sortKey) []int32 {
	arrival := make([]int32, len(r.spans))
	j := 0
	for i := range r.spans {
		ref := SpanRef{ID: r.spans[i].id, Kind: r.spans[i].kind}
		for j < len(spanSessions) && compareSpanRefs(spanSessions[j].Span, ref) < 0 {
			j++
		}
		s := int32(-1)
		if j < len(spanSessions) && spanSessions[j].Span == ref {
			s = int32(spanSessions[j].Session) //nolint:gosec // fewer sessions than spans, below MaxTraceSpans
		}
		arrival[keys[i].idx] = s
	}
	return arrival
}

// resize returns s with length n and every element zero, reusing its memory when it is large enough.
func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	s = s[:n]
	clear(s)
	return s
}

// index marks exact repeats (same id, kind, parent and start) as duplicates: in canonical order they follow
// the span they repeat.
func (r *resolver) index() {
	for i := 1; i < len(r.spans); i++ {
		s, o := &r.spans[i], &r.spans[i-1]
		if o.id == s.id && o.kind == s.kind && o.parent == s.parent && o.start == s.start {
			r.dup[i] = true
			r.e.stats.DuplicateSpans++
			r.e.stats.Spans--
		}
	}
}

// withID returns the range of spans whose id is id.
func (r *resolver) withID(id pcommon.SpanID) (lo, hi int32) {
	key := spanIDKey(id)
	i, _ := slices.BinarySearch(r.ids, key)
	lo, hi = int32(i), int32(i) //nolint:gosec // below MaxTraceSpans
	for int(hi) < len(r.ids) && r.ids[hi] == key {
		hi++
	}
	return lo, hi
}

// parentOf finds the span's parent. A SERVER span that shares its id with a CLIENT span is a Zipkin shared
// server half: the CLIENT is its parent. Of several spans with the parent's id, the SERVER half wins, since
// spans hang under the server side of a shared id.
func (r *resolver) parentOf(i int32) int32 {
	s := &r.spans[i]
	if s.kind == ptrace.SpanKindServer {
		lo := i
		for lo > 0 && r.spans[lo-1].id == s.id {
			lo--
		}
		for j := lo; int(j) < len(r.spans) && r.spans[j].id == s.id; j++ {
			if j != i && !r.dup[j] && r.spans[j].kind == ptrace.SpanKindClient {
				return j
			}
		}
	}
	if s.parent.IsEmpty() {
		return noParent
	}
	lo, hi := r.withID(s.parent)
	best := int32(missingParent)
	for j := lo; j < hi; j++ {
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
