package derive

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"slices"
)

// canonicalize puts a trace's spans in one order whatever order they arrived in, so that every choice
// between look-alike spans (which of two copies of a span counts, which of several entry spans with one id
// starts the session) is the same for every batching and file order. Exception events follow their spans.
// It returns the spans in that order, in the engine's scratch memory unless they arrived in it.
func (e *Engine) canonicalize(ts *traceState) []spanRec {
	n := len(ts.spans)
	perm := resize(e.buf.perm, n)
	for i := range perm {
		perm[i] = int32(i)
	}
	// Spans that compare equal keep their order of arrival, as a stable sort would keep them.
	slices.SortFunc(perm, func(a, b int32) int {
		return cmp.Or(e.compareSpans(&ts.spans[a], &ts.spans[b]), cmp.Compare(a, b))
	})
	e.buf.perm = perm
	spans := ts.spans
	if !isIdentity(perm) {
		spans = resize(e.buf.spans, n)
		inverse := resize(e.buf.inverse, n)
		for to, from := range perm {
			spans[to] = ts.spans[from]
			inverse[from] = int32(to)
		}
		for i := range ts.exc {
			ts.exc[i].span = inverse[ts.exc[i].span]
		}
		e.buf.spans, e.buf.inverse = spans, inverse
	}
	if len(ts.exc) > 1 {
		slices.SortStableFunc(ts.exc, func(a, b excRec) int {
			return cmp.Or(cmp.Compare(a.span, b.span), cmp.Compare(a.time, b.time), cmp.Compare(a.class, b.class),
				cmp.Compare(a.message, b.message))
		})
	}
	return spans
}

// isIdentity reports whether perm leaves every element in its place.
func isIdentity(perm []int32) bool {
	for i, p := range perm {
		if int(p) != i {
			return false
		}
	}
	return true
}

// compareSpans orders spans by id, kind, start and parent, then puts the copy with more error information
// first, then orders by service: of look-alike entry spans the earliest comes first. Ids differ for almost
// every pair, so they are compared first, as numbers, and the rest only for spans that share one.
func (e *Engine) compareSpans(a, b *spanRec) int {
	if c := cmp.Compare(binary.BigEndian.Uint64(a.id[:]), binary.BigEndian.Uint64(b.id[:])); c != 0 {
		return c
	}
	return cmp.Or(
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
