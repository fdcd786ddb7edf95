package derive_test

import (
	"os"
	"testing"

	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelsessions/otelsessions/internal/derive"
	"github.com/otelsessions/otelsessions/internal/realdata"
	"github.com/otelsessions/otelsessions/internal/tracefile"
)

// BenchmarkEngine derives every real recording, each operation all of them: one engine, reset between
// files, adds a file's batches and resolves its traces, with the sessions processor's rules (SpanSessions).
func BenchmarkEngine(b *testing.B) {
	var files [][]ptrace.Traces
	spans := 0
	for _, rel := range realdata.Files(b) {
		path := realdata.File(b, rel)
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		var batches []ptrace.Traces
		if _, err := tracefile.Read(path, f, func(td ptrace.Traces) {
			batches = append(batches, td)
			spans += td.SpanCount()
		}); err != nil {
			b.Fatal(err)
		}
		_ = f.Close()
		files = append(files, batches)
	}
	eng := derive.New(derive.Config{SpanSessions: true})
	sessions := 0
	b.ReportAllocs()
	for b.Loop() {
		sessions = 0
		for _, batches := range files {
			eng.Reset()
			for _, td := range batches {
				eng.Add(td)
			}
			eng.ResolveAll(func(t derive.Trace) { sessions += len(t.Sessions) })
		}
	}
	b.ReportMetric(float64(spans)*float64(b.N)/b.Elapsed().Seconds(), "spans/s")
	b.ReportMetric(float64(sessions), "sessions")
}
