package processor_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/otelsessions/otelsessions/processor"
	"github.com/otelsessions/otelsessions/session"
)

// figures is a session.Sink that adds everything up; a real program passes the Bugsnag exporter.
type figures struct {
	mu     sync.Mutex
	counts session.Counts
}

func (f *figures) SessionStarted(*session.Session) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.counts.Started++
}

func (f *figures) ErrorEvent(e session.Event) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if e.Session == nil {
		return // outside any session: delivered, but no figure changes
	}
	if e.Unhandled && e.Counts.Unhandled == 1 {
		f.counts.Unhandled++
	}
}

// Example wires the processor into a TracerProvider that samples a tenth of its traces, with the sampler
// wrapper so that every request's session counts, and the panic handler inside otelhttp so that a panic
// counts as unhandled.
func Example() {
	sink := &figures{}
	p := processor.New(processor.WithSink(sink))
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithSampler(p.Sampler(sdktrace.ParentBased(sdktrace.TraceIDRatioBased(0.1)))),
		sdktrace.WithSpanProcessor(p),
		// sdktrace.WithBatcher(exporter): the span exporter still gets only the sampled tenth.
	)
	defer func() { _ = tp.Shutdown(context.Background()) }()

	mux := http.NewServeMux()
	mux.HandleFunc("GET /ok", func(http.ResponseWriter, *http.Request) {})
	mux.HandleFunc("GET /crash", func(http.ResponseWriter, *http.Request) { panic("out of stock") })
	handler := otelhttp.NewHandler(processor.PanicHandler(mux), "shop", otelhttp.WithTracerProvider(tp))

	for _, path := range []string{"/ok", "/ok", "/ok", "/crash"} {
		func() {
			defer func() { _ = recover() }() // what net/http's server does with a handler's panic
			handler.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, path, http.NoBody))
		}()
	}
	stability, _ := sink.counts.Stability()
	fmt.Printf("%d sessions, %d unhandled, stability %.0f%%\n", sink.counts.Started, sink.counts.Unhandled,
		stability*100)
	// Output: 4 sessions, 1 unhandled, stability 75%
}

// ExampleProcessor_StartSession tracks a background job as a session of its own, and keeps a part of the
// job out of it.
func ExampleProcessor_StartSession() {
	sink := &figures{}
	p := processor.New(processor.WithSink(sink), processor.WithOnSession(
		func(_ context.Context, s *session.Session) bool {
			s.App.Type = "worker"
			return true
		},
	))
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(p))
	defer func() { _ = tp.Shutdown(context.Background()) }()
	tracer := tp.Tracer("worker")

	ctx := p.StartSession(context.Background())
	_, span := tracer.Start(ctx, "process batch") // carries session.id
	span.End()

	p.PauseSession(ctx)
	_, span = tracer.Start(ctx, "housekeeping") // carries none
	span.End()

	ctx, resumed := p.ResumeSession(ctx)
	_, span = tracer.Start(ctx, "commit") // carries the first session's ID again
	span.End()

	fmt.Println(sink.counts.Started, "session; resumed:", resumed)
	// Output: 1 session; resumed: true
}
