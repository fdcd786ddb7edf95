package tracefile

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelsessions/otelsessions/internal/realdata"
)

const testTraceID = "5b8efff798038103d269b633813fc60c"

// spanJSON is an OTLP/JSON span named name with id 00000000000000<n>; extra members are appended.
func spanJSON(n int, extra string) string {
	return fmt.Sprintf(`{"traceId":%q,"spanId":"%016x","name":"span%d","kind":2,"startTimeUnixNano":"1",`+
		`"endTimeUnixNano":"2","attributes":[{"key":"a","value":{"stringValue":"x"}}]%s}`, testTraceID, n, n, extra)
}

// docJSON is a pretty-printed OTLP/JSON document with a resource (service.name svc) and scope (lib) around spans.
func docJSON(tb testing.TB, spans ...string) string {
	tb.Helper()
	return pretty(tb, `{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name",`+
		`"value":{"stringValue":"svc"}}]},"scopeSpans":[{"scope":{"name":"lib"},"spans":[`+
		strings.Join(spans, ",")+`]}]}]}`)
}

// posOf returns the line and column of the n-th (from 0) occurrence of needle in s.
func posOf(tb testing.TB, s, needle string, n int) (line, col int) {
	tb.Helper()
	off := -1
	for range n + 1 {
		i := strings.Index(s[off+1:], needle)
		require.GreaterOrEqual(tb, i, 0, "%q not found", needle)
		off += 1 + i
	}
	return strings.Count(s[:off], "\n") + 1, off - strings.LastIndexByte(s[:off], '\n')
}

// TestReadOTLPErrorPositions: an error in OTLP/JSON points at the offending value and says why in one line.
func TestReadOTLPErrorPositions(t *testing.T) {
	bad := func(old, repl string) string {
		return docJSON(t, spanJSON(1, ""), strings.Replace(spanJSON(2, ""), old, repl, 1), spanJSON(3, ""))
	}
	const span1 = "resourceSpans[0].scopeSpans[0].spans[1]"
	tests := []struct {
		name   string
		input  string
		want   string
		needle string // the offending value, found in the pretty-printed input
		spans  int
	}{
		{
			name: "bad span id", input: bad(`"0000000000000002"`, `"nothex"`), needle: `"nothex"`, spans: 2,
			want: `bad OTLP span: ` + span1 + `.spanId: id "nothex" is neither 16 hex digits nor base64 of 8 bytes`,
		},
		{
			name: "bad kind name", input: bad(`"kind":2`, `"kind":"BOGUS"`), needle: `"BOGUS"`, spans: 2,
			want: `bad OTLP span: ` + span1 + `.kind: invalid value "BOGUS": ReadEnumValue: unknown string value`,
		},
		{
			name: "bad kind type", input: bad(`"kind":2`, `"kind":true`), needle: `true`, spans: 2,
			want: `bad OTLP span: ` + span1 + `.kind: invalid value true: ReadEnumValue: unsupported value type`,
		},
		{
			name: "non-numeric timestamp", input: bad(`"startTimeUnixNano":"1"`, `"startTimeUnixNano":"abc"`),
			needle: `"abc"`, spans: 2,
			want: `bad OTLP span: ` + span1 + `.startTimeUnixNano: invalid value "abc": ReadUint64: strconv.ParseUint`,
		},
		{
			name: "bad status code name", input: bad(`"kind":2`, `"kind":2,"status":{"code":"STATUS_CODE_NOPE"}`),
			needle: `"STATUS_CODE_NOPE"`, spans: 2,
			want: `bad OTLP span: ` + span1 + `.status.code: invalid value "STATUS_CODE_NOPE": ReadEnumValue`,
		},
		{
			name: "resourceSpans is an object", input: pretty(t, `{"resourceSpans": {}}`), needle: `{}`,
			want: "invalid OTLP/JSON traces: resourceSpans: want an array, got an object",
		},
		{
			name:  "scopeSpans is a number",
			input: pretty(t, `{"resourceSpans":[{"scopeSpans":5}]}`), needle: `5`,
			want: "invalid OTLP/JSON traces: resourceSpans[0].scopeSpans: want an array, got a number",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _, err := readBytes(t, "pretty.json", []byte(tt.input))
			assert.Equal(t, tt.spans, st.Spans)
			errs := fileErrors(t, err)
			require.Len(t, errs, 1, "%v", err)
			msg := errs[0].Error()
			assert.Contains(t, msg, tt.want)
			assert.NotContains(t, msg, "\n")
			assert.NotContains(t, msg, "error found in")
			line, col := posOf(t, tt.input, tt.needle, 0)
			assert.Equal(t, [2]int{line, col}, [2]int{errs[0].Line, errs[0].Column}, "%v", msg)
			assert.True(t, strings.HasPrefix(msg, fmt.Sprintf("pretty.json:%d:%d: ", line, col)), msg)
		})
	}
}

// TestReadOTLPRealFileErrorPositions breaks two spans of a real pretty-printed file in place.
func TestReadOTLPRealFileErrorPositions(t *testing.T) {
	data, err := os.ReadFile(realdata.File(t, "otlp-json/highlight__fs.json"))
	require.NoError(t, err)
	text := string(data)
	text = replaceNth(t, text, `"kind": 1,`, `"kind": "SPAN_KIND_BOGUS",`, 5)
	text = replaceNth(t, text, `"spanId": "`, `"spanId": "nothex", "x": "`, 9)
	line1, col1 := posOf(t, text, `"SPAN_KIND_BOGUS"`, 0)
	line2, col2 := posOf(t, text, `"nothex"`, 0)

	st, _, err := readBytes(t, "fs.json", []byte(text))
	assert.Equal(t, Stats{Format: FormatOTLPJSON, Batches: 1, Spans: 216}, st)
	errs := fileErrors(t, err)
	require.Len(t, errs, 2, "%v", err)
	assert.Equal(t, fmt.Sprintf(`fs.json:%d:%d: bad OTLP span: resourceSpans[0].scopeSpans[0].spans[9].spanId: `+
		`id "nothex" is neither 16 hex digits nor base64 of 8 bytes`, line2, col2), errs[1].Error())
	assert.Equal(t, fmt.Sprintf(`fs.json:%d:%d: bad OTLP span: resourceSpans[0].scopeSpans[0].spans[5].kind: `+
		`invalid value "SPAN_KIND_BOGUS": ReadEnumValue: unknown string value`, line1, col1), errs[0].Error())
}

// replaceNth replaces the n-th (from 0) occurrence of old in s.
func replaceNth(tb testing.TB, s, old, repl string, n int) string {
	tb.Helper()
	line, col := posOf(tb, s, old, n)
	off := 0
	for range line - 1 {
		off += strings.IndexByte(s[off:], '\n') + 1
	}
	off += col - 1
	return s[:off] + repl + s[off+len(old):]
}

// spanNames returns the names of the spans delivered, with the service.name and scope name around each.
func spanNames(tds []ptrace.Traces) []string {
	var out []string
	for _, td := range tds {
		for i := range td.ResourceSpans().Len() {
			rs := td.ResourceSpans().At(i)
			svc, _ := rs.Resource().Attributes().Get("service.name")
			for j := range rs.ScopeSpans().Len() {
				ss := rs.ScopeSpans().At(j)
				for k := range ss.Spans().Len() {
					out = append(out, svc.AsString()+"/"+ss.Scope().Name()+"/"+ss.Spans().At(k).Name())
				}
			}
		}
	}
	return out
}

// TestReadOTLPSalvage: bad spans are left out and reported one by one; the good spans beside them are kept
// with their resource and scope; a bad attribute or link is left out of a span that is otherwise kept.
func TestReadOTLPSalvage(t *testing.T) {
	badKind := strings.Replace(spanJSON(2, ""), `"kind":2`, `"kind":"BOGUS"`, 1)
	badTime := strings.Replace(spanJSON(4, ""), `"endTimeUnixNano":"2"`, `"endTimeUnixNano":[]`, 1)
	badAttr := spanJSON(5, `,"events":[{"name":"e","attributes":[{"key":"n","value":{"intValue":"x1"}},`+
		`{"key":"ok","value":{"intValue":"7"}}]}]`)
	badLink := spanJSON(6, `,"links":[{"traceId":"`+testTraceID+`","spanId":"zz"},`+
		`{"traceId":"`+testTraceID+`","spanId":"0000000000000001"}]`)
	tests := []struct {
		name  string
		input string
		names []string
		errs  []string // each error's message after "file:line:col: ", in file order
	}{
		{
			name:  "bad spans among good ones",
			input: docJSON(t, spanJSON(1, ""), badKind, spanJSON(3, ""), badTime),
			names: []string{"svc/lib/span1", "svc/lib/span3"},
			errs: []string{
				"bad OTLP span: resourceSpans[0].scopeSpans[0].spans[1].kind: invalid value \"BOGUS\"",
				"bad OTLP span: resourceSpans[0].scopeSpans[0].spans[3].endTimeUnixNano: invalid value (an array)",
			},
		},
		{
			name:  "bad event attribute and bad link",
			input: docJSON(t, badAttr, badLink),
			names: []string{"svc/lib/span5", "svc/lib/span6"},
			errs: []string{
				"bad OTLP attribute (left out, the span is kept): resourceSpans[0].scopeSpans[0].spans[0]" +
					".events[0].attributes[0].value.intValue: invalid value \"x1\"",
				"bad OTLP link (left out, the span is kept): resourceSpans[0].scopeSpans[0].spans[1]" +
					`.links[0].spanId: id "zz" is neither 16 hex digits`,
			},
		},
		{
			name: "bad resource attribute",
			input: pretty(t, `{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":`+
				`{"stringValue":"svc"}},{"key":"bad","value":{"doubleValue":"NaNa"}}]},"scopeSpans":[`+
				`{"scope":{"name":"lib"},"spans":[`+spanJSON(1, "")+`]},{"scope":{"name":"lib2"},"spans":[`+
				spanJSON(2, "")+`]}]}]}`),
			names: []string{"svc/lib/span1", "svc/lib2/span2"},
			errs: []string{"bad OTLP attribute (left out, the resource is kept): " +
				"resourceSpans[0].resource.attributes[1].value.doubleValue: invalid value \"NaNa\""},
		},
		{
			name: "base64 ids, batches and a bad span",
			input: pretty(t, `{"batches":[{"resource":{"attributes":[{"key":"service.name","value":`+
				`{"stringValue":"svc"}}]},"instrumentationLibrarySpans":[{"instrumentationLibrary":{"name":"lib"},`+
				`"spans":[{"traceId":"W47/95gDgQPSabYzgT/GDA==","spanId":"7uGbfsPBsXQ=","name":"span1"},`+
				`{"traceId":"W47/95gDgQPSabYzgT/GDA==","spanId":"7uGbfsPBsXM=","name":"span2","kind":"NOPE"}]}]}]}`),
			names: []string{"svc/lib/span1"},
			errs: []string{
				`bad OTLP span: batches[0].instrumentationLibrarySpans[0].spans[1].kind: invalid value "NOPE"`,
			},
		},
		{
			name:  "a span that is not an object",
			input: docJSON(t, spanJSON(1, ""), `"span"`),
			names: []string{"svc/lib/span1"},
			errs: []string{
				"invalid OTLP/JSON traces: resourceSpans[0].scopeSpans[0].spans[1]: want an object, got a string",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, tds, err := readBytes(t, "in.json", []byte(tt.input))
			assert.Equal(t, tt.names, spanNames(tds))
			assert.Equal(t, len(tt.names), st.Spans)
			errs := fileErrors(t, err)
			require.Len(t, errs, len(tt.errs), "%v", err)
			for i, e := range errs {
				assert.Positive(t, e.Line)
				assert.Positive(t, e.Column)
				assert.Contains(t, e.Err.Error(), tt.errs[i])
			}
		})
	}
	t.Run("kept attributes and links", func(t *testing.T) {
		_, tds, _ := readBytes(t, "in.json", []byte(docJSON(t, badAttr, badLink)))
		spans := allSpans(tds)
		require.Len(t, spans, 2)
		ev := spans[0].Events().At(0).Attributes().AsRaw()
		assert.Equal(t, map[string]any{"ok": int64(7)}, ev)
		assert.Equal(t, map[string]any{"a": "x"}, spans[0].Attributes().AsRaw())
		require.Equal(t, 1, spans[1].Links().Len())
		assert.Equal(t, "0000000000000001", spans[1].Links().At(0).SpanID().String())
	})
}

// TestReadOTLPSalvageLimits: a document full of bad spans reports the first ones and counts the rest, and a
// JSON line with a bad span keeps its good spans and the other lines.
func TestReadOTLPSalvageLimits(t *testing.T) {
	t.Run("many bad spans", func(t *testing.T) {
		var spans []string
		for i := range 30 {
			spans = append(spans, strings.Replace(spanJSON(i+1, ""), `"kind":2`, `"kind":"X"`, 1), spanJSON(100+i, ""))
		}
		st, _, err := readBytes(t, "in.json", []byte(docJSON(t, spans...)))
		assert.Equal(t, 30, st.Spans)
		errs := fileErrors(t, err)
		require.Len(t, errs, maxErrsPerDoc+1)
		assert.Contains(t, errs[maxErrsPerDoc].Error(), "10 more bad OTLP spans or attributes not reported")
	})
	t.Run("JSON Lines", func(t *testing.T) {
		line := func(spans ...string) string {
			return `{"resourceSpans":[{"scopeSpans":[{"spans":[` + strings.Join(spans, ",") + `]}]}]}`
		}
		bad := strings.Replace(spanJSON(2, ""), `"kind":2`, `"kind":"X"`, 1)
		input := line(spanJSON(1, "")) + "\n" + line(spanJSON(3, ""), bad) + "\n" + line(spanJSON(4, ""))
		st, _, err := readBytes(t, "in.jsonl", []byte(input))
		assert.Equal(t, Stats{Format: FormatOTLPJSON, Batches: 3, Spans: 3}, st)
		errs := fileErrors(t, err)
		require.Len(t, errs, 1)
		line2, col := posOf(t, input, `"X"`, 0)
		assert.Equal(t, [2]int{line2, col}, [2]int{errs[0].Line, errs[0].Column})
		assert.Equal(t, 2, line2)
	})
}
