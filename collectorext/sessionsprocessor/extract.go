package sessionsprocessor

import "go.opentelemetry.io/collector/pdata/ptrace"

// extract takes from td the spans whose flag in keep is set (one flag per span, in traceiter.Spans' order) and
// returns them with copies of their resources and scopes. Scopes and resources that it empties leave td.
func extract(td ptrace.Traces, keep []bool) ptrace.Traces {
	out := ptrace.NewTraces()
	n := 0
	td.ResourceSpans().RemoveIf(func(rs ptrace.ResourceSpans) bool {
		var dstRS ptrace.ResourceSpans
		haveRS := false
		rs.ScopeSpans().RemoveIf(func(ss ptrace.ScopeSpans) bool {
			var dst ptrace.SpanSlice
			haveSS := false
			ss.Spans().RemoveIf(func(span ptrace.Span) bool {
				k := keep[n]
				n++
				if !k {
					return false
				}
				if !haveRS {
					dstRS, haveRS = out.ResourceSpans().AppendEmpty(), true
					rs.Resource().CopyTo(dstRS.Resource())
					dstRS.SetSchemaUrl(rs.SchemaUrl())
				}
				if !haveSS {
					dss := dstRS.ScopeSpans().AppendEmpty()
					ss.Scope().CopyTo(dss.Scope())
					dss.SetSchemaUrl(ss.SchemaUrl())
					dst, haveSS = dss.Spans(), true
				}
				span.CopyTo(dst.AppendEmpty())
				return true
			})
			return haveSS && ss.Spans().Len() == 0
		})
		return haveRS && rs.ScopeSpans().Len() == 0
	})
	return out
}
