package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/otelsessions/otelsessions/processor"
	"github.com/otelsessions/otelsessions/session"
)

// DefaultConcurrency is the number of clients the load generator runs at once.
const DefaultConcurrency = 8

// Options configure a demo run. The zero value of a field is its flag's zero, not its default: the command
// sets the defaults.
type Options struct {
	// Requests is the number of requests the load generator sends.
	Requests int
	// HandledRate and UnhandledRate are the shares of requests that record a handled error and that panic:
	// exactly round(HandledRate·Requests) and round(UnhandledRate·Requests) requests, chosen with Seed.
	// Validate refuses rates whose rounded counts add up to more than Requests.
	HandledRate, UnhandledRate float64
	// Seed makes the choice of requests, and the trace IDs, reproducible.
	Seed uint64
	// SampleRatio is the share of traces head sampling keeps for the span exporter.
	SampleRatio float64
	// Progress receives the per-minute summaries as they are flushed; nil discards them.
	Progress io.Writer
	// FlushEvery flushes at this interval instead of at each UTC minute boundary.
	FlushEvery time.Duration
	// Concurrency is the number of concurrent clients; 0 means DefaultConcurrency.
	Concurrency int
	// Sink, when set, also receives every session and error event, such as the Bugsnag exporter.
	Sink session.Sink
}

// Result is what a demo run measured: the sessions per release and minute as the processor counted them,
// and what the service recorded and exported.
type Result struct {
	// Summary holds the sessions per release and minute.
	Summary session.Summary
	// OutsideErrors counts error events outside any session.
	OutsideErrors int64
	// Spans and Traces count what the service recorded, sampled or not.
	Spans, Traces int64
	// ExportedSpans and ExportedTraces count what the span exporter received.
	ExportedSpans, ExportedTraces int64
	// Load is what the load generator saw.
	Load LoadStats
}

// Run starts the demo service, sends it the load opts describe, and returns the figures once every
// request has been answered and every span exported.
func Run(ctx context.Context, opts Options) (*Result, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = DefaultConcurrency
	}
	sink := newFlusher(opts.Progress, opts.FlushEvery)
	var out session.Sink = sink
	if opts.Sink != nil {
		out = session.Tee(sink, opts.Sink)
	}
	p := processor.New(processor.WithSink(out))
	counter, exporter := newSpanCounter(), &countingExporter{newSpanCounter()}
	tp := newTracerProvider(p, opts.SampleRatio, opts.Seed, counter, exporter)
	srv := newServer(tp)
	sink.start()

	load, loadErr := sendLoad(ctx, srv.URL, opts.plan(), opts.Concurrency)
	srv.Close() // waits for the handlers, so every server span has ended
	shutdownErr := tp.Shutdown(context.WithoutCancel(ctx))
	sink.close()
	if err := errors.Join(loadErr, shutdownErr); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}

	res := &Result{Load: load}
	res.Summary, res.OutsideErrors = sink.totals()
	res.Spans, res.Traces = counter.counts()
	res.ExportedSpans, res.ExportedTraces = exporter.counts()
	return res, nil
}
