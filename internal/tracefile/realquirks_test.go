package tracefile

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelsessions/otelsessions/internal/realdata"
)

// readRealFile reads one file of the shared data folder and returns every span.
func readRealFile(t *testing.T, rel string) []ptrace.Span {
	t.Helper()
	data, err := os.ReadFile(realdata.File(t, rel))
	require.NoError(t, err)
	_, tds, err := readBytes(t, filepath.Base(rel), data)
	require.NoError(t, err)
	return allSpans(tds)
}

// serviceNames returns the service.name of every batch a file gives ("<none>" when missing).
func serviceNames(t *testing.T, rel string) map[string]bool {
	t.Helper()
	data, err := os.ReadFile(realdata.File(t, rel))
	require.NoError(t, err)
	_, tds, err := readBytes(t, filepath.Base(rel), data)
	require.NoError(t, err)
	names := map[string]bool{}
	for _, td := range tds {
		for i := range td.ResourceSpans().Len() {
			v, ok := td.ResourceSpans().At(i).Resource().Attributes().Get("service.name")
			if !ok {
				names["<none>"] = true
				continue
			}
			names[v.Str()] = true
		}
	}
	return names
}

// TestRealFileQuirks pins down how the quirks SOURCES.md lists come out of Read.
func TestRealFileQuirks(t *testing.T) {
	t.Run("zipkin span without serviceName gets no service.name", func(t *testing.T) {
		names := serviceNames(t, "zipkin-v2-json/openzipkin-zipkin__envoy.json")
		assert.Equal(t, map[string]bool{"<none>": true}, names)
	})
	t.Run("zipkin 64-bit trace ids are left-padded", func(t *testing.T) {
		for _, s := range readRealFile(t, "zipkin-v2-json/openzipkin-zipkin__yelp.json") {
			assert.Equal(t, "0000000000000000a03ee8fff1dcd9b9", s.TraceID().String())
		}
	})
	t.Run("zipkin service literally named unknown", func(t *testing.T) {
		assert.True(t, serviceNames(t, "zipkin-v2-json/openzipkin-zipkin__yelp.json")["unknown"])
	})
	t.Run("zipkin error tag values are kept as the error attribute", func(t *testing.T) {
		var values []string
		for _, s := range readRealFile(t, "zipkin-v2-json/openzipkin-zipkin__messaging-kafka.json") {
			if s.Status().Code() == ptrace.StatusCodeError {
				v, ok := s.Attributes().Get("error")
				require.True(t, ok)
				values = append(values, v.Str())
			}
		}
		assert.ElementsMatch(t, []string{"", "some error", "some error"}, values)
	})
	t.Run("zipkin shared halves keep the client's span id", func(t *testing.T) {
		ids := map[string]int{}
		for _, s := range readRealFile(t, "zipkin-v2-json/openzipkin-zipkin__smartthings-mobile-web-install.json") {
			ids[s.SpanID().String()]++
		}
		dup := 0
		for _, n := range ids {
			if n > 1 {
				dup++
			}
		}
		assert.Equal(t, 290, dup, "duplicated span ids")
	})
	t.Run("otlp remote-parent flags survive", func(t *testing.T) {
		flags := map[uint32]int{}
		escaped := map[string]int{}
		for _, s := range readRealFile(t, "otlp-json/otel-tui__test_data.traces-only.jsonl") {
			if s.Flags() != 0 {
				flags[s.Flags()]++
			}
			for i := range s.Events().Len() {
				if v, ok := s.Events().At(i).Attributes().Get("exception.escaped"); ok {
					escaped[v.AsString()]++
				}
			}
		}
		assert.Equal(t, map[uint32]int{0x100: 30, 0x300: 11}, flags)
		assert.Contains(t, escaped, "False")
	})
	t.Run("otlp file without service.name", func(t *testing.T) {
		assert.Equal(t, map[string]bool{"<none>": true}, serviceNames(t, "otlp-json/highlight__traces.json"))
	})
	t.Run("jaeger parents, processes and typed tags", func(t *testing.T) {
		rel := "jaeger-json/valitydev-hellgate__jaeger.json"
		assert.Equal(t, map[string]bool{"hellgate_testrunner": true, "dmt": true}, serviceNames(t, rel))
		withParent, events := 0, 0
		for _, s := range readRealFile(t, rel) {
			require.False(t, s.TraceID().IsEmpty())
			if !s.ParentSpanID().IsEmpty() {
				withParent++
				assert.Equal(t, ptrace.SpanKindServer, s.Kind())
			}
			events += s.Events().Len()
			assert.Zero(t, s.Links().Len(), "the CHILD_OF parent is not also a link")
			if v, ok := s.Attributes().Get("rpc.client.execution_duration_ms"); ok {
				assert.Equal(t, "Int", v.Type().String())
			}
		}
		assert.Equal(t, 20, withParent)
		assert.Positive(t, events, "logs become events")
	})
}

// TestZipkinAbsentStartTimeSmartThings pins what the replay engine relies on for Zipkin spans written without a
// timestamp: Read leaves them as the contrib translator makes them, starting at the Unix epoch (and ending
// there, as they have no duration either), flagged with the boolean attribute otel.zipkin.absentField.startTime
// = true. In the real SmartThings file exactly the 84 spans without a timestamp carry it, whether the file is
// read whole or span by span (when a bad span beside them makes Read fall back).
func TestZipkinAbsentStartTimeSmartThings(t *testing.T) {
	const attr = "otel.zipkin.absentField.startTime"
	data, err := os.ReadFile(realdata.File(t, "zipkin-v2-json/openzipkin-zipkin__smartthings-mobile-web-install.json"))
	require.NoError(t, err)
	var raw []struct {
		ID        string `json:"id"`
		Name      string `json:"name"`
		Timestamp *int64 `json:"timestamp"`
	}
	require.NoError(t, json.Unmarshal(data, &raw))
	want := map[string]int{} // span id, name and start (µs, or "absent") -> count
	for _, r := range raw {
		start := "absent"
		if r.Timestamp != nil {
			start = strconv.FormatInt(*r.Timestamp, 10)
		}
		want[r.ID+" "+r.Name+" "+start]++
	}
	require.Equal(t, 84, countSuffix(want, " absent"), "spans without timestamp in the file")

	check := func(t *testing.T, input []byte, wantErrs int) {
		t.Helper()
		_, tds, err := readBytes(t, "smartthings.json", input)
		require.Len(t, fileErrors(t, err), wantErrs)
		got := map[string]int{}
		for _, s := range allSpans(tds) {
			start := strconv.FormatInt(s.StartTimestamp().AsTime().UnixMicro(), 10)
			if v, ok := s.Attributes().Get(attr); ok {
				require.Equal(t, pcommon.ValueTypeBool, v.Type())
				require.True(t, v.Bool())
				assert.Zero(t, s.StartTimestamp(), "starts at the Unix epoch")
				assert.Zero(t, s.EndTimestamp(), "ends at the Unix epoch: no duration")
				start = "absent"
			}
			got[s.SpanID().String()+" "+s.Name()+" "+start]++
		}
		assert.Equal(t, want, got)
		assert.Equal(t, 84, countSuffix(got, " absent"))
	}
	t.Run("whole file", func(t *testing.T) { check(t, data, 0) })
	t.Run("span by span", func(t *testing.T) {
		end := bytes.LastIndexByte(data, ']')
		bad := append(append(data[:end:end], `,{"traceId":"14b60fd9ae504820","id":"nothex"}`...), data[end:]...)
		check(t, bad, 1)
	})
}

// countSuffix sums the counts of the keys of m that end with suffix.
func countSuffix(m map[string]int, suffix string) int {
	n := 0
	for k, v := range m {
		if strings.HasSuffix(k, suffix) {
			n += v
		}
	}
	return n
}
