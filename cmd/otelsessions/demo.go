package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/otelsessions/otelsessions/internal/demo"
)

const demoUsage = `usage: otelsessions demo [flags]

Runs an in-process HTTP service instrumented with otelhttp and the otelsessions span processor, sends it
--requests requests of which exactly round(h·N) record a handled error and round(u·N) others panic, and
prints each minute's sessions and stability as they are flushed, then a report.

Flags:
`

// runDemo runs `otelsessions demo`.
func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	opts := demo.Options{}
	fs.IntVar(&opts.Requests, "requests", 1000, "number of requests to send")
	fs.Float64Var(&opts.HandledRate, "handled-rate", 0.05, "share of requests that record a handled error")
	fs.Float64Var(&opts.UnhandledRate, "unhandled-rate", 0.01,
		"share of other requests that panic (each rate times --requests is rounded; together at most --requests)")
	fs.Uint64Var(&opts.Seed, "seed", 1, "seed of the choice of requests and of the trace IDs")
	fs.Float64Var(&opts.SampleRatio, "sample-ratio", 1, "share of traces head sampling keeps for export")
	format := fs.String("format", "table", "output format: table or json")
	var bf bugsnagFlags
	bf.register(fs)
	fs.Usage = func() {
		_, _ = io.WriteString(stderr, demoUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitBadUsage
	}
	if fs.NArg() > 0 {
		_, _ = fmt.Fprintf(stderr, "otelsessions demo: unexpected argument %q\n", fs.Arg(0))
		return exitBadUsage
	}
	if *format != "table" && *format != "json" {
		_, _ = fmt.Fprintf(stderr, "otelsessions demo: --format must be table or json, not %q\n", *format)
		return exitBadUsage
	}
	if err := opts.Validate(); err != nil {
		_, _ = fmt.Fprintf(stderr, "otelsessions demo: %v\n", err)
		return exitBadUsage
	}
	// The per-minute summaries go with the table; with JSON, standard output holds the report alone.
	opts.Progress = stdout
	if *format == "json" {
		opts.Progress = stderr
	}
	x, err := bf.exporter(stdout, stderr)
	if err != nil {
		_, _ = fmt.Fprintf(stderr, "otelsessions demo: %v\n", err)
		return exitBadUsage
	}
	if x != nil {
		opts.Sink = x
	}
	res, err := demo.Run(ctx, opts)
	if x != nil {
		err = errors.Join(err, bf.shutdown(ctx, x, stderr))
	}
	if err != nil {
		_, _ = fmt.Fprintf(stderr, "otelsessions demo: %v\n", err)
		if res == nil {
			return exitFailed
		}
	}
	sendFailed := err != nil
	if *format == "json" {
		err = res.WriteJSON(stdout)
	} else {
		_, _ = io.WriteString(stdout, "\n")
		err = res.WriteTable(stdout)
	}
	if err != nil {
		_, _ = fmt.Fprintf(stderr, "otelsessions demo: writing the report: %v\n", err)
		return exitFailed
	}
	if sendFailed {
		return exitFailed
	}
	return exitOK
}
