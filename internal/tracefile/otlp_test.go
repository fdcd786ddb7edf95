package tracefile

import (
	"encoding/base64"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelsessions/otelsessions/internal/realdata"
)

// b64 encodes hex-looking test ids as base64 the way other tools write them.
func b64(raw string) string { return base64.StdEncoding.EncodeToString([]byte(raw)) }

func TestReadOTLPDialects(t *testing.T) {
	const (
		traceHex  = "5b8efff798038103d269b633813fc60c"
		spanHex   = "eee19b7ec3c1b174"
		parentHex = "eee19b7ec3c1b173"
	)
	traceRaw := "\x5b\x8e\xff\xf7\x98\x03\x81\x03\xd2\x69\xb6\x33\x81\x3f\xc6\x0c"
	spanRaw := "\xee\xe1\x9b\x7e\xc3\xc1\xb1\x74"
	parentRaw := "\xee\xe1\x9b\x7e\xc3\xc1\xb1\x73"
	tests := []struct {
		name  string
		input string
		scope string
		kind  ptrace.SpanKind
		code  ptrace.StatusCode
		links int
	}{
		{
			name: "spec encoding",
			input: `{"resourceSpans":[{"scopeSpans":[{"scope":{"name":"lib"},"spans":[{"traceId":"` + traceHex +
				`","spanId":"` + spanHex + `","parentSpanId":"` + parentHex + `","name":"op","kind":2,` +
				`"status":{"code":2}}]}]}]}`,
			scope: "lib", kind: ptrace.SpanKindServer, code: ptrace.StatusCodeError,
		},
		{
			name: "enum names and upper-case hex",
			input: `{"resourceSpans":[{"scopeSpans":[{"scope":{"name":"lib"},"spans":[{"traceId":"` +
				strings.ToUpper(traceHex) + `","spanId":"` + strings.ToUpper(spanHex) + `","parentSpanId":"` +
				parentHex + `","name":"op","kind":"SPAN_KIND_SERVER","status":{"code":"STATUS_CODE_ERROR"}}]}]}]}`,
			scope: "lib", kind: ptrace.SpanKindServer, code: ptrace.StatusCodeError,
		},
		{
			name: "base64 ids with links",
			input: `{"resourceSpans":[{"scopeSpans":[{"scope":{"name":"lib"},"spans":[{"traceId":"` + b64(traceRaw) +
				`","spanId":"` + b64(spanRaw) + `","parentSpanId":"` + b64(parentRaw) + `","name":"op",` +
				`"kind":"SPAN_KIND_SERVER","links":[{"traceId":"` + b64(traceRaw) + `","spanId":"` + b64(parentRaw) +
				`"}]}]}]}]}`,
			scope: "lib", kind: ptrace.SpanKindServer, links: 1,
		},
		{
			name: "batches key, instrumentationLibrary and base64 ids (Tempo)",
			input: `{"batches":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]},` +
				`"instrumentationLibrarySpans":[{"instrumentationLibrary":{"name":"lib"},"spans":[{"traceId":"` +
				b64(traceRaw) + `","spanId":"` + b64(spanRaw) + `","parentSpanId":"` + b64(parentRaw) +
				`","name":"op","kind":"SPAN_KIND_CLIENT","startTimeUnixNano":"1","endTimeUnixNano":2}]}]}]}`,
			scope: "lib", kind: ptrace.SpanKindClient,
		},
		{
			name: "batches key with spec ids",
			input: `{"batches":[{"scopeSpans":[{"scope":{"name":"lib"},"spans":[{"traceId":"` + traceHex +
				`","spanId":"` + spanHex + `","parentSpanId":"` + parentHex + `","name":"op","kind":3}]}]}]}`,
			scope: "lib", kind: ptrace.SpanKindClient,
		},
		{
			name: "snake_case keys and unpadded base64",
			input: `{"resource_spans":[{"scope_spans":[{"scope":{"name":"lib"},"spans":[{"trace_id":"` +
				strings.TrimRight(b64(traceRaw), "=") + `","span_id":"` + strings.TrimRight(b64(spanRaw), "=") +
				`","parent_span_id":"` + parentHex + `","name":"op","kind":1}]}]}]}`,
			scope: "lib", kind: ptrace.SpanKindInternal,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, tds, err := readBytes(t, "in.json", []byte(tt.input))
			require.NoError(t, err)
			assert.Equal(t, Stats{Format: FormatOTLPJSON, Batches: 1, Spans: 1}, st)
			spans := allSpans(tds)
			require.Len(t, spans, 1)
			s := spans[0]
			assert.Equal(t, traceHex, s.TraceID().String())
			assert.Equal(t, spanHex, s.SpanID().String())
			assert.Equal(t, parentHex, s.ParentSpanID().String())
			assert.Equal(t, "op", s.Name())
			assert.Equal(t, tt.kind, s.Kind())
			assert.Equal(t, tt.code, s.Status().Code())
			assert.Equal(t, tt.scope, tds[0].ResourceSpans().At(0).ScopeSpans().At(0).Scope().Name())
			require.Equal(t, tt.links, s.Links().Len())
			if tt.links > 0 {
				assert.Equal(t, traceHex, s.Links().At(0).TraceID().String())
				assert.Equal(t, parentHex, s.Links().At(0).SpanID().String())
			}
		})
	}
}

func TestReadJSONLines(t *testing.T) {
	line := func(span string) string {
		return `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c",` +
			`"spanId":"` + span + `","name":"op"}]}]}]}`
	}
	logs := `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"x"}}]}]}]}`
	metrics := `{"resourceMetrics":[]}`
	profiles := `{"resourceProfiles":[]}`
	tests := []struct {
		name   string
		input  string
		stats  Stats
		errPos [][2]int // line, column
	}{
		{
			name: "mixed signals, blank lines and CRLF",
			input: line("0000000000000001") + "\r\n\r\n" + logs + "\n" + metrics + "\n   \n" + profiles + "\n" +
				line("0000000000000002"),
			stats: Stats{Format: FormatOTLPJSON, Batches: 2, Spans: 2, SkippedLines: 3},
		},
		{
			name: "bad middle line",
			input: line("0000000000000001") + "\n" + line("0000000000000002")[:40] + "\n" +
				line("0000000000000003") + "\n",
			stats:  Stats{Format: FormatOTLPJSON, Batches: 2, Spans: 2},
			errPos: [][2]int{{2, 41}},
		},
		{
			name:   "bad first line",
			input:  `{"resourceSpans":[{"scop` + "\n" + line("0000000000000002") + "\n" + line("0000000000000003"),
			stats:  Stats{Format: FormatOTLPJSON, Batches: 2, Spans: 2},
			errPos: [][2]int{{1, 25}},
		},
		{
			name:   "line that is not trace data",
			input:  line("0000000000000001") + "\n" + `{"foo":1}` + "\n" + `"text"` + "\n" + line("0000000000000003"),
			stats:  Stats{Format: FormatOTLPJSON, Batches: 2, Spans: 2},
			errPos: [][2]int{{2, 1}, {3, 1}},
		},
		{
			name:  "empty resourceSpans is valid and empty",
			input: `{"resourceSpans":[]}` + "\n" + line("0000000000000001"),
			stats: Stats{Format: FormatOTLPJSON, Batches: 1, Spans: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, tds, err := readBytes(t, "in.jsonl", []byte(tt.input))
			assert.Equal(t, tt.stats, st)
			assert.Len(t, tds, tt.stats.Batches)
			errs := fileErrors(t, err)
			require.Len(t, errs, len(tt.errPos), "errors: %v", err)
			for i, e := range errs {
				assert.Equal(t, "in.jsonl", e.File)
				gotPos := [2]int{e.Line, e.Column}
				assert.Equal(t, tt.errPos[i], gotPos, "error %v", e)
			}
		})
	}
}

// TestReadOTLPProto encodes the otel-tui file as OTLP protobuf and reads it back.
func TestReadOTLPProto(t *testing.T) {
	data, err := os.ReadFile(realdata.File(t, "otlp-json/otel-tui__test_data.traces-only.jsonl"))
	require.NoError(t, err)
	_, tds, err := readBytes(t, "tui.jsonl", data)
	require.NoError(t, err)
	want := ptrace.NewTraces()
	for _, td := range tds {
		td.ResourceSpans().MoveAndAppendTo(want.ResourceSpans())
	}
	var m ptrace.ProtoMarshaler
	pb, err := m.MarshalTraces(want)
	require.NoError(t, err)

	st, got, err := readBytes(t, "tui.pb", pb)
	require.NoError(t, err)
	assert.Equal(t, Stats{Format: FormatOTLPProto, Batches: 1, Spans: 547}, st)
	require.Len(t, got, 1)
	var jm ptrace.JSONMarshaler
	wantJSON, err := jm.MarshalTraces(want)
	require.NoError(t, err)
	gotJSON, err := jm.MarshalTraces(got[0])
	require.NoError(t, err)
	assert.JSONEq(t, string(wantJSON), string(gotJSON))
}

// TestReadOTLPProtoLookingLikeJSON covers protobuf whose bytes start with '\n' (field 1) then '{' (length 123).
func TestReadOTLPProtoLookingLikeJSON(t *testing.T) {
	var pb []byte
	for n := range 200 {
		td := ptrace.NewTraces()
		rs := td.ResourceSpans().AppendEmpty()
		rs.Resource().Attributes().PutStr("pad", strings.Repeat("x", n))
		span := rs.ScopeSpans().AppendEmpty().Spans().AppendEmpty()
		span.SetTraceID([16]byte{1})
		span.SetSpanID([8]byte{2})
		span.SetName("op")
		var m ptrace.ProtoMarshaler
		b, err := m.MarshalTraces(td)
		require.NoError(t, err)
		if b[0] == '\n' && b[1] == '{' {
			pb = b
			break
		}
	}
	require.NotNil(t, pb, "no padding gives a length of 123")
	st, _, err := readBytes(t, "tricky.pb", pb)
	require.NoError(t, err)
	assert.Equal(t, Stats{Format: FormatOTLPProto, Batches: 1, Spans: 1}, st)
}
