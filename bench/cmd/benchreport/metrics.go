package main

import "math"

// metrics computes the headline figures (the first six, in the order of the last line) and the others the
// report lists, from medians.
func metrics(bench, replay *results) []metric {
	ns := func(r *results, name string) float64 { return med(r, name, "ns/op") }
	allocs := func(name string) float64 { return med(bench, name, "allocs/op") }
	atMost := func(limit float64) func(float64) bool { return func(v float64) bool { return v <= limit } }
	added := ns(bench, "Entry/setup=with") - ns(bench, "Entry/setup=without")
	floor := ns(bench, "Collector/impl=floor")
	collector := func(impl string) float64 { return ns(bench, "Collector/impl="+impl) / floor }
	// NaN, when a component did not run, wins over every number: the figure is then not measured.
	slowest := collector("processor")
	for _, impl := range []string{"processorDefaultWait", "exporter"} {
		if v := collector(impl); math.IsNaN(v) || v > slowest {
			slowest = v
		}
	}
	return []metric{
		{
			name: "sdk_overhead_ratio", format: "%.2f", target: "≤ 1.05", met: atMost(1.05),
			value: ns(bench, "Request/setup=with") / ns(bench, "Request/setup=without"),
			what:  "time of a request (entry + 9 children + 1 exception) with otelsessions / without",
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
			value: added / ns(bench, "Bugsnag/StartSession"),
			what:  "time otelsessions adds per session / bugsnag-go v1.5.0's StartSession",
		},
		{
			name: "collector_vs_floor", format: "%.2f", target: "≤ 1.5", met: atMost(1.5), value: slowest,
			what: "slowdown of the slowest Collector component against the floor: its ns/op / the floor's " +
				"(= floor spans/s / its spans/s)",
		},
		{
			name: "replay_vs_unmarshal", format: "%.2f", target: "≥ 0.8", met: func(v float64) bool { return v >= 0.8 },
			value: ns(replay, "Unmarshal/"+largestFile) / ns(replay, "Replay/"+largestFile),
			what:  "replay's throughput on the largest recording / bare pdata JSON unmarshalling's",
		},
		{
			name: "session_added_ns", format: "%.0f ns", target: "—", met: func(float64) bool { return true },
			value: added, what: "time otelsessions adds per request of only an entry span",
		},
		{
			name: "processor_vs_floor", format: "%.2f", target: "≤ 1.5", met: atMost(1.5),
			value: collector("processor"), what: "sessions processor, wait 0, against the floor",
		},
		{
			name: "processor_default_wait_vs_floor", format: "%.2f", target: "≤ 1.5", met: atMost(1.5),
			value: collector("processorDefaultWait"),
			what:  "sessions processor, default wait (10 s) and Shutdown forwarding, against the floor",
		},
		{
			name: "exporter_vs_floor", format: "%.2f", target: "≤ 1.5", met: atMost(1.5),
			value: collector("exporter"), what: "bugsnag exporter's push (derive + count) against the floor",
		},
		{
			name: "bytes_per_session", format: "%.0f B", target: "≤ 150 B", met: atMost(150),
			value: med(bench, "MemorySession", "B/session"),
			what:  "live heap otelsessions adds per open session in the SDK",
		},
		{
			name: "bytes_per_trace", format: "%.0f B", target: "≤ 150 B", met: atMost(150),
			value: med(bench, "MemoryTrace", "B/trace"),
			what:  "live heap the sessions processor adds per held trace",
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
