package tracefile

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelsessions/otelsessions/internal/realdata"
)

// kinds is shorthand for expected span kind counts.
type kinds = map[ptrace.SpanKind]int

const (
	spanUnspec   = ptrace.SpanKindUnspecified
	spanInternal = ptrace.SpanKindInternal
	spanServer   = ptrace.SpanKindServer
	spanClient   = ptrace.SpanKindClient
	spanProducer = ptrace.SpanKindProducer
	spanConsumer = ptrace.SpanKindConsumer
)

// TestReadRealFiles reads every file of the shared data folder and checks the counts SOURCES.md gives.
func TestReadRealFiles(t *testing.T) {
	dir := realdata.Dir(t)
	tests := []struct {
		name       string
		file       string
		format     Format
		batches    int
		traces     int
		spans      int
		skipped    int
		kinds      kinds
		errors     int
		exceptions int
	}{
		{
			name: "1 zipkin yelp", file: "zipkin-v2-json/openzipkin-zipkin__yelp.json", format: FormatZipkinJSON,
			batches: 1, traces: 1, spans: 16, kinds: kinds{spanClient: 11, spanServer: 4, spanUnspec: 1},
		},
		{
			name: "2 zipkin smartthings", file: "zipkin-v2-json/openzipkin-zipkin__smartthings-mobile-web-install.json",
			format: FormatZipkinJSON, batches: 1, traces: 1, spans: 1041,
			kinds: kinds{spanClient: 628, spanServer: 326, spanUnspec: 87}, errors: 2,
		},
		{
			name: "4 zipkin ascend", file: "zipkin-v2-json/openzipkin-zipkin__ascend.json", format: FormatZipkinJSON,
			batches: 1, traces: 1, spans: 8, kinds: kinds{spanClient: 3, spanServer: 3, spanUnspec: 2},
		},
		{
			name: "5 zipkin messaging", file: "zipkin-v2-json/openzipkin-zipkin__messaging.json",
			format: FormatZipkinJSON, batches: 1, traces: 1, spans: 4,
			kinds: kinds{spanServer: 1, spanProducer: 1, spanConsumer: 1, spanUnspec: 1},
		},
		{
			name: "6 zipkin messaging2", file: "zipkin-v2-json/openzipkin-zipkin__messaging2.json",
			format: FormatZipkinJSON, batches: 1, traces: 1, spans: 11,
			kinds: kinds{spanClient: 4, spanServer: 2, spanProducer: 1, spanConsumer: 1, spanUnspec: 3},
		},
		{
			name: "7 zipkin kafka", file: "zipkin-v2-json/openzipkin-zipkin__messaging-kafka.json",
			format: FormatZipkinJSON, batches: 1, traces: 1, spans: 28,
			kinds: kinds{spanProducer: 9, spanConsumer: 7, spanUnspec: 12}, errors: 3,
		},
		{
			name: "8 zipkin envoy", file: "zipkin-v2-json/openzipkin-zipkin__envoy.json", format: FormatZipkinJSON,
			batches: 1, traces: 1, spans: 1, kinds: kinds{spanServer: 1},
		},
		{
			name: "9 zipkin simple-db", file: "zipkin-v2-json/openzipkin-zipkin__simple-db-p6.json",
			format: FormatZipkinJSON, batches: 1, traces: 1, spans: 5, kinds: kinds{spanClient: 4, spanServer: 1},
		},
		{
			name: "10 otlp otel-tui mixed signals", file: "otlp-json/otel-tui__test_data.jsonl", format: FormatOTLPJSON,
			batches: 41, traces: 141, spans: 547, skipped: 56,
			kinds: kinds{spanServer: 277, spanClient: 243, spanInternal: 27}, errors: 107, exceptions: 39,
		},
		{
			name: "11 otlp otel-tui traces only", file: "otlp-json/otel-tui__test_data.traces-only.jsonl",
			format: FormatOTLPJSON, batches: 41, traces: 141, spans: 547,
			kinds: kinds{spanServer: 277, spanClient: 243, spanInternal: 27}, errors: 107, exceptions: 39,
		},
		{
			name: "12 otlp highlight fs", file: "otlp-json/highlight__fs.json", format: FormatOTLPJSON,
			batches: 1, traces: 2, spans: 218, kinds: kinds{spanInternal: 204, spanServer: 10, spanClient: 4},
			errors: 114, exceptions: 112,
		},
		{
			name: "14 otlp highlight traces", file: "otlp-json/highlight__traces.json", format: FormatOTLPJSON,
			batches: 1, traces: 28, spans: 512, kinds: kinds{spanInternal: 512}, errors: 6, exceptions: 4,
		},
		{
			name: "18 jaeger hellgate", file: "jaeger-json/valitydev-hellgate__jaeger.json", format: FormatJaegerJSON,
			batches: 20, traces: 20, spans: 40, kinds: kinds{spanClient: 20, spanServer: 20},
		},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		seen[tt.file] = true
		t.Run(tt.name, func(t *testing.T) {
			f, err := os.Open(filepath.Join(dir, tt.file))
			require.NoError(t, err)
			defer func() { require.NoError(t, f.Close()) }()
			sum := newSummary()
			st, err := Read(filepath.Base(tt.file), f, sum.add)
			require.NoError(t, err)
			wantStats := Stats{Format: tt.format, Batches: tt.batches, Spans: tt.spans, SkippedLines: tt.skipped}
			assert.Equal(t, wantStats, st)
			assert.Equal(t, tt.spans, sum.spans, "spans delivered")
			assert.Len(t, sum.traces, tt.traces, "distinct trace ids")
			assert.Equal(t, tt.kinds, sum.kinds, "span kinds")
			assert.Equal(t, tt.errors, sum.errors, "spans with error status")
			assert.Equal(t, tt.exceptions, sum.exceptions, "exception events")
		})
	}
	t.Run("every file is covered", func(t *testing.T) {
		files, err := filepath.Glob(filepath.Join(dir, "*", "*"))
		require.NoError(t, err)
		require.NotEmpty(t, files)
		for _, f := range files {
			rel, err := filepath.Rel(dir, f)
			require.NoError(t, err)
			assert.True(t, seen[filepath.ToSlash(rel)], "%s has no test case", rel)
		}
	})
}
