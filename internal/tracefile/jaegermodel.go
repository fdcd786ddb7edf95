package tracefile

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/jaegertracing/jaeger-idl/model/v1"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/translator/jaeger"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// readJaegerTrace converts one Jaeger trace (at offset off of the document) into one batch: spans are grouped into
// a model.Batch per process, in order of first appearance, and translated by the contrib translator.
// A bad span is reported and left out.
func (rd *reader) readJaegerTrace(off int, t *jTrace, lim *errLimiter) {
	var batches []*model.Batch
	byProcess := map[string]*model.Batch{}
	for i := range t.Spans {
		js := &t.Spans[i]
		key, proc, err := jaegerProcess(t, js)
		var span *model.Span
		if err == nil {
			span, err = jaegerSpan(t.TraceID, js)
		}
		if err != nil {
			lim.fail(off, fmt.Errorf("bad Jaeger span: span %d (spanID %q) of %s: %w", i, js.SpanID, traceName(t), err))
			continue
		}
		b := byProcess[key]
		if b == nil {
			b = &model.Batch{Process: proc}
			byProcess[key] = b
			batches = append(batches, b)
		}
		b.Spans = append(b.Spans, span)
	}
	td := ptrace.NewTraces()
	for _, b := range batches {
		// One batch at a time: ProtoToTraces regroups several through a map, in random order.
		one, err := jaeger.ProtoToTraces([]*model.Batch{b})
		if err != nil {
			lim.fail(off, fmt.Errorf("translating Jaeger %s: %w", traceName(t), err))
			continue
		}
		one.ResourceSpans().MoveAndAppendTo(td.ResourceSpans())
	}
	rd.emit(FormatJaegerJSON, td)
}

// traceName names a trace for an error message.
func traceName(t *jTrace) string {
	if t.TraceID == "" {
		return "a trace without traceID"
	}
	return fmt.Sprintf("trace %q", clip(t.TraceID))
}

// jaegerProcess finds the process of a span: by processID in the trace's processes, else embedded.
func jaegerProcess(t *jTrace, js *jSpan) (string, *model.Process, error) {
	p, ok := t.Processes[js.ProcessID]
	key := "id:" + js.ProcessID
	if !ok {
		if js.Process == nil {
			if js.ProcessID == "" {
				return "", nil, errors.New("no processID and no process")
			}
			return "", nil, fmt.Errorf("unknown processID %q (not in the trace's processes, no process in the span)",
				js.ProcessID)
		}
		p = *js.Process
		raw, err := json.Marshal(p)
		if err != nil {
			return "", nil, fmt.Errorf("process: %w", err)
		}
		key = "embedded:" + string(raw)
	}
	return key, &model.Process{ServiceName: p.ServiceName, Tags: jaegerKVs(p.Tags)}, nil
}

// jaegerSpan converts one span; traceID is the trace's, used when the span has none.
func jaegerSpan(traceID string, js *jSpan) (*model.Span, error) {
	if js.TraceID != "" {
		traceID = js.TraceID
	}
	if traceID == "" {
		return nil, errors.New("the span has no traceID either")
	}
	tid, err := jaegerTraceID(traceID)
	if err != nil {
		return nil, fmt.Errorf("traceID: %w", err)
	}
	sid, err := jaegerSpanID(js.SpanID)
	if err != nil {
		return nil, fmt.Errorf("spanID: %w", err)
	}
	if js.Flags < 0 || js.Flags > math.MaxUint32 {
		return nil, fmt.Errorf("flags: %d is out of range (0 to %d)", js.Flags, uint32(math.MaxUint32))
	}
	span := &model.Span{
		TraceID:       tid,
		SpanID:        sid,
		OperationName: js.OperationName,
		Flags:         model.Flags(uint32(js.Flags)),
		StartTime:     time.UnixMicro(int64(js.StartTime)).UTC(),
		Duration:      time.Duration(js.Duration) * time.Microsecond,
		Tags:          jaegerKVs(js.Tags),
	}
	for i, r := range js.References {
		ref, err := jaegerRef(tid, r)
		if err != nil {
			return nil, fmt.Errorf("references[%d]: %w", i, err)
		}
		span.References = append(span.References, ref)
	}
	if js.ParentSpanID != "" {
		pid, err := jaegerSpanID(js.ParentSpanID)
		if err != nil {
			return nil, fmt.Errorf("parentSpanID: %w", err)
		}
		if span.ParentSpanID() != pid {
			span.References = append([]model.SpanRef{model.NewChildOfRef(tid, pid)}, span.References...)
		}
	}
	for _, l := range js.Logs {
		span.Logs = append(span.Logs, model.Log{
			Timestamp: time.UnixMicro(int64(l.Timestamp)).UTC(),
			Fields:    jaegerKVs(l.Fields),
		})
	}
	return span, nil
}

// jaegerRef converts a reference; a reference without a traceID is to the span's trace.
func jaegerRef(tid model.TraceID, r jRef) (model.SpanRef, error) {
	if r.TraceID != "" {
		var err error
		if tid, err = jaegerTraceID(r.TraceID); err != nil {
			return model.SpanRef{}, fmt.Errorf("traceID: %w", err)
		}
	}
	sid, err := jaegerSpanID(r.SpanID)
	if err != nil {
		return model.SpanRef{}, fmt.Errorf("spanID: %w", err)
	}
	switch strings.ToUpper(r.RefType) {
	case "CHILD_OF", "":
		return model.NewChildOfRef(tid, sid), nil
	case "FOLLOWS_FROM":
		return model.NewFollowsFromRef(tid, sid), nil
	default:
		return model.SpanRef{}, fmt.Errorf("unknown refType %q", r.RefType)
	}
}

// jaegerTraceID parses a trace id of up to 32 hex digits; leading zeros may be missing.
func jaegerTraceID(s string) (model.TraceID, error) {
	if s == "" {
		return model.TraceID{}, errors.New("missing")
	}
	if len(s) > 32 || !isHex(s) {
		return model.TraceID{}, fmt.Errorf("%q is not up to 32 hex digits", clip(s))
	}
	tid, err := model.TraceIDFromString(s)
	if err == nil && tid.High == 0 && tid.Low == 0 {
		err = errors.New("all zero")
	}
	return tid, err
}

// jaegerSpanID parses a span id of up to 16 hex digits; leading zeros may be missing.
func jaegerSpanID(s string) (model.SpanID, error) {
	if s == "" {
		return 0, errors.New("missing")
	}
	if len(s) > 16 || !isHex(s) {
		return 0, fmt.Errorf("%q is not up to 16 hex digits", clip(s))
	}
	sid, err := model.SpanIDFromString(s)
	if err == nil && sid == 0 {
		err = errors.New("all zero")
	}
	return sid, err
}

func isHex(s string) bool {
	for i := range len(s) {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') && (c < 'A' || c > 'F') {
			return false
		}
	}
	return true
}

// jaegerKVs converts tags or log fields. A value that does not fit its declared type is kept as a string.
func jaegerKVs(kvs []jKV) []model.KeyValue {
	if len(kvs) == 0 {
		return nil
	}
	out := make([]model.KeyValue, 0, len(kvs))
	for _, kv := range kvs {
		out = append(out, jaegerKV(kv))
	}
	return out
}

func jaegerKV(kv jKV) model.KeyValue {
	var str string
	isStr := json.Unmarshal(kv.Value, &str) == nil && len(kv.Value) > 0 && kv.Value[0] == '"'
	text := str
	if !isStr {
		text = string(kv.Value)
	}
	typ := strings.ToLower(kv.Type)
	if typ == "" {
		typ = inferType(kv.Value)
	}
	switch typ {
	case "bool", "boolean":
		if b, err := strconv.ParseBool(text); err == nil {
			return model.Bool(kv.Key, b)
		}
	case "int64", "int", "integer":
		if i, err := strconv.ParseInt(text, 10, 64); err == nil {
			return model.Int64(kv.Key, i)
		}
	case "float64", "float", "double":
		if f, err := strconv.ParseFloat(text, 64); err == nil {
			return model.Float64(kv.Key, f)
		}
	case "binary":
		if b, err := base64.StdEncoding.DecodeString(text); err == nil {
			return model.Binary(kv.Key, b)
		}
		if b, err := hex.DecodeString(text); err == nil {
			return model.Binary(kv.Key, b)
		}
		return model.Binary(kv.Key, []byte(text))
	}
	if !isStr && (text == "null" || text == "") {
		text = ""
	}
	return model.String(kv.Key, text)
}

// inferType guesses the Jaeger type of an untyped value.
func inferType(v json.RawMessage) string {
	switch firstByte(v) {
	case 't', 'f':
		return "bool"
	case '"', 0, 'n', '{', '[':
		return "string"
	}
	if _, err := strconv.ParseInt(string(v), 10, 64); err == nil {
		return "int64"
	}
	return "float64"
}
