package derive

import (
	"bytes"
	"cmp"
	"slices"
)

// canonicalize puts a trace's spans in one order whatever order they arrived in, so that every choice
// between look-alike spans (which of two copies of a span counts, which of several entry spans with one id
// starts the session) is the same for every batching and file order. Exception events follow their spans.
func (e *Engine) canonicalize(ts *traceState) {
	n := len(ts.spans)
	perm := make([]int32, n)
	for i := range perm {
		perm[i] = int32(i)
	}
	slices.SortStableFunc(perm, func(a, b int32) int { return e.compareSpans(&ts.spans[a], &ts.spans[b]) })
	inverse := make([]int32, n)
	spans := make([]spanRec, n)
	for to, from := range perm {
		spans[to] = ts.spans[from]
		inverse[from] = int32(to)
	}
	ts.spans = spans
	for i := range ts.exc {
		ts.exc[i].span = inverse[ts.exc[i].span]
	}
	slices.SortStableFunc(ts.exc, func(a, b excRec) int {
		return cmp.Or(cmp.Compare(a.span, b.span), cmp.Compare(a.time, b.time), cmp.Compare(a.class, b.class),
			cmp.Compare(a.message, b.message))
	})
}

// compareSpans orders spans by id, kind, start and parent, then puts the copy with more error information
// first, then orders by service: of look-alike entry spans the earliest comes first.
func (e *Engine) compareSpans(a, b *spanRec) int {
	return cmp.Or(
		bytes.Compare(a.id[:], b.id[:]),
		cmp.Compare(a.kind, b.kind),
		cmp.Compare(a.start, b.start),
		bytes.Compare(a.parent[:], b.parent[:]),
		-cmp.Compare(b2i(a.statusErr), b2i(b.statusErr)),
		-cmp.Compare(a.nexc, b.nexc),
		cmp.Compare(e.resources[a.res].Service, e.resources[b.res].Service),
		cmp.Compare(a.override, b.override),
		cmp.Compare(a.flags, b.flags),
	)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
