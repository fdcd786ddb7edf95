// Command otelsessions derives Bugsnag-style sessions and stability scores from OpenTelemetry traces.
//
//	otelsessions demo [flags]             a live instrumented net/http service under generated load
//	otelsessions replay [flags] FILE...   stability reports from existing trace files ("-" reads stdin)
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Exit codes.
const (
	exitOK       = 0
	exitFailed   = 1
	exitBadUsage = 2
)

const usage = `usage: otelsessions COMMAND [flags] ...

Commands:
  replay [flags] FILE...   stability reports from trace files (OTLP JSON/JSON Lines/protobuf,
                           Zipkin v2 JSON, Jaeger JSON); "-" reads standard input
  demo [flags]             a live service with the span processor, under generated load

Run "otelsessions COMMAND -h" for the flags of a command.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run runs the command line args and returns the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		_, _ = io.WriteString(stderr, usage)
		return exitBadUsage
	}
	switch args[0] {
	case "replay":
		return runReplay(ctx, args[1:], stdin, stdout, stderr)
	case "demo":
		return runDemo(ctx, args[1:], stdout, stderr)
	case "-h", "--help", "help":
		_, _ = io.WriteString(stdout, usage)
		return exitOK
	default:
		_, _ = fmt.Fprintf(stderr, "otelsessions: unknown command %q\n\n%s", args[0], usage)
		return exitBadUsage
	}
}
