package derive

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"slices"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// canonicalize puts a trace's spans in one order whatever order they arrived in, so that every choice
// between look-alike spans (which of two copies of a span counts, which of several entry spans with one id
// starts the session) is the same for every batching and file order. Exception events follow their spans.
// It returns the spans in that order, in the engine's scratch memory unless they arrived in it.
//
// It sorts keys (each span's id as a number, and its index) rather than the spans: keys are small and
// compared without a call for spans whose ids differ, almost every pair. The sorted ids are left in
// e.buf.ids, where the resolver finds spans by id.
func (e *Engine) canonicalize(ts *traceState) []spanRec {
	n := len(ts.spans)
	keys := resize(e.buf.keys, n)
	for i := range ts.spans {
		keys[i] = sortKey{id: spanIDKey(ts.spans[i].id), idx: int32(i)}
	}
	// Spans that compare equal keep their order of arrival, as a stable sort would keep them.
	slices.SortFunc(keys, func(a, b sortKey) int {
		if a.id != b.id {
			return cmp.Compare(a.id, b.id)
		}
		return cmp.Or(e.compareSpans(&ts.spans[a.idx], &ts.spans[b.idx]), cmp.Compare(a.idx, b.idx))
	})
	e.buf.keys = keys
	ids := resize(e.buf.ids, n)
	for i, k := range keys {
		ids[i] = k.id
	}
	e.buf.ids = ids
	spans := ts.spans
	if !isIdentity(keys) {
		spans = resize(e.buf.spans, n)
		inverse := resize(e.buf.inverse, n)
		for to, k := range keys {
			spans[to] = ts.spans[k.idx]
			inverse[k.idx] = int32(to)
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

// sortKey is what canonicalize sorts for a span: its id as a number and its index of arrival.
type sortKey struct {
	id  uint64
	idx int32
}

// spanIDKey is a span id as a number that orders ids as their bytes do.
func spanIDKey(id pcommon.SpanID) uint64 { return binary.BigEndian.Uint64(id[:]) }

// isIdentity reports whether the sorted keys leave every span in its place.
func isIdentity(keys []sortKey) bool {
	for i, k := range keys {
		if int(k.idx) != i {
			return false
		}
	}
	return true
}

// compareSpans orders spans by id, kind, start and parent, then puts the copy with more error information
// first, then orders by service: of look-alike entry spans the earliest comes first. Ids differ for almost
// every pair, so they are compared first, as numbers, and the rest only for spans that share one.
func (e *Engine) compareSpans(a, b *spanRec) int {
	if c := cmp.Compare(spanIDKey(a.id), spanIDKey(b.id)); c != 0 {
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
