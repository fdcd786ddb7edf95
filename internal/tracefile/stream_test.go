package tracefile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelsessions/otelsessions/internal/realdata"
)

// otlpLine is a one-line OTLP/JSON document with one span.
func otlpLine(spanID string) string {
	return `{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]},` +
		`"scopeSpans":[{"scope":{"name":"lib"},"spans":[{"traceId":"5b8efff798038103d269b633813fc60c",` +
		`"spanId":"` + spanID + `","name":"op","kind":2}]}]}]}`
}

// pretty indents a JSON document the way jq does.
func pretty(tb testing.TB, doc string) string {
	tb.Helper()
	var b bytes.Buffer
	require.NoError(tb, json.Indent(&b, []byte(doc), "", "  "))
	return b.String()
}

// TestReadConcatenatedValues: several JSON values in one file, in any layout, are each read as a document.
func TestReadConcatenatedValues(t *testing.T) {
	zipkin := `[{"traceId":"a03ee8fff1dcd9b9","id":"15fc03927f0f68df","name":"get",` +
		`"localEndpoint":{"serviceName":"a"}}]`
	tests := []struct {
		name  string
		input string
		stats Stats
	}{
		{
			name:  "pretty-printed documents one after another",
			input: pretty(t, otlpLine("0000000000000001")) + "\n" + pretty(t, otlpLine("0000000000000002")) + "\n",
			stats: Stats{Format: FormatOTLPJSON, Batches: 2, Spans: 2},
		},
		{
			name:  "documents on one line without a separator",
			input: otlpLine("0000000000000001") + otlpLine("0000000000000002") + " " + otlpLine("0000000000000003"),
			stats: Stats{Format: FormatOTLPJSON, Batches: 3, Spans: 3},
		},
		{
			name: "one-line and pretty-printed documents mixed, other signals skipped",
			input: otlpLine("0000000000000001") + "\n" + pretty(t, `{"resourceLogs":[]}`) + "\n" +
				pretty(t, otlpLine("0000000000000002")) + "\t" + otlpLine("0000000000000003") + "\r\n",
			stats: Stats{Format: FormatOTLPJSON, Batches: 3, Spans: 3, SkippedLines: 1},
		},
		{
			name: "tab-indented documents",
			input: strings.ReplaceAll(pretty(t, otlpLine("0000000000000001")), "  ", "\t") + "\n" +
				strings.ReplaceAll(pretty(t, otlpLine("0000000000000002")), "  ", "\t"),
			stats: Stats{Format: FormatOTLPJSON, Batches: 2, Spans: 2},
		},
		{
			name:  "zipkin arrays one after another",
			input: zipkin + "\n" + pretty(t, strings.ReplaceAll(zipkin, "15fc03927f0f68df", "15fc03927f0f68d0")),
			stats: Stats{Format: FormatZipkinJSON, Batches: 2, Spans: 2},
		},
		{
			name: "zipkin array with a span per line at column 1, then another array",
			input: "[\n" + zipkin[1:len(zipkin)-1] + ",\n" + strings.ReplaceAll(zipkin[1:len(zipkin)-1], "df", "d0") +
				"\n]\n[\n" + strings.ReplaceAll(zipkin[1:len(zipkin)-1], "df", "d1") + "\n]",
			stats: Stats{Format: FormatZipkinJSON, Batches: 2, Spans: 3},
		},
		{
			name: "a document with an array opening in column 1",
			input: strings.Replace(otlpLine("0000000000000001"), `"resourceSpans":[`, "\"resourceSpans\":\n[\n", 1) +
				"\n" + otlpLine("0000000000000002"),
			stats: Stats{Format: FormatOTLPJSON, Batches: 2, Spans: 2},
		},
		{
			name: "files with a byte order mark joined with cat",
			input: "\xef\xbb\xbf" + otlpLine("0000000000000001") + "\n\xef\xbb\xbf" +
				pretty(t, otlpLine("0000000000000002")),
			stats: Stats{Format: FormatOTLPJSON, Batches: 2, Spans: 2},
		},
		{
			name:  "jaeger documents one after another",
			input: jaegerDoc + jaegerDoc,
			stats: Stats{Format: FormatJaegerJSON, Batches: 2, Spans: 6},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, tds, err := readBytes(t, "in.json", []byte(tt.input))
			require.NoError(t, err)
			assert.Equal(t, tt.stats, st)
			assert.Len(t, tds, tt.stats.Batches)
		})
	}
}

// TestReadAfterValueErrors: what follows a value and is not another value is an error where it starts; the
// values before it, and the documents after it, are still read.
func TestReadAfterValueErrors(t *testing.T) {
	doc := otlpLine("0000000000000001")
	n := len(doc)
	cut := pretty(t, doc)[:200]
	cutTrimmed := strings.TrimRight(cut, " \n") // the error points just past its last byte
	tests := []struct {
		name   string
		input  string
		spans  int
		want   string
		line   int
		col    int
		errors int
	}{
		{
			name: "garbage", input: doc + " xx", spans: 1,
			want: `unexpected text after a JSON value: "xx"`, line: 1, col: n + 2,
		},
		{name: "comma", input: doc + ",", spans: 1, want: "unexpected ',' after a JSON value", line: 1, col: n + 1},
		{
			name: "value cut short", input: doc + ` {"resourceSpans": [`, spans: 1,
			want: fmt.Sprintf("a JSON value cut short (cut off at 1:%d)", n+21), line: 1, col: n + 2,
		},
		{
			name: "garbage on a JSON Lines line", input: doc + "\n" + doc + " xx\n" + doc + "\n", spans: 3,
			want: "unexpected text after a JSON value", line: 2, col: n + 2,
		},
		{
			name:  "garbage between pretty-printed documents",
			input: pretty(t, doc) + "\noops, not JSON\n" + pretty(t, otlpLine("0000000000000002")), spans: 2,
			want: `unexpected text after a JSON value: "oops, not JSON"`, line: strings.Count(pretty(t, doc), "\n") + 2,
			col: 1,
		},
		{
			name:  "commas between documents",
			input: doc + ",\n" + doc + ",\n" + doc, spans: 3,
			want: "unexpected ',' after a JSON value", line: 1, col: n + 1, errors: 2,
		},
		{
			name:  "a scalar after a document",
			input: doc + " 42", spans: 1,
			want: "not trace data: a JSON number, not an object or array", line: 1, col: n + 2,
		},
		{
			name:  "a pretty-printed document cut short before the next one",
			input: cut + "\n" + pretty(t, otlpLine("0000000000000002")), spans: 1,
			want: "invalid JSON: unexpected end of JSON input", line: strings.Count(cutTrimmed, "\n") + 1,
			col: len(cutTrimmed) - strings.LastIndexByte(cutTrimmed, '\n'),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _, err := readBytes(t, "in.json", []byte(tt.input))
			assert.Equal(t, tt.spans, st.Spans)
			errs := fileErrors(t, err)
			require.Len(t, errs, max(tt.errors, 1), "%v", err)
			assert.Contains(t, errs[0].Error(), tt.want)
			assert.Equal(t, tt.line, errs[0].Line, "%v", errs[0])
			if tt.col > 0 {
				assert.Equal(t, tt.col, errs[0].Column, "%v", errs[0])
			}
		})
	}
}

// TestReadConcatenatedRealFiles reads the real files the way users joined or reformatted them: jq's
// pretty-printing of the otel-tui JSON Lines files, and two highlight files joined with cat.
func TestReadConcatenatedRealFiles(t *testing.T) {
	jq := func(rel string) []byte {
		data, err := os.ReadFile(realdata.File(t, rel))
		require.NoError(t, err)
		var out bytes.Buffer
		for line := range bytes.Lines(data) {
			require.NoError(t, json.Indent(&out, line, "", "  "))
			out.WriteByte('\n')
		}
		return out.Bytes()
	}
	t.Run("jq . traces-only", func(t *testing.T) {
		st, _, err := readBytes(t, "p.json", jq("otlp-json/otel-tui__test_data.traces-only.jsonl"))
		require.NoError(t, err)
		assert.Equal(t, Stats{Format: FormatOTLPJSON, Batches: 41, Spans: 547}, st)
	})
	t.Run("jq . mixed signals", func(t *testing.T) {
		st, _, err := readBytes(t, "p.json", jq("otlp-json/otel-tui__test_data.jsonl"))
		require.NoError(t, err)
		assert.Equal(t, Stats{Format: FormatOTLPJSON, Batches: 41, Spans: 547, SkippedLines: 56}, st)
	})
	t.Run("cat highlight fs and traces", func(t *testing.T) {
		var data []byte
		for _, f := range []string{"otlp-json/highlight__fs.json", "otlp-json/highlight__traces.json"} {
			b, err := os.ReadFile(realdata.File(t, f))
			require.NoError(t, err)
			data = append(data, b...)
		}
		sum := newSummary()
		st, err := Read("cat.json", bytes.NewReader(data), sum.add)
		require.NoError(t, err)
		assert.Equal(t, Stats{Format: FormatOTLPJSON, Batches: 2, Spans: 218 + 512}, st)
		assert.Len(t, sum.traces, 2+28)
	})
}

// TestReadStreamErrorLimit: a file full of bad values reports the first ones and counts the rest.
func TestReadStreamErrorLimit(t *testing.T) {
	input := otlpLine("0000000000000001") + strings.Repeat(",", 30) + "\n" +
		strings.Repeat("{\"resourceSpans\":[\n", 30) + otlpLine("0000000000000002")
	st, _, err := readBytes(t, "in.json", []byte(input))
	assert.Equal(t, 2, st.Spans)
	errs := fileErrors(t, err)
	require.Len(t, errs, maxErrsPerDoc+1)
	assert.Equal(t, "in.json:31:19: 40 more bad JSON values not reported", errs[maxErrsPerDoc].Error())
}
