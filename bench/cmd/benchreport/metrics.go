package main

import "math"

// metrics computes the headline figures (the first six, in the order of the last line) and the others the
// report lists, from medians. Times are the process's CPU time per operation (cpu-ns/op) where the
// benchmark reports it, which the load of other processes hardly changes, and the wall time (ns/op)
// otherwise; the wall-time versions follow as figures of their own.
func metrics(bench, replay *results) []metric {
	wall := func(name string) float64 { return med(bench, name, "ns/op") }
	cpu := func(name string) float64 {
		if v := med(bench, name, "cpu-ns/op"); !math.IsNaN(v) {
			return v
		}
		return wall(name)
	}
	allocs := func(name string) float64 { return med(bench, name, "allocs/op") }
	atMost := func(limit float64) func(float64) bool { return func(v float64) bool { return v <= limit } }
	ratio := func(t func(string) float64, a, b string) float64 { return t(a) / t(b) }
	added := func(t func(string) float64) float64 { return t("Entry/setup=with") - t("Entry/setup=without") }
	collector := func(t func(string) float64, impl string) float64 {
		return t("Collector/impl="+impl) / t("Collector/impl=floor")
	}
	// NaN, when a component did not run, wins over every number: the figure is then not measured.
	slowest := func(t func(string) float64) float64 {
		worst := collector(t, "processor")
		for _, impl := range []string{"processorDefaultWait", "exporter"} {
			if v := collector(t, impl); math.IsNaN(v) || v > worst {
				worst = v
			}
		}
		return worst
	}
	return []metric{
		{
			name: "sdk_overhead_ratio", format: "%.2f", target: "≤ 1.05", met: atMost(1.05),
			value: ratio(cpu, "Request/setup=with", "Request/setup=without"),
			what:  "CPU time of a request (entry + 9 children + 1 exception) with otelsessions / without",
		},
		{
			name: "child_span_allocs", format: "%.2f", target: "0", met: atMost(0),
			value: (allocs("Children/setup=with/children=10") - allocs("Children/setup=without/children=10") -
				(allocs("Children/setup=with/children=1") - allocs("Children/setup=without/children=1"))) / 9,
			what: "allocations otelsessions adds per child span: (Δ10 children − Δ1 child) / 9",
		},
		{
			name: "session_allocs", format: "%.0f", target: "≤ 3", met: atMost(3),
			value: allocs("Entry/setup=with") - allocs("Entry/setup=without"),
			what:  "allocations otelsessions adds per request of only an entry span",
		},
		{
			name: "vs_bugsnag_ratio", format: "%.2f", target: "≤ 0.5", met: atMost(0.5),
			value: added(cpu) / cpu("Bugsnag/StartSession"),
			what:  "CPU time otelsessions adds per session / bugsnag-go v1.5.0's StartSession (its tracker included)",
		},
		{
			name: "collector_vs_floor", format: "%.2f", target: "≤ 1.5", met: atMost(1.5), value: slowest(cpu),
			what: "slowdown of the slowest Collector component against the floor: its CPU time per operation / " +
				"the floor's (= floor spans per CPU second / its spans per CPU second)",
		},
		{
			name: "replay_vs_unmarshal", format: "%.2f", target: "≥ 0.8",
			met:   func(v float64) bool { return v >= 0.8 },
			value: med(replay, "Unmarshal/"+largestFile, "ns/op") / med(replay, "Replay/"+largestFile, "ns/op"),
			what:  "replay's throughput on the largest recording / bare pdata JSON unmarshalling's (wall time)",
		},
		{
			name: "sdk_tag_floor_ratio", format: "%.2f", target: "—", met: nil,
			value: ratio(cpu, "Request/setup=tagonly", "Request/setup=without"),
			what: "the floor under sdk_overhead_ratio: the same request with a span processor that only sets one " +
				"constant session.id on every span (no session tracked), over without",
		},
		{
			name: "child_span_allocs_tag_floor", format: "%.2f", target: "—", met: nil,
			value: (allocs("Children/setup=tagonly/children=10") - allocs("Children/setup=without/children=10") -
				(allocs("Children/setup=tagonly/children=1") - allocs("Children/setup=without/children=1"))) / 9,
			what: "the floor under child_span_allocs: allocations that setting session.id alone adds per child span",
		},
		{
			name: "vs_bugsnag_tag_floor", format: "%.2f", target: "—", met: nil,
			value: (cpu("Entry/setup=tagonly") - cpu("Entry/setup=without")) / cpu("Bugsnag/StartSession"),
			what:  "the part of vs_bugsnag_ratio that setting session.id on the entry span alone costs",
		},
		{
			name: "sdk_overhead_ratio_wall", format: "%.2f", target: "≤ 1.05", met: atMost(1.05),
			value: ratio(wall, "Request/setup=with", "Request/setup=without"),
			what:  "sdk_overhead_ratio in wall time",
		},
		{
			name: "sdk_overhead_ratio_sampled", format: "%.2f", target: "—", met: nil,
			value: ratio(cpu, "RequestSampled/setup=with", "RequestSampled/setup=without"),
			what: "sdk_overhead_ratio with the README's head sampling, 10% (otelsessions records the other 90% " +
				"of the requests without exporting them)",
		},
		{
			name: "session_added_cpu_ns", format: "%.0f ns", target: "—", met: nil, value: added(cpu),
			what: "CPU time otelsessions adds per request of only an entry span",
		},
		{
			name: "vs_bugsnag_ratio_wall", format: "%.2f", target: "≤ 0.5", met: atMost(0.5),
			value: added(wall) / wall("Bugsnag/StartSession"),
			what:  "vs_bugsnag_ratio in wall time of the calling goroutine",
		},
		{
			name: "collector_vs_floor_wall", format: "%.2f", target: "≤ 1.5", met: atMost(1.5), value: slowest(wall),
			what: "collector_vs_floor in wall time (= floor spans/s / its spans/s)",
		},
		{
			name: "processor_vs_floor", format: "%.2f", target: "≤ 1.5", met: atMost(1.5),
			value: collector(cpu, "processor"), what: "sessions processor, wait 0, against the floor (CPU)",
		},
		{
			name: "processor_default_wait_vs_floor", format: "%.2f", target: "≤ 1.5", met: atMost(1.5),
			value: collector(cpu, "processorDefaultWait"),
			what:  "sessions processor, default wait (10 s) and Shutdown forwarding, against the floor (CPU)",
		},
		{
			name: "minimal_vs_floor", format: "%.2f", target: "—", met: nil,
			value: collector(cpu, "minimal"),
			what: "a reference point, not a component: the least derivation written plainly (index the batch's " +
				"spans, walk each up to its SERVER ancestor, set the session.id derived from it), against the " +
				"floor (CPU)",
		},
		{
			name: "exporter_vs_floor", format: "%.2f", target: "≤ 1.5", met: atMost(1.5),
			value: collector(cpu, "exporter"), what: "bugsnag exporter's push (derive + count) against the floor (CPU)",
		},
		{
			name: "bytes_per_session", format: "%.0f B", target: "≤ 150 B", met: atMost(150),
			value: med(bench, "MemorySession", "B/session"),
			what:  "live heap otelsessions adds per open session in the SDK",
		},
		{
			name: "bytes_per_trace", format: "%.0f B", target: "≤ 150 B", met: atMost(150),
			value: math.Max(med(bench, "MemoryTrace/arrival=batch", "B/trace"),
				med(bench, "MemoryTrace/arrival=alone", "B/trace")),
			what: "live heap the sessions processor adds per held trace: the larger of traces that arrive in one " +
				"batch and traces that arrive each in a batch of its own",
		},
	}
}

// med is r's median of name in unit, or NaN when it is missing.
func med(r *results, name, unit string) float64 {
	if r == nil {
		return math.NaN()
	}
	v, ok := r.median(name, unit)
	if !ok {
		return math.NaN()
	}
	return v
}
