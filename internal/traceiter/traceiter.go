// Package traceiter walks pdata traces span by span, so that the components need not nest three loops over
// resources, scopes and spans each time.
package traceiter

import (
	"iter"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// Spans yields every span of td with its resource, in the order they stand in td. The spans are td's own:
// changing one changes td.
func Spans(td ptrace.Traces) iter.Seq2[pcommon.Resource, ptrace.Span] {
	return func(yield func(pcommon.Resource, ptrace.Span) bool) {
		rss := td.ResourceSpans()
		for i := range rss.Len() {
			rs := rss.At(i)
			sss := rs.ScopeSpans()
			for j := range sss.Len() {
				spans := sss.At(j).Spans()
				for k := range spans.Len() {
					if !yield(rs.Resource(), spans.At(k)) {
						return
					}
				}
			}
		}
	}
}
