// Package bench holds issue 7's benchmarks: otelsessions against its peers and against the physical floor,
// each measured side by side in one `go test -bench` run so that the ratios between them hold on a noisy
// machine. It is a nested module, so that peers such as github.com/bugsnag/bugsnag-go stay out of the main
// go.mod; run.sh runs it and rewrites BENCHMARKS.md at the repository root.
package bench
