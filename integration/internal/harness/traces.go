package harness

import (
	"encoding/binary"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// SyntheticTraces returns n whole traces of service "shop" 1.0.0 (stage "test"), each an entry SERVER span
// with one INTERNAL child, so n sessions. Every 5th trace's child records a handled exception, and every
// 10th trace's entry span ends in Error with an escaped exception, an unhandled one. Trace ids are unique
// per (batch, i), so batches sent at different times never share a trace.
func SyntheticTraces(batch, n int) ptrace.Traces {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	attrs := rs.Resource().Attributes()
	attrs.PutStr("service.name", "shop")
	attrs.PutStr("service.version", "1.0.0")
	attrs.PutStr("deployment.environment.name", "test")
	attrs.PutStr("host.name", "shop-1")
	spans := rs.ScopeSpans().AppendEmpty().Spans()
	start := time.Now().Add(-time.Second)
	for i := range n {
		var tid [16]byte
		binary.BigEndian.PutUint64(tid[:8], uint64(batch)+1) //nolint:gosec // small, positive
		binary.BigEndian.PutUint64(tid[8:], uint64(i)+1)
		root := spans.AppendEmpty()
		fill(root, tid, 1, 0, "GET /items", ptrace.SpanKindServer, start)
		child := spans.AppendEmpty()
		fill(child, tid, 2, 1, "load", ptrace.SpanKindInternal, start)
		if i%5 == 4 {
			exception(child, "handled", false)
		}
		if i%10 == 9 {
			exception(root, "crashed", true)
			root.Status().SetCode(ptrace.StatusCodeError)
		}
	}
	return td
}

func fill(s ptrace.Span, tid [16]byte, id, parent uint64, name string, kind ptrace.SpanKind, start time.Time) {
	s.SetTraceID(pcommon.TraceID(tid))
	s.SetSpanID(spanID(id))
	if parent != 0 {
		s.SetParentSpanID(spanID(parent))
	}
	s.SetName(name)
	s.SetKind(kind)
	s.SetStartTimestamp(pcommon.NewTimestampFromTime(start))
	s.SetEndTimestamp(pcommon.NewTimestampFromTime(start.Add(10 * time.Millisecond)))
}

func spanID(n uint64) pcommon.SpanID {
	var id [8]byte
	binary.BigEndian.PutUint64(id[:], n)
	return pcommon.SpanID(id)
}

func exception(s ptrace.Span, msg string, escaped bool) {
	ev := s.Events().AppendEmpty()
	ev.SetName("exception")
	ev.SetTimestamp(s.EndTimestamp())
	ev.Attributes().PutStr("exception.type", "ItemError")
	ev.Attributes().PutStr("exception.message", msg)
	ev.Attributes().PutBool("exception.escaped", escaped)
}
