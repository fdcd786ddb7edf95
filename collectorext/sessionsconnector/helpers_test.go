package sessionsconnector

import (
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

const (
	server   = ptrace.SpanKindServer
	internal = ptrace.SpanKindInternal
)

// spanSpec describes a test span: ids are single bytes, 0 meaning no parent.
type spanSpec struct {
	trace, id, parent byte
	kind              ptrace.SpanKind
	service, route    string
	statusError       bool
	handledException  bool
}

func span(id, parent byte, kind ptrace.SpanKind) spanSpec {
	return spanSpec{id: id, parent: parent, kind: kind, service: "a"}
}

func (s spanSpec) in(service string) spanSpec    { s.service = service; return s }
func (s spanSpec) onRoute(r string) spanSpec     { s.route = r; return s }
func (s spanSpec) failing() spanSpec             { s.statusError = true; return s }
func (s spanSpec) withException() spanSpec       { s.handledException = true; return s }
func trace(n byte, specs ...spanSpec) []spanSpec { return setTrace(n, specs) }

func setTrace(n byte, specs []spanSpec) []spanSpec {
	for i := range specs {
		specs[i].trace = n
	}
	return specs
}

// newTraces builds one batch of the spans of any number of traces, one resource per service.
func newTraces(traces ...[]spanSpec) ptrace.Traces {
	td := ptrace.NewTraces()
	scopes := map[string]ptrace.SpanSlice{}
	for _, specs := range traces {
		for _, s := range specs {
			spans, ok := scopes[s.service]
			if !ok {
				rs := td.ResourceSpans().AppendEmpty()
				rs.Resource().Attributes().PutStr("service.name", s.service)
				rs.Resource().Attributes().PutStr("service.version", "1.0")
				rs.Resource().Attributes().PutStr("deployment.environment.name", "production")
				spans = rs.ScopeSpans().AppendEmpty().Spans()
				scopes[s.service] = spans
			}
			fill(spans.AppendEmpty(), s)
		}
	}
	return td
}

func fill(sp ptrace.Span, s spanSpec) {
	sp.SetTraceID(pcommon.TraceID{15: s.trace})
	sp.SetSpanID(spanID(s.id))
	sp.SetParentSpanID(spanID(s.parent))
	sp.SetKind(s.kind)
	sp.SetName("span")
	sp.SetStartTimestamp(pcommon.Timestamp(int64(s.id) * int64(time.Millisecond)))
	if s.route != "" {
		sp.Attributes().PutStr("http.route", s.route)
	}
	if s.statusError {
		sp.Status().SetCode(ptrace.StatusCodeError)
		sp.Status().SetMessage("boom")
	}
	if s.handledException {
		ev := sp.Events().AppendEmpty()
		ev.SetName("exception")
		ev.Attributes().PutStr("exception.type", "E")
		ev.Attributes().PutStr("exception.message", "handled")
	}
}

func spanID(n byte) pcommon.SpanID {
	if n == 0 {
		return pcommon.SpanID{}
	}
	return pcommon.SpanID{7: n}
}

// sumOf adds the values of every data point of the named metric for which keep is true (nil keeps all).
func sumOf(mds []pmetric.Metrics, name string, keep func(res, dp pcommon.Map) bool) int64 {
	var total int64
	for _, md := range mds {
		for i := range md.ResourceMetrics().Len() {
			rm := md.ResourceMetrics().At(i)
			for j := range rm.ScopeMetrics().Len() {
				ms := rm.ScopeMetrics().At(j).Metrics()
				for k := range ms.Len() {
					if ms.At(k).Name() != name {
						continue
					}
					dps := ms.At(k).Sum().DataPoints()
					for l := range dps.Len() {
						if keep == nil || keep(rm.Resource().Attributes(), dps.At(l).Attributes()) {
							total += dps.At(l).IntValue()
						}
					}
				}
			}
		}
	}
	return total
}

// attrIs keeps data points whose attribute key has the value want (as a string).
func attrIs(key, want string) func(_, dp pcommon.Map) bool {
	return func(_, dp pcommon.Map) bool {
		v, ok := dp.Get(key)
		return ok && v.AsString() == want
	}
}

// serviceIs keeps data points of the given service.name.
func serviceIs(want string) func(res, _ pcommon.Map) bool {
	return func(res, _ pcommon.Map) bool {
		v, ok := res.Get("service.name")
		return ok && v.Str() == want
	}
}
