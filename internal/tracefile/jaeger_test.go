package tracefile

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// jaegerDoc is a Jaeger UI download with a processes map, an embedded process, ids missing their
// leading zeros, every tag type, logs, a FOLLOWS_FROM-only span and UI-only fields.
const jaegerDoc = `{"data":[{"traceID":"f193b529238b61125a300860b18b33","spans":[
{"traceID":"f193b529238b61125a300860b18b33","spanID":"b14ad8bde587da0","operationName":"client op",
 "references":[],"startTime":1771645495104213,"duration":11761,"flags":1,
 "tags":[{"key":"span.kind","type":"string","value":"client"},
  {"key":"i","type":"int64","value":12},{"key":"istr","type":"int64","value":"-4367687927108894352"},
  {"key":"f","type":"float64","value":1.5},{"key":"b","type":"bool","value":true},
  {"key":"bin","type":"binary","value":"AQID"},{"key":"notint","type":"int64","value":"abc"}],
 "logs":[{"timestamp":1771645495104437,"fields":[{"key":"event","type":"string","value":"client send"},
  {"key":"url","type":"string","value":"http://x"}]}],
 "processID":"p1","warnings":null,"relativeStartTime":0,"depth":0,"hasChildren":true},
{"traceID":"f193b529238b61125a300860b18b33","spanID":"dc9b3f8cf5704cd9","operationName":"server op",
 "references":[{"refType":"CHILD_OF","traceID":"f193b529238b61125a300860b18b33","spanID":"b14ad8bde587da0",
  "span":{"traceID":"f193b529238b61125a300860b18b33","spanID":"b14ad8bde587da0","operationName":"client op"}},
  {"refType":"FOLLOWS_FROM","traceID":"f193b529238b61125a300860b18b33","spanID":"1"}],
 "startTime":1771645495106739,"duration":8000,
 "tags":[{"key":"span.kind","type":"string","value":"server"},{"key":"error","type":"bool","value":true}],
 "logs":[],"process":{"serviceName":"backend","tags":[]},"relativeStartTime":2526,"depth":1,"hasChildren":false},
{"spanID":"00000000000000aa","operationName":"async","references":[{"refType":"FOLLOWS_FROM",
  "traceID":"f193b529238b61125a300860b18b33","spanID":"dc9b3f8cf5704cd9"}],"startTime":"1771645495106800",
 "duration":"10","tags":[],"processID":"p1"}
],"processes":{"p1":{"serviceName":"frontend","tags":[{"key":"hostname","type":"string","value":"h1"}]}},
"warnings":null}],"total":0,"limit":0,"offset":0,"errors":null}`

func TestReadJaeger(t *testing.T) {
	st, tds, err := readBytes(t, "jaeger.json", []byte(jaegerDoc))
	require.NoError(t, err)
	assert.Equal(t, Stats{Format: FormatJaegerJSON, Batches: 1, Spans: 3}, st)
	require.Len(t, tds, 1)
	rss := tds[0].ResourceSpans()
	require.Equal(t, 2, rss.Len(), "one resource per process, in order of appearance")
	svc := func(i int) string {
		v, _ := rss.At(i).Resource().Attributes().Get("service.name")
		return v.Str()
	}
	assert.Equal(t, "frontend", svc(0))
	assert.Equal(t, "backend", svc(1))

	byName := map[string]ptrace.Span{}
	for _, s := range allSpans(tds) {
		byName[s.Name()] = s
		assert.Equal(t, "00f193b529238b61125a300860b18b33", s.TraceID().String(), "left-padded trace id")
	}
	c, srv, async := byName["client op"], byName["server op"], byName["async"]
	assert.Equal(t, "0b14ad8bde587da0", c.SpanID().String(), "left-padded span id")
	assert.Equal(t, ptrace.SpanKindClient, c.Kind())
	assert.Equal(t, pcommon.NewTimestampFromTime(mustMicros(1771645495104213)), c.StartTimestamp())
	assert.Equal(t, c.StartTimestamp()+11761000, c.EndTimestamp())
	attrs := c.Attributes().AsRaw()
	assert.Equal(t, int64(12), attrs["i"])
	assert.Equal(t, int64(-4367687927108894352), attrs["istr"], "int64 written as a string")
	assert.InDelta(t, 1.5, attrs["f"], 0)
	assert.Equal(t, true, attrs["b"])
	assert.Equal(t, []byte{1, 2, 3}, attrs["bin"])
	assert.Equal(t, "abc", attrs["notint"], "a value that is not its type stays a string")
	require.Equal(t, 1, c.Events().Len())
	assert.Equal(t, "client send", c.Events().At(0).Name())

	assert.Equal(t, ptrace.SpanKindServer, srv.Kind())
	assert.Equal(t, "0b14ad8bde587da0", srv.ParentSpanID().String(), "first CHILD_OF is the parent")
	assert.Equal(t, ptrace.StatusCodeError, srv.Status().Code())
	require.Equal(t, 1, srv.Links().Len(), "other references become links")
	assert.Equal(t, "0000000000000001", srv.Links().At(0).SpanID().String())

	assert.Equal(t, "dc9b3f8cf5704cd9", async.ParentSpanID().String(), "FOLLOWS_FROM is the parent without CHILD_OF")
	assert.Equal(t, c.StartTimestamp()+2587000, async.StartTimestamp(), "times written as strings")
}

func TestReadJaegerErrors(t *testing.T) {
	tests := []struct {
		name    string
		input   string
		spans   int
		wantErr string
		line    int
	}{
		{
			name: "unknown processID",
			input: `{"data":[{"traceID":"1","spans":[` + "\n" +
				`{"spanID":"1","operationName":"a","startTime":1,"duration":1,"processID":"p1"},` + "\n" +
				`{"spanID":"2","operationName":"b","startTime":1,"duration":1,"processID":"p9"}],` + "\n" +
				`"processes":{"p1":{"serviceName":"s"}}}]}`,
			spans: 1, wantErr: `unknown processID "p9"`, line: 1,
		},
		{
			name: "bad span id",
			input: `{"data":[{"traceID":"1","spans":[{"spanID":"xyz","processID":"p1"},` +
				`{"spanID":"2","processID":"p1"}],"processes":{"p1":{"serviceName":"s"}}}]}`,
			spans: 1, wantErr: `spanID: "xyz" is not up to 16 hex digits`, line: 1,
		},
		{
			name: "flags above uint32",
			input: `{"data":[{"traceID":"1","spans":[{"spanID":"1","flags":4294967296,"processID":"p1"},` +
				`{"spanID":"2","flags":4294967295,"processID":"p1"}],"processes":{"p1":{"serviceName":"s"}}}]}`,
			spans: 1, wantErr: "flags: 4294967296 is out of range (0 to 4294967295)", line: 1,
		},
		{
			name: "negative flags",
			input: `{"data":[{"traceID":"1","spans":[{"spanID":"1","flags":-1,"processID":"p1"},` +
				`{"spanID":"2","flags":0,"processID":"p1"}],"processes":{"p1":{"serviceName":"s"}}}]}`,
			spans: 1, wantErr: "flags: -1 is out of range (0 to 4294967295)", line: 1,
		},
		{
			name:    "data is not an array",
			input:   `{"data":{"items":[]}}`,
			wantErr: "not trace data (tried Jaeger JSON:", line: 1,
		},
		{
			name:    "data elements are not traces",
			input:   `{"data":[{"id":1}]}`,
			wantErr: "not trace data (tried Jaeger JSON: data[0]: no spans array)", line: 1,
		},
		{
			name:    "query API error",
			input:   `{"data":null,"errors":[{"code":404,"msg":"trace not found"}]}`,
			wantErr: "j.json:1: the Jaeger response holds an error: 404 trace not found", line: 1,
		},
		{
			name: "second trace is bad, first is kept",
			input: "{\"data\":[\n" +
				"{\"traceID\":\"1\",\"spans\":[{\"spanID\":\"1\",\"process\":{\"serviceName\":\"s\"}}]},\n" +
				"{\"traceID\":\"2\",\"spans\":5}]}",
			spans: 1, wantErr: "bad Jaeger trace: data[1]:", line: 3,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _, err := readBytes(t, "j.json", []byte(tt.input))
			assert.Equal(t, tt.spans, st.Spans)
			assert.Equal(t, FormatJaegerJSON, st.Format)
			errs := fileErrors(t, err)
			require.Len(t, errs, 1, "%v", err)
			assert.Contains(t, errs[0].Error(), tt.wantErr)
			assert.Equal(t, tt.line, errs[0].Line, "%v", errs[0])
		})
	}
}
