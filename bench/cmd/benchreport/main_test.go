package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const sampleBench = `goos: linux
BenchmarkRequest/setup=without-2   	  100	 20000 ns/op	 10000 cpu-ns/op	 10000 B/op	 38 allocs/op
BenchmarkRequest/setup=with-2 100 30000 ns/op 12000 cpu-ns/op 0 dropped 12000 B/op 50 allocs/op
BenchmarkRequest/setup=without-2   	  100	 22000 ns/op	 10000 cpu-ns/op	 10000 B/op	 38 allocs/op
BenchmarkRequest/setup=with-2 100 32000 ns/op 12000 cpu-ns/op 0 dropped 12000 B/op 50 allocs/op
BenchmarkRequest/setup=tagonly-2 100 25000 ns/op 11000 cpu-ns/op 10640 B/op 48 allocs/op
BenchmarkChildren/setup=without/children=1-2 	 100	 4000 ns/op	 8 allocs/op
BenchmarkChildren/setup=without/children=10-2	 100	 20000 ns/op	 35 allocs/op
BenchmarkChildren/setup=with/children=1-2    	 100	 8000 ns/op	 12 allocs/op
BenchmarkChildren/setup=tagonly/children=1-2 	 100	 5000 ns/op	 10 allocs/op
BenchmarkChildren/setup=tagonly/children=10-2	 100	 22000 ns/op	 46 allocs/op
BenchmarkChildren/setup=with/children=10-2   	 100	 30000 ns/op	 48 allocs/op
BenchmarkEntry/setup=without-2     	  100	 2000 ns/op	 2000 cpu-ns/op	 5 allocs/op
BenchmarkEntry/setup=with-2        	  100	 5000 ns/op	 4000 cpu-ns/op	 8 allocs/op
BenchmarkEntry/setup=tagonly-2     	  100	 2500 ns/op	 2200 cpu-ns/op	 6 allocs/op
BenchmarkBugsnag/StartSession-2    	  100	 1000 ns/op	 1000 cpu-ns/op	 4 allocs/op
BenchmarkCollector/impl=floor-2    	  100	 1000000 ns/op	 1000000 cpu-ns/op
BenchmarkCollector/impl=minimal-2	  100	 1200000 ns/op	 1300000 cpu-ns/op
BenchmarkCollector/impl=processor-2	  100	 5000000 ns/op	 6000000 cpu-ns/op
BenchmarkCollector/impl=processorDefaultWait-2	  100	 5000000 ns/op	 4000000 cpu-ns/op
BenchmarkCollector/impl=exporter-2 	  100	 5000000 ns/op	 3000000 cpu-ns/op
--- BENCH: BenchmarkRSS-2
    rss_test.go:42: VmRSS MiB at every million traces: [1 2]
PASS
`

const sampleReplay = `BenchmarkReplay/otlp-json/otel-tui__test_data.jsonl-2   	 10	 10000000 ns/op
BenchmarkUnmarshal/otlp-json/otel-tui__test_data.jsonl-2	 10	 9000000 ns/op
`

func TestMetrics(t *testing.T) {
	bench, err := parse(strings.NewReader(sampleBench))
	if err != nil {
		t.Fatal(err)
	}
	replay, err := parse(strings.NewReader(sampleReplay))
	if err != nil {
		t.Fatal(err)
	}
	if got := bench.order[0]; got != "Request/setup=without" {
		t.Errorf("first benchmark %q, want Request/setup=without", got)
	}
	if got, _ := bench.median("Request/setup=without", "ns/op"); got != 21000 {
		t.Errorf("median of two runs %v, want 21000", got)
	}
	want := map[string]float64{
		"sdk_overhead_ratio":          1.2,             // CPU time, not the wall time's 1.5
		"child_span_allocs":           (13 - 4) / 9.0,  // (48-35) - (12-8), over 9
		"session_allocs":              3,               // 8 - 5
		"vs_bugsnag_ratio":            2,               // (4000 - 2000) / 1000
		"collector_vs_floor":          6,               // the slowest, the processor with wait 0
		"replay_vs_unmarshal":         0.9,             // 9 ms / 10 ms
		"sdk_overhead_ratio_wall":     31000 / 21000.0, // medians of the wall times
		"sdk_tag_floor_ratio":         1.1,             // 11000 / 10000
		"child_span_allocs_tag_floor": 1,               // (46-35) - (10-8), over 9
		"vs_bugsnag_tag_floor":        0.2,             // (2200 - 2000) / 1000
		"minimal_vs_floor":            1.3,             // CPU time, not the wall time's 1.2
	}
	ms := metrics(bench, replay)
	for _, m := range ms {
		w, ok := want[m.name]
		if ok && math.Abs(m.value-w) > 1e-9 {
			t.Errorf("%s = %v, want %v", m.name, m.value, w)
		}
	}
	if ms[0].verdict() != "**missed**" || ms[2].verdict() != "met" {
		t.Errorf("verdicts %q and %q, want missed and met", ms[0].verdict(), ms[2].verdict())
	}
}

func TestMetricsMissing(t *testing.T) {
	ms := metrics(&results{values: map[string]map[string][]float64{}}, nil)
	for _, m := range ms[:6] {
		if m.String() != "n/a" || m.verdict() != "not measured" {
			t.Errorf("%s = %s (%s) without benchmarks, want n/a (not measured)", m.name, m, m.verdict())
		}
	}
}

// report runs the generator with o and returns the report it wrote.
func report(t *testing.T, o options) string {
	t.Helper()
	if err := run(o); err != nil {
		t.Fatal(err)
	}
	out, err := os.ReadFile(o.out)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// writeFile writes text to name in dir and returns its path.
func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestRunWithoutRecordings: where the Collector and replay benchmarks skipped, their figures read n/a, and the
// report says why.
func TestRunWithoutRecordings(t *testing.T) {
	dir := t.TempDir()
	sdkOnly := sampleBench[:strings.Index(sampleBench, "BenchmarkCollector")]
	got := report(t, options{
		bench:  writeFile(t, dir, "bench.txt", sdkOnly),
		replay: writeFile(t, dir, "replay.txt", ""), // replay's benchmarks skipped: no result line
		out:    filepath.Join(dir, "BENCHMARKS.md"), mode: "quick", count: "2",
	})
	for _, want := range []string{
		"collector_vs_floor=n/a replay_vs_unmarshal=n/a\n",
		"A figure that reads n/a was not measured",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
}

func TestMediansPrintShort(t *testing.T) {
	r, err := parse(strings.NewReader("BenchmarkX-2 1 783.2 ns/op\nBenchmarkX-2 1 784 ns/op\n"))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	medians(&b, "t", r)
	if !strings.Contains(b.String(), "| X | 783.6 ns/op |") {
		t.Errorf("medians table %q, want 783.6 ns/op", b.String())
	}
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	got := report(t, options{
		bench: writeFile(t, dir, "bench.txt", sampleBench), replay: writeFile(t, dir, "replay.txt", sampleReplay),
		out: filepath.Join(dir, "BENCHMARKS.md"), mode: "quick", count: "2",
	})
	for _, want := range []string{
		"sdk_overhead_ratio=1.20 child_span_allocs=1.00 session_allocs=3 vs_bugsnag_ratio=2.00 " +
			"collector_vs_floor=6.00 replay_vs_unmarshal=0.90\n",
		"| `rss_growth` | n/a |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
}

func TestRSSRow(t *testing.T) {
	for _, c := range []struct {
		samples, want string
	}{
		{"[442 406 434 449 429 427 453 453 441 450]", "| `rss_growth` | 1.01× | flat: ≤ 1.10× | met |"},
		{"[400 410 420 430 440 450 460 470 480 500]", "| `rss_growth` | 1.14× | flat: ≤ 1.10× | **missed** |"},
	} {
		rss, err := parse(strings.NewReader("# commit abc\n" +
			"BenchmarkRSS-2 1 1 ns/op 1.5 rss_slope_MiB/M\n" +
			"    rss_test.go:42: VmRSS MiB at every million traces: " + c.samples + "\n"))
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		rssRow(func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }, options{mode: "quick"}, rss)
		row := b.String()
		if !strings.HasPrefix(row, c.want) || !strings.Contains(row, "from the last full run, commit abc") {
			t.Errorf("samples %s: row %q, want it to start with %q and name the full run", c.samples, row, c.want)
		}
	}
}
