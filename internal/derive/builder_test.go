package derive

import (
	"encoding/hex"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// base is the start time of hand-made spans: 2026-12-03T15:04:05Z.
var base = time.Date(2026, 12, 3, 15, 4, 5, 0, time.UTC)

// sp describes a hand-made span.
type sp struct {
	svc, trace, id, parent string
	kind                   ptrace.SpanKind
	err                    bool
	statusMsg              string
	flags                  uint32
	at                     time.Duration // start, after base
	attrs                  map[string]any
	exc                    []map[string]any // exception events' attributes
}

func traceID(s string) pcommon.TraceID {
	var id pcommon.TraceID
	if s == "" {
		s = "t1"
	}
	copy(id[:], []byte(s))
	return id
}

func spanID(s string) pcommon.SpanID {
	var id pcommon.SpanID
	if s == "" {
		return id
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		copy(id[:], []byte(s))
		return id
	}
	copy(id[:], b)
	return id
}

// build makes one batch of spans; spans of one service share a resource.
func build(spans ...sp) ptrace.Traces {
	td := ptrace.NewTraces()
	res := map[string]ptrace.SpanSlice{}
	for _, s := range spans {
		ss, ok := res[s.svc]
		if !ok {
			rs := td.ResourceSpans().AppendEmpty()
			rs.Resource().Attributes().PutStr("service.name", s.svc)
			rs.Resource().Attributes().PutStr("service.version", "1.0.0")
			ss = rs.ScopeSpans().AppendEmpty().Spans()
			res[s.svc] = ss
		}
		out := ss.AppendEmpty()
		out.SetTraceID(traceID(s.trace))
		out.SetSpanID(spanID(s.id))
		out.SetParentSpanID(spanID(s.parent))
		out.SetKind(s.kind)
		out.SetName("span " + s.id)
		out.SetFlags(s.flags)
		out.SetStartTimestamp(pcommon.NewTimestampFromTime(base.Add(s.at)))
		out.SetEndTimestamp(pcommon.NewTimestampFromTime(base.Add(s.at + time.Millisecond)))
		if s.err {
			out.Status().SetCode(ptrace.StatusCodeError)
			out.Status().SetMessage(s.statusMsg)
		}
		_ = out.Attributes().FromRaw(s.attrs)
		for _, ex := range s.exc {
			ev := out.Events().AppendEmpty()
			ev.SetName("exception")
			_ = ev.Attributes().FromRaw(ex)
		}
	}
	return td
}

// derive runs the engine over the batches and returns its report and stats.
func deriveAll(cfg Config, batches ...ptrace.Traces) (*Report, Stats) {
	e := New(cfg)
	for _, b := range batches {
		e.Add(b)
	}
	r := &Report{}
	e.ResolveAll(r.Add)
	return r, e.Stats()
}

const (
	server   = ptrace.SpanKindServer
	client   = ptrace.SpanKindClient
	internal = ptrace.SpanKindInternal
	producer = ptrace.SpanKindProducer
	consumer = ptrace.SpanKindConsumer
	unspec   = ptrace.SpanKindUnspecified
)

func exc(kv ...any) map[string]any {
	m := map[string]any{"exception.type": "Boom", "exception.message": "boom"}
	for i := 0; i+1 < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			panic("exc: keys are strings")
		}
		m[k] = kv[i+1]
	}
	return m
}

// escaped returns one exception event whose exception.escaped is v.
func escaped(v any) []map[string]any { return []map[string]any{exc("exception.escaped", v)} }
