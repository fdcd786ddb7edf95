package replay

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelsessions/otelsessions/internal/derive"
	"github.com/otelsessions/otelsessions/internal/tracefile"
	"github.com/otelsessions/otelsessions/session"
)

// StdinName is the file name that reads standard input.
const StdinName = "-"

// Options configure a replay.
type Options struct {
	// Rules chooses the optional derivation rules.
	Rules derive.Config
	// Stdin is read for the file named "-".
	Stdin io.Reader
	// Progress receives a progress line every ProgressEvery once a run takes longer than that; nil for none.
	Progress      io.Writer
	ProgressEvery time.Duration
	// Exporter, when set, receives every session and error event replay derives, and is flushed every
	// FlushEvery error events (default 500) so that its bounded buffers never overflow.
	Exporter   Exporter
	FlushEvery int
}

// Exporter is where replay sends what it derives, such as the Bugsnag exporter.
type Exporter interface {
	session.Sink
	// ForceFlush delivers what the exporter holds and returns once it is delivered or ctx ends.
	ForceFlush(ctx context.Context) error
}

const defaultFlushEvery = 500

// FileResult is what replay made of one file.
type FileResult struct {
	Name         string `json:"name"`
	Format       string `json:"format,omitempty"`
	Spans        int    `json:"spans"`
	SkippedLines int    `json:"skippedLines,omitempty"`
	Err          error  `json:"-"`
}

// Result is a whole replay: the files, the engine's counts and the sessions per release and minute.
type Result struct {
	Files  []FileResult
	Report derive.Report
	Stats  derive.Stats
}

// Failed reports whether any file could not be read whole.
func (r *Result) Failed() bool {
	for _, f := range r.Files {
		if f.Err != nil {
			return true
		}
	}
	return false
}

// Run reads every file, in order, and derives their sessions over all of them together, so that a trace
// split across files is resolved as one. A file that fails is reported in its FileResult and the others
// are still read. Run stops early only when ctx ends.
func Run(ctx context.Context, files []string, opts Options) (*Result, error) {
	e := derive.New(opts.Rules)
	res := &Result{Files: make([]FileResult, 0, len(files))}
	var spans, current atomic.Int64
	stop := startProgress(opts, len(files), &current, &spans)
	defer stop()
	for i, name := range files {
		if err := ctx.Err(); err != nil {
			return res, fmt.Errorf("replay stopped after %d of %d files: %w", i, len(files), err)
		}
		current.Store(int64(i + 1))
		fr := readFile(name, opts.Stdin, func(td ptrace.Traces) {
			e.Add(td)
			spans.Add(int64(td.SpanCount()))
		})
		res.Files = append(res.Files, fr)
	}
	var flushErr error
	pending := 0
	e.ResolveAll(func(t derive.Trace) {
		res.Report.Add(t)
		if opts.Exporter == nil || flushErr != nil {
			return
		}
		t.Emit(opts.Exporter)
		if pending += len(t.Events); pending >= cmp.Or(opts.FlushEvery, defaultFlushEvery) {
			flushErr, pending = opts.Exporter.ForceFlush(ctx), 0
		}
	})
	res.Stats = e.Stats()
	if flushErr != nil {
		return res, fmt.Errorf("sending what replay derived: %w", flushErr)
	}
	return res, nil
}

func readFile(name string, stdin io.Reader, fn func(ptrace.Traces)) FileResult {
	fr := FileResult{Name: name}
	var r io.Reader
	if name == StdinName {
		if stdin == nil {
			stdin = os.Stdin
		}
		r = stdin
	} else {
		f, err := os.Open(name) //nolint:gosec // reading the files the user named is the point
		if err != nil {
			fr.Err = err
			return fr
		}
		defer f.Close()
		r = f
	}
	st, err := tracefile.Read(name, r, fn)
	fr.Format, fr.Spans, fr.SkippedLines, fr.Err = formatName(st.Format), st.Spans, st.SkippedLines, err
	return fr
}

func formatName(f tracefile.Format) string {
	if f == tracefile.FormatUnknown {
		return ""
	}
	return f.String()
}

// startProgress prints a progress line every opts.ProgressEvery, the first one after that long, until the
// returned stop is called; stop waits for the printing goroutine to end.
func startProgress(opts Options, files int, current, spans *atomic.Int64) (stop func()) {
	if opts.Progress == nil || opts.ProgressEvery <= 0 {
		return func() {}
	}
	done, exited := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(exited)
		t := time.NewTicker(opts.ProgressEvery)
		defer t.Stop()
		start := time.Now()
		for {
			select {
			case <-done:
				return
			case now := <-t.C:
				_, _ = fmt.Fprintf(opts.Progress, "otelsessions: %s: %d spans read, file %d of %d\n",
					now.Sub(start).Round(time.Second), spans.Load(), current.Load(), files)
			}
		}
	}()
	return func() {
		close(done)
		<-exited
	}
}
