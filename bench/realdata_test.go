package bench

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/translator/zipkin/zipkinv2"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// realDir returns ../shared/data/traces beside the repository, or skips b with a message where it is absent
// (fails it in CI, CI=true, where its absence is a defect of the set-up).
func realDir(b *testing.B) string {
	b.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		b.Fatal("cannot locate the source file")
	}
	dir := filepath.Join(filepath.Dir(file), "..", "..", "shared", "data", "traces")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			b.Fatalf("the real trace recordings are missing in CI: %v", err)
		}
		b.Skipf("%s is absent (a fresh clone has no ../shared): skipping the benchmarks on real traces", dir)
	}
	return dir
}

// realBatches returns the batches of the real recordings the Collector benchmarks replay: each OTLP/JSON
// file whole, each trace line of the otel-tui JSON Lines file, and each Zipkin v2 file, in that order. The
// Jaeger UI file is left out: no pdata reader for it is public (otelsessions reads it with its own).
func realBatches(b *testing.B) []ptrace.Traces {
	b.Helper()
	dir := realDir(b)
	read := func(rel string) []byte {
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
		if err != nil {
			b.Fatal(err)
		}
		return data
	}
	var batches []ptrace.Traces
	add := func(u ptrace.Unmarshaler, data []byte, rel string) {
		td, err := u.UnmarshalTraces(data)
		if err != nil {
			b.Fatalf("%s: %v", rel, err)
		}
		if td.SpanCount() > 0 {
			batches = append(batches, td)
		}
	}
	otlp := &ptrace.JSONUnmarshaler{}
	for _, rel := range []string{"otlp-json/highlight__fs.json", "otlp-json/highlight__traces.json"} {
		add(otlp, read(rel), rel)
	}
	const lines = "otlp-json/otel-tui__test_data.traces-only.jsonl"
	for line := range bytes.Lines(read(lines)) {
		add(otlp, line, lines)
	}
	zipkin := zipkinv2.NewJSONTracesUnmarshaler(false)
	matches, err := filepath.Glob(filepath.Join(dir, "zipkin-v2-json", "*.json"))
	if err != nil || len(matches) == 0 {
		b.Fatalf("no Zipkin files in %s: %v", dir, err)
	}
	for _, m := range matches {
		rel, _ := filepath.Rel(dir, m)
		add(zipkin, read(rel), rel)
	}
	return batches
}

// spanCount is the number of spans in batches.
func spanCount(batches []ptrace.Traces) int {
	n := 0
	for _, td := range batches {
		n += td.SpanCount()
	}
	return n
}

// cloneBatches returns a deep copy of batches, for a consumer that mutates or takes over what it is given.
func cloneBatches(batches []ptrace.Traces) []ptrace.Traces {
	out := make([]ptrace.Traces, len(batches))
	for i, td := range batches {
		out[i] = ptrace.NewTraces()
		td.CopyTo(out[i])
	}
	return out
}
