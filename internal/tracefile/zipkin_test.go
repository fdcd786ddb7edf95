package tracefile

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func mustMicros(us int64) time.Time { return time.UnixMicro(us) }

func TestReadZipkinBadSpans(t *testing.T) {
	good := `{"traceId":"a03ee8fff1dcd9b9","id":"15fc03927f0f68df","kind":"SERVER","name":"get",` +
		`"timestamp":1571896375322000,"duration":14000,"localEndpoint":{"serviceName":"api"}}`
	tests := []struct {
		name    string
		input   string
		spans   int
		wantErr []string
		pos     [][2]int
	}{
		{
			name:    "bad span id among good spans",
			input:   "[\n  " + good + ",\n  {\"traceId\":\"a03ee8fff1dcd9b9\",\"id\":\"nothex\",\"name\":\"x\"}\n]",
			spans:   1,
			wantErr: []string{"bad Zipkin span:"},
			pos:     [][2]int{{3, 3}},
		},
		{
			name:    "missing traceId",
			input:   "[" + good + ",{\"id\":\"15fc03927f0f68d0\",\"name\":\"x\"}]",
			spans:   1,
			wantErr: []string{"missing or zero traceId"},
			pos:     [][2]int{{1, len(good) + 3}},
		},
		{
			name:    "missing id",
			input:   `[{"traceId":"a03ee8fff1dcd9b9","name":"x"}]`,
			wantErr: []string{"not trace data (tried Zipkin v2: valid span id required)"},
			pos:     [][2]int{{1, 2}},
		},
		{
			name:  "array of numbers",
			input: `[1, 2]`,
			wantErr: []string{
				"z.json:1:1: not trace data: a JSON array whose elements are not Zipkin spans (the first is a number)",
			},
			pos: [][2]int{{1, 1}},
		},
		{
			name:    "a number among spans",
			input:   "[" + good + ",\n 7]",
			spans:   1,
			wantErr: []string{"z.json:2:2: bad Zipkin span: want a span object, got a number"},
			pos:     [][2]int{{2, 2}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _, err := readBytes(t, "z.json", []byte(tt.input))
			assert.Equal(t, tt.spans, st.Spans)
			errs := fileErrors(t, err)
			require.Len(t, errs, len(tt.wantErr), "%v", err)
			for i, e := range errs {
				assert.Contains(t, e.Error(), tt.wantErr[i])
				gotPos := [2]int{e.Line, e.Column}
				assert.Equal(t, tt.pos[i], gotPos, "%v", e)
			}
		})
	}
}

// TestReadZipkinPipedAnnotation: the translator parses "a|b|c" annotations as OTel-encoded events and
// fails on plain Zipkin text; the span is kept with the annotation as a plain event.
func TestReadZipkinPipedAnnotation(t *testing.T) {
	input := `[{"traceId":"a03ee8fff1dcd9b9","id":"15fc03927f0f68df","name":"get","timestamp":1571896375322000,` +
		`"duration":1,"annotations":[{"timestamp":1571896375322001,"value":"cache|miss|key"}],` +
		`"localEndpoint":{"serviceName":"api"}},` +
		`{"traceId":"a03ee8fff1dcd9b9","id":"15fc03927f0f68d0","name":"ok","timestamp":1571896375322000,` +
		`"annotations":[{"timestamp":1571896375322002,"value":"ws"}],"localEndpoint":{"serviceName":"api"}}]`
	st, tds, err := readBytes(t, "z.json", []byte(input))
	require.NoError(t, err)
	assert.Equal(t, Stats{Format: FormatZipkinJSON, Batches: 1, Spans: 2}, st)
	events := map[string]int64{}
	for _, s := range allSpans(tds) {
		_, leaked := s.Attributes().Get(plainAnnotationsTag)
		assert.False(t, leaked)
		for i := range s.Events().Len() {
			events[s.Events().At(i).Name()] = s.Events().At(i).Timestamp().AsTime().UnixMicro()
		}
	}
	assert.Equal(t, map[string]int64{"cache|miss|key": 1571896375322001, "ws": 1571896375322002}, events)
}
