package realdata

import "go.opentelemetry.io/collector/pdata/ptrace"

// EachSpan calls fn with every span of td as a batch of its own, a copy with its resource and scope, so that
// tests can send a recording in any split and order.
func EachSpan(td ptrace.Traces, fn func(ptrace.Traces)) {
	rss := td.ResourceSpans()
	for i := range rss.Len() {
		for j := range rss.At(i).ScopeSpans().Len() {
			ss := rss.At(i).ScopeSpans().At(j)
			for k := range ss.Spans().Len() {
				one := ptrace.NewTraces()
				rs := one.ResourceSpans().AppendEmpty()
				rss.At(i).Resource().CopyTo(rs.Resource())
				oss := rs.ScopeSpans().AppendEmpty()
				ss.Scope().CopyTo(oss.Scope())
				ss.Spans().At(k).CopyTo(oss.Spans().AppendEmpty())
				fn(one)
			}
		}
	}
}
