package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/otelsessions/otelsessions/internal/replay"
)

const replayUsage = `usage: otelsessions replay [flags] FILE...

Derives sessions from the traces in the files (all files together, so a trace split across files is one
trace) and prints stability per service and release, and per minute. "-" reads standard input. The format
of each file is detected from its content.

Flags:
`

// runReplay runs `otelsessions replay`.
func runReplay(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("replay", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "table", "output format: table or json")
	opts := replay.Options{Stdin: stdin, Progress: stderr}
	fs.BoolVar(&opts.Rules.ConsumerEntries, "consumer-entries", false,
		"CONSUMER spans start sessions under the same rules as SERVER spans (queue workers)")
	fs.BoolVar(&opts.Rules.InternalRootEntries, "internal-root-entries", false,
		"INTERNAL root spans start sessions (scheduled jobs)")
	fs.BoolVar(&opts.Rules.ServerClientErrors, "server-client-errors", false,
		"do not disregard the Error status of a SERVER span with an HTTP 4xx response")
	fs.DurationVar(&opts.ProgressEvery, "progress", time.Second,
		"print progress on stderr at this interval once a run takes longer (0 turns it off)")
	var bf bugsnagFlags
	bf.register(fs)
	fs.Usage = func() {
		_, _ = io.WriteString(stderr, replayUsage)
		fs.PrintDefaults()
	}
	files, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitBadUsage
	}
	if *format != "table" && *format != "json" {
		_, _ = fmt.Fprintf(stderr, "otelsessions replay: --format must be table or json, not %q\n", *format)
		return exitBadUsage
	}
	if opts.ProgressEvery < 0 {
		_, _ = fmt.Fprintf(stderr, "otelsessions replay: --progress must not be negative, not %s\n", opts.ProgressEvery)
		return exitBadUsage
	}
	if countStdin(files) > 1 {
		_, _ = io.WriteString(stderr, "otelsessions replay: \"-\" (standard input) may be given only once\n")
		return exitBadUsage
	}
	if len(files) == 0 {
		_, _ = io.WriteString(stderr, "otelsessions replay: no FILE given\n\n")
		fs.Usage()
		return exitBadUsage
	}
	x, err := bf.exporter(stdout, stderr)
	if err != nil {
		_, _ = fmt.Fprintf(stderr, "otelsessions replay: %v\n", err)
		return exitBadUsage
	}
	if x != nil {
		opts.Exporter = x
	}
	res, err := replay.Run(ctx, files, opts)
	if x != nil {
		err = errors.Join(err, bf.shutdown(ctx, x, stderr))
	}
	sendFailed := err != nil
	if sendFailed {
		_, _ = fmt.Fprintf(stderr, "otelsessions replay: %v\n", err)
	}
	for _, f := range res.Files {
		switch {
		case f.Err != nil:
			_, _ = fmt.Fprintf(stderr, "otelsessions replay: %v\n", f.Err)
		case f.Spans == 0:
			_, _ = fmt.Fprintf(stderr, "otelsessions replay: %s: warning: no spans (%d lines of other signals)\n",
				f.Name, f.SkippedLines)
		}
	}
	if *format == "json" {
		err = res.WriteJSON(stdout)
	} else {
		err = res.WriteTable(stdout)
	}
	if err != nil {
		_, _ = fmt.Fprintf(stderr, "otelsessions replay: writing the report: %v\n", err)
		return exitFailed
	}
	if res.Failed() || sendFailed {
		return exitFailed
	}
	return exitOK
}

// parseInterspersed parses flags that may come before, between or after the file names.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var files []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return files, nil
		}
		files = append(files, args[0])
		args = args[1:]
	}
}

func countStdin(files []string) int {
	n := 0
	for _, f := range files {
		if f == replay.StdinName {
			n++
		}
	}
	return n
}
