package tracefile

import (
	"bytes"
	"compress/gzip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// TestReadMessages: each input gives one error that says plainly what is wrong, without Go type dumps.
func TestReadMessages(t *testing.T) {
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	_, err := w.Write([]byte(otlpLine("0000000000000001")))
	require.NoError(t, err)
	require.NoError(t, w.Close())

	td := ptrace.NewTraces()
	span := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty()
	span.SetTraceID([16]byte{1})
	span.SetSpanID([8]byte{2})
	span.SetName("a span with a long enough name")
	var m ptrace.ProtoMarshaler
	pb, err := m.MarshalTraces(td)
	require.NoError(t, err)

	zipkinSpan := func(fields string) string {
		return `[{"traceId":"a03ee8fff1dcd9b9","id":"15fc03927f0f68df","name":"ok"},{` + fields + `,"name":"x"}]`
	}
	tests := []struct {
		name  string
		input []byte
		want  string // the whole message, or a regular expression when re
		re    bool
		spans int
	}{
		{
			name: "array of numbers", input: []byte(`[1,2,3]`),
			want: "in:1:1: not trace data: a JSON array whose elements are not Zipkin spans (the first is a number)",
		},
		{
			name: "JSON string", input: []byte(` "hello"`),
			want: "in:1:2: not trace data: a JSON string, not an object or array",
		},
		{
			name: "JSON number", input: []byte("42\n"),
			want: "in:1:1: not trace data: a JSON number, not an object or array",
		},
		{name: "JSON null", input: []byte("null"), want: "in:1:1: not trace data: a JSON null, not an object or array"},
		{name: "gzip", input: gz.Bytes(), want: "in: not trace data: gzip-compressed; decompress it first"},
		{
			name: "truncated protobuf", input: pb[:len(pb)-5], re: true,
			want: `^in: not trace data \(tried OTLP protobuf: truncated or not OTLP protobuf at byte offset \d+: ` +
				`resource_spans\.scope_spans\.spans\.field \d+ declares \d+ bytes, only \d+ remain\)$`,
		},
		{
			name: "protobuf cut in a length", input: pb[:2], re: true,
			want: `^in: not trace data \(tried OTLP protobuf: truncated or not OTLP protobuf at byte offset 0: ` +
				`resource_spans declares \d+ bytes, only 0 remain\)$`,
		},
		{
			name: "zipkin bad id", input: []byte(zipkinSpan(`"traceId":"a03ee8fff1dcd9b9","id":"nothex"`)), spans: 1,
			want: `in:1:69: bad Zipkin span: id "nothex" is not an id of 1 to 16 hex digits`,
		},
		{
			name: "zipkin bad traceId", input: []byte(zipkinSpan(`"traceId":"xyz","id":"1"`)), spans: 1,
			want: `in:1:69: bad Zipkin span: traceId "xyz" is not an id of 1 to 32 hex digits`,
		},
		{
			name:  "zipkin bad parentId",
			input: []byte(zipkinSpan(`"traceId":"a03ee8fff1dcd9b9","id":"1","parentId":"zz"`)), spans: 1,
			want: `in:1:69: bad Zipkin span: parentId "zz" is not an id of 1 to 16 hex digits`,
		},
		{
			name:  "zipkin id of the wrong type",
			input: []byte(zipkinSpan(`"traceId":"a03ee8fff1dcd9b9","id":12`)), spans: 1,
			want: `in:1:69: bad Zipkin span: id: want a hex string, got a number`,
		},
		{
			name:  "zipkin timestamp of the wrong type",
			input: []byte(zipkinSpan(`"traceId":"a03ee8fff1dcd9b9","id":"1","timestamp":"soon"`)), spans: 1,
			want: `in:1:69: bad Zipkin span: timestamp: want an integer, got a JSON string`,
		},
		{
			name:  "zipkin endpoint of the wrong type",
			input: []byte(zipkinSpan(`"traceId":"a03ee8fff1dcd9b9","id":"1","localEndpoint":{"serviceName":5}`)),
			spans: 1,
			want:  `in:1:69: bad Zipkin span: localEndpoint.serviceName: want a string, got a JSON number`,
		},
		{
			name: "empty object", input: []byte("{}"),
			want: "in:1:1: not trace data: an empty JSON object " +
				"(want resourceSpans, batches, data, or an array of Zipkin spans)",
		},
		{
			name:  "jaeger trace without id",
			input: []byte(`{"data":[{"traceID":"","spans":[{"spanID":"1","process":{"serviceName":"s"}}]}]}`),
			want: `in:1:10: bad Jaeger span: span 0 (spanID "1") of a trace without traceID: ` +
				`the span has no traceID either`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _, err := readBytes(t, "in", tt.input)
			assert.Equal(t, tt.spans, st.Spans)
			errs := fileErrors(t, err)
			require.Len(t, errs, 1, "%v", err)
			msg := errs[0].Error()
			if tt.re {
				assert.Regexp(t, tt.want, msg)
			} else {
				assert.Equal(t, tt.want, msg)
			}
			assert.NotContains(t, msg, "struct {")
			assert.NotContains(t, msg, "Go value")
		})
	}
}
