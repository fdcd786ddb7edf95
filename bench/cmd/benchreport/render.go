package main

import (
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
)

// rssFlat is the most the resident set may grow, from the highest of the first half of the samples (the
// warm-up: the processor's table fills up to max_traces, the heap grows to its GC target) to the highest of
// the second half, and still count as flat: 10%, which a leak of about 10 bytes a trace would exceed.
const rssFlat = 1.10

// render writes the whole of BENCHMARKS.md.
func render(o options, ms []metric, bench, replay, rss *results) (string, error) {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("# Benchmarks\n\n")
	p("<!-- Written by bench/run.sh (bench/cmd/benchreport): edit bench/NOTES.md or the generator, ")
	p("not this file. -->\n\n")
	p("Issue 7's harness: otelsessions against the same set-up without it, against a peer (bugsnag-go) and ")
	p("against the physical floor. Every figure is a ratio or difference of medians over %s rounds, each of ", o.count)
	p("which runs every benchmark once, in turn, so that a \"with\" is measured right after its \"without\". ")
	p("Times are the CPU time of the whole process per operation (`cpu-ns/op`, from getrusage: the benchmark's ")
	p("goroutine, the garbage collector and background goroutines such as the SDK's batcher and bugsnag-go's ")
	p("session tracker), which the load of other processes hardly changes; this machine is shared, and other ")
	p("engineers build on it at the same time, so wall times (also listed) swing from run to run and only ")
	p("ratios within one run mean anything.\n\n")
	p("## Headline\n\n")
	p("| figure | value | target | verdict | what it is |\n|---|---|---|---|---|\n")
	for _, m := range ms {
		p("| `%s` | %s | %s | %s | %s |\n", m.name, m, m.target, m.verdict(), m.what)
	}
	if rss != nil {
		rssRow(p, o, rss)
	} else {
		p("| `rss_growth` | n/a | flat | not measured | 10 million traces: the full run only (not `--quick`) |\n")
	}
	if slices.ContainsFunc(ms, func(m metric) bool { return math.IsNaN(m.value) }) {
		p("\nA figure that reads n/a was not measured: its benchmarks did not run. The Collector and replay " +
			"benchmarks skip where the real recordings (`../shared/data/traces`) are absent, which bench/run.sh " +
			"says as it starts.\n")
	}
	for _, name := range bench.order {
		if d, ok := bench.median(name, "dropped"); ok && d > 0 {
			p("\n**Warning:** in `%s` the processor dropped %.0f span states (median): it did not track every "+
				"span, so that set-up cost less than it should; raise benchMaxSpans in bench/sdk_test.go.\n", name, d)
		}
	}
	p("\nThe last line bench/run.sh printed:\n\n```\n")
	for i, m := range ms[:6] {
		if i > 0 {
			p(" ")
		}
		p("%s=%s", m.name, m)
	}
	p("\n```\n\n")
	p("## Machine and run\n\n")
	p("- measured: %s\n- date: %s\n- CPU: %s, %s cores\n- Go: %s\n", o.measured, o.date, o.cpu, o.cores, o.goVersion)
	p("- mode: %s (%s rounds, `-benchtime %s`), the benchmarks took %s\n\n", o.mode, o.count, o.benchtime, o.took)
	p("## How to reproduce\n\n```sh\nbench/run.sh             # full: 10 rounds, -benchtime 1s, and 10 million ")
	p("traces through the sessions processor for RSS, kept in bench/testdata/rss-last.txt\n")
	p("bench/run.sh --quick     # 6 rounds, -benchtime 300ms, no RSS run (it reports the last full run's): ")
	p("within 5 minutes on 2 cores\nbench/run.sh --commit REV  # that commit instead of HEAD ")
	p("(from a git archive copy)\nbench/run.sh --worktree  # the working tree instead of a copy of HEAD\n```\n\n")
	p("It needs Go and, for the Collector and replay benchmarks, the real recordings in `../shared/data/traces` ")
	p("(they skip where it is absent: bench/run.sh says so as it starts, and their figures read n/a; with CI=true ")
	p("its absence fails the run). One benchmark alone, on the working tree (bench/go.mod points at `../`): ")
	p("`cd bench && go test -run '^$' -bench '^BenchmarkRequest$' -benchmem`.\n\n")
	p("## Medians\n\n")
	medians(&b, "bench/", bench)
	medians(&b, "internal/replay (run by run.sh from the measured tree)", replay)
	if rss != nil {
		medians(&b, "BenchmarkRSS (one run"+rssSource(o, rss)+")", rss)
		for _, l := range rss.logs {
			p("    %s\n", l)
		}
		p("\n")
	}
	if o.benchstat != "" {
		stat, err := os.ReadFile(o.benchstat)
		if err != nil {
			return "", err
		}
		p("## benchstat\n\nMedians with their 95%% confidence intervals; in the SDK and Collector tables the ")
		p("columns are the set-ups of one benchmark, each compared with the first.\n\n```\n%s```\n\n",
			strings.TrimLeft(string(stat), "\n"))
	}
	if o.notes != "" {
		notes, err := os.ReadFile(o.notes)
		if err != nil {
			return "", err
		}
		b.Write(notes)
	}
	return b.String(), nil
}

// medians writes one table of every benchmark's medians in r.
func medians(b *strings.Builder, title string, r *results) {
	fmt.Fprintf(b, "%s:\n\n| benchmark | medians |\n|---|---|\n", title)
	for _, name := range r.order {
		var cells []string
		for _, u := range r.units(name) {
			v, _ := r.median(name, u)
			// A median of an even count is a mean of two, which may not print short: one decimal is plenty.
			cells = append(cells, strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)+" "+u)
		}
		fmt.Fprintf(b, "| %s | %s |\n", name, strings.Join(cells, ", "))
	}
	b.WriteString("\n")
}

// rssRow writes the headline row of the RSS run: the high-water mark of the second half of the samples
// against the first half's, from the samples BenchmarkRSS logged.
func rssRow(p func(string, ...any), o options, rss *results) {
	samples := rssSamples(rss)
	slope, _ := rss.median("RSS", "rss_slope_MiB/M")
	half := len(samples) / 2
	if half == 0 {
		p("| `rss_growth` | n/a | flat | not measured | BenchmarkRSS logged no samples |\n")
		return
	}
	first, second := slices.Max(samples[:half]), slices.Max(samples[half:])
	verdict := "met"
	if second > first*rssFlat {
		verdict = "**missed**"
	}
	p("| `rss_growth` | %.2f× | flat: ≤ %.2f× | %s | VmRSS over 10 million traces through the sessions processor: "+
		"the highest of the last 5 samples (one per million traces) over the highest of the first 5, %.0f over "+
		"%.0f MiB; slope of the last 5: %.1f MiB per million traces%s |\n",
		second/first, rssFlat, verdict, second, first, slope, rssSource(o, rss))
}

// rssSamples returns the VmRSS samples BenchmarkRSS logged, in MiB.
func rssSamples(rss *results) []float64 {
	for _, l := range rss.logs {
		_, list, ok := strings.Cut(l, "every million traces: [")
		if !ok {
			continue
		}
		var out []float64
		for _, f := range strings.Fields(strings.TrimSuffix(list, "]")) {
			if v, err := strconv.ParseFloat(f, 64); err == nil {
				out = append(out, v)
			}
		}
		return out
	}
	return nil
}

// rssSource says where the RSS figures come from when this run did not measure them: a quick run carries
// over those of the last full run.
func rssSource(o options, rss *results) string {
	if o.mode == "full" || len(rss.notes) == 0 {
		return ""
	}
	return "; not measured in this quick run: from the last full run, " + strings.Join(rss.notes, ", ")
}
