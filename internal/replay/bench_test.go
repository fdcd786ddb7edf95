package replay

import (
	"bytes"
	"os"
	"testing"

	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelsessions/otelsessions/internal/realdata"
)

// benchFiles are the largest real recording, OTLP JSON Lines with logs and metrics lines mixed in, and the
// same trace lines alone.
var benchFiles = []string{"otlp-json/otel-tui__test_data.jsonl", "otlp-json/otel-tui__test_data.traces-only.jsonl"}

// BenchmarkReplay measures a whole replay of the largest recording: reading, format detection, derivation
// and the report, in spans per second.
func BenchmarkReplay(b *testing.B) {
	for _, f := range benchFiles {
		b.Run(f, func(b *testing.B) { benchReplay(b, realdata.File(b, f)) })
	}
}

func benchReplay(b *testing.B, path string) {
	b.Helper()
	b.ReportAllocs()
	var spans int64
	for b.Loop() {
		res, err := Run(b.Context(), []string{path}, Options{})
		if err != nil || res.Failed() {
			b.Fatal(err, res.Files)
		}
		_ = res.JSON()
		spans += res.Report.Spans
	}
	b.ReportMetric(float64(spans)/b.Elapsed().Seconds(), "spans/s")
}

// BenchmarkUnmarshal is replay's floor: reading the same file and unmarshalling each line with bare pdata.
func BenchmarkUnmarshal(b *testing.B) {
	for _, f := range benchFiles {
		b.Run(f, func(b *testing.B) { benchUnmarshal(b, realdata.File(b, f)) })
	}
}

func benchUnmarshal(b *testing.B, path string) {
	b.Helper()
	b.ReportAllocs()
	var spans int64
	var u ptrace.JSONUnmarshaler
	for b.Loop() {
		data, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		for line := range bytes.Lines(data) {
			td, err := u.UnmarshalTraces(line)
			if err != nil {
				b.Fatal(err)
			}
			spans += int64(td.SpanCount())
		}
	}
	b.ReportMetric(float64(spans)/b.Elapsed().Seconds(), "spans/s")
}
