// Command benchreport turns the raw output of bench/run.sh's benchmark runs into BENCHMARKS.md and prints
// the headline figures as one line: sdk_overhead_ratio=… child_span_allocs=… session_allocs=…
// vs_bugsnag_ratio=… collector_vs_floor=… replay_vs_unmarshal=…
//
// Every figure is a ratio or difference of medians taken within one run of `go test -bench`, so that the
// machine's speed, which varies on a shared machine, cancels out.
package main

import (
	"flag"
	"fmt"
	"math"
	"os"
	"strings"
)

// largestFile is replay's benchmark case on the largest real recording.
const largestFile = "otlp-json/otel-tui__test_data.jsonl"

// metric is one figure of the report and its target.
type metric struct {
	name   string
	value  float64 // NaN when the benchmarks it needs did not run
	format string
	target string
	met    func(v float64) bool // nil for a figure without a target
	what   string
}

func (m metric) String() string {
	if math.IsNaN(m.value) {
		return "n/a"
	}
	return fmt.Sprintf(m.format, m.value)
}

func (m metric) verdict() string {
	switch {
	case m.met == nil:
		return "—"
	case math.IsNaN(m.value):
		return "not measured"
	case m.met(m.value):
		return "met"
	default:
		return "**missed**"
	}
}

func main() {
	var o options
	flag.StringVar(&o.bench, "bench", "", "raw output of the bench module's benchmarks")
	flag.StringVar(&o.replay, "replay", "", "raw output of internal/replay's benchmarks")
	flag.StringVar(&o.rss, "rss", "", "raw output of BenchmarkRSS (the full run only)")
	flag.StringVar(&o.benchstat, "benchstat", "", "benchstat's tables, embedded as they are")
	flag.StringVar(&o.notes, "notes", "", "hand-written notes appended to the report")
	flag.StringVar(&o.out, "out", "BENCHMARKS.md", "the report to write")
	flag.StringVar(&o.mode, "mode", "full", "quick or full")
	flag.StringVar(&o.count, "count", "", "the -count of the runs")
	flag.StringVar(&o.benchtime, "benchtime", "", "the -benchtime of the runs")
	flag.StringVar(&o.measured, "measured", "", "what was measured (commit)")
	flag.StringVar(&o.took, "took", "", "how long the runs took")
	flag.StringVar(&o.cpu, "cpu", "", "CPU model")
	flag.StringVar(&o.cores, "cores", "", "CPU cores")
	flag.StringVar(&o.goVersion, "go", "", "Go version")
	flag.StringVar(&o.date, "date", "", "date of the run")
	flag.Parse()
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "benchreport:", err)
		os.Exit(1)
	}
}

// options are the command's flags.
type options struct {
	bench, replay, rss, benchstat, notes, out                           string
	mode, count, benchtime, measured, took, cpu, cores, goVersion, date string
}

func run(o options) error {
	bench, err := parseFile(o.bench)
	if err != nil {
		return err
	}
	replay, err := parseFile(o.replay)
	if err != nil {
		return err
	}
	var rss *results
	if o.rss != "" {
		if rss, err = parseFile(o.rss); err != nil {
			return err
		}
	}
	ms := metrics(bench, replay)
	report, err := render(o, ms, bench, replay, rss)
	if err != nil {
		return err
	}
	if err := os.WriteFile(o.out, []byte(report), 0o644); err != nil { //nolint:gosec // a public report
		return err
	}
	line := make([]string, 0, 6)
	for _, m := range ms[:6] {
		line = append(line, m.name+"="+m.String())
	}
	fmt.Println(strings.Join(line, " "))
	return nil
}
