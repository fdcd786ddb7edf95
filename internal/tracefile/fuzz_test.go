package tracefile

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/pdata/ptrace"
)

// FuzzRead checks that Read never panics and that every error it returns is an *Error.
func FuzzRead(f *testing.F) {
	seeds := []string{
		"",
		"{}",
		"[]",
		`{"foo":1}`,
		`[1,2]`,
		"\x00\x01garbage",
		`{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c",` +
			`"spanId":"eee19b7ec3c1b174","name":"op","kind":"SPAN_KIND_SERVER"}]}]}]}`,
		`{"batches":[{"instrumentationLibrarySpans":[{"instrumentationLibrary":{"name":"l"},"spans":[` +
			`{"traceId":"W47/95gDgQPSabYzgT/GDA==","spanId":"7uGbfsPBsXQ=","links":[{"spanId":"7uGbfsPBsXQ="}]}]}]}]}`,
		`{"resourceLogs":[]}` + "\n" + `{"resourceSpans":[]}` + "\n" + `{"resourceSpans":[{"scop`,
		`[{"traceId":"a03ee8fff1dcd9b9","id":"15fc03927f0f68df","kind":"SERVER","name":"get","timestamp":1,` +
			`"duration":2,"shared":true,"tags":{"error":""},"annotations":[{"timestamp":1,"value":"a|b|c"}]}]`,
		jaegerDoc,
		`{"data":[{"traceID":"1","spans":[{"spanID":"1","processID":"p9"}],"processes":{}}],"errors":[{"msg":"x"}]}`,
		"\n{\x00",
		otlpLine("0000000000000001") + " xx\n{\n \"resourceSpans\": [\n" + otlpLine("0000000000000002") + ",",
		`{"resourceSpans":[{"resource":{"attributes":[{"key":"k","value":{"intValue":"x"}}]},"scopeSpans":[` +
			`{"spans":[{"spanId":"AAAAAAAAAAE=","kind":"NOPE","links":[{"spanId":"zz"}],` +
			`"attributes":[{"key":"a","value":{"doubleValue":[]}}]},{"spanId":"0000000000000002"}]}]}]}`,
		"[1,{\"traceId\":\"1\",\"id\":\"nothex\"}] 7 , [",
		"\x1f\x8b\x08",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	var m ptrace.ProtoMarshaler
	td := ptrace.NewTraces()
	span := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty()
	span.SetTraceID([16]byte{1})
	span.SetSpanID([8]byte{1})
	if pb, err := m.MarshalTraces(td); err == nil {
		f.Add(pb)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		spans := 0
		st, err := Read("fuzz", bytes.NewReader(data), func(td ptrace.Traces) { spans += td.SpanCount() })
		if spans != st.Spans {
			t.Fatalf("callback saw %d spans, Stats say %d", spans, st.Spans)
		}
		if err == nil {
			return
		}
		joined, ok := err.(interface{ Unwrap() []error })
		if !ok {
			t.Fatalf("error is not joined: %T", err)
		}
		for _, e := range joined.Unwrap() {
			var fe *Error
			if !errors.As(e, &fe) {
				t.Fatalf("%T is not *Error: %v", e, e)
			}
			msg := fe.Error()
			if len(msg) == 0 {
				t.Fatal("empty error message")
			}
			if strings.Contains(msg, "internal error") {
				t.Fatalf("a bug surfaced as an error: %s", msg)
			}
		}
	})
}
