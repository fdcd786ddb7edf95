package tracefile

import (
	"bytes"
	"os"
	"testing"

	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelsessions/otelsessions/internal/realdata"
)

// benchFiles are the largest OTLP files: traces only, and with logs and metrics lines mixed in.
var benchFiles = []string{"otel-tui__test_data.traces-only.jsonl", "otel-tui__test_data.jsonl"}

func benchData(b *testing.B, name string) []byte {
	b.Helper()
	data, err := os.ReadFile(realdata.File(b, "otlp-json/"+name))
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// BenchmarkRead measures Read on the largest OTLP files.
func BenchmarkRead(b *testing.B) {
	for _, name := range benchFiles {
		b.Run(name, func(b *testing.B) {
			data := benchData(b, name)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Read(name, bytes.NewReader(data), func(ptrace.Traces) {}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPdataUnmarshal is the baseline: bare ptrace.JSONUnmarshaler on every line of the same files.
func BenchmarkPdataUnmarshal(b *testing.B) {
	for _, name := range benchFiles {
		b.Run(name, func(b *testing.B) {
			data := benchData(b, name)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			var u ptrace.JSONUnmarshaler
			for b.Loop() {
				for line := range bytes.Lines(data) {
					if len(bytes.TrimSpace(line)) == 0 {
						continue
					}
					if _, err := u.UnmarshalTraces(line); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
