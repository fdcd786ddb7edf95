package demo

import (
	"context"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"sync"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/otelsessions/otelsessions/processor"
	"github.com/otelsessions/otelsessions/session"
)

// The demo service's identity, which its sessions count towards.
const (
	ServiceName    = "otelsessions-demo"
	ServiceVersion = "1.0.0"
	ReleaseStage   = "demo"
)

// errPaymentDeclined is the handled error: the first card is declined and the second one is charged.
var errPaymentDeclined = errors.New("payment declined, charged the second card")

// newResource describes the demo service as the SDK's resource, from which sessions take app and device.
func newResource() *resource.Resource {
	host, _ := os.Hostname()
	return resource.NewSchemaless(
		semconv.ServiceName(ServiceName),
		semconv.ServiceVersionKey.String(ServiceVersion),
		semconv.DeploymentEnvironmentNameKey.String(ReleaseStage),
		semconv.HostName(host),
		semconv.OSTypeKey.String(runtime.GOOS),
		semconv.ProcessRuntimeName("go"),
		semconv.ProcessRuntimeVersionKey.String(runtime.Version()),
	)
}

// newTracerProvider is the set-up the processor's README recommends: the processor, with its sampler
// wrapped around head sampling of ratio, and a batching exporter, which gets only the sampled spans.
func newTracerProvider(p *processor.Processor, ratio float64, seed uint64, counter *spanCounter,
	exporter sdktrace.SpanExporter,
) *sdktrace.TracerProvider {
	return sdktrace.NewTracerProvider(
		sdktrace.WithResource(newResource()),
		sdktrace.WithSampler(p.Sampler(sdktrace.ParentBased(sdktrace.TraceIDRatioBased(ratio)))),
		sdktrace.WithIDGenerator(newSeededIDs(seed)),
		sdktrace.WithSpanProcessor(p),
		sdktrace.WithSpanProcessor(counter),
		sdktrace.WithBatcher(exporter),
	)
}

// newServer starts the demo service on a loopback port: POST /orders, instrumented with otelhttp, with
// processor.PanicHandler directly inside it. The server's log of recovered panics is discarded: the demo
// panics on purpose.
func newServer(tp trace.TracerProvider) *httptest.Server {
	tracer := tp.Tracer("github.com/otelsessions/otelsessions/internal/demo")
	mux := http.NewServeMux()
	mux.HandleFunc("POST /orders", func(w http.ResponseWriter, r *http.Request) {
		placeOrder(r.Context(), tracer, r.URL.Query().Get(outcomeQueryName))
		w.WriteHeader(http.StatusCreated)
	})
	srv := httptest.NewUnstartedServer(otelhttp.NewHandler(processor.PanicHandler(mux), "orders",
		otelhttp.WithTracerProvider(tp)))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.Start()
	return srv
}

// placeOrder is the handler's work: it validates the order, reads the stock and charges the card, each in
// a span. fail "handled" declines the first card (a handled error), "panic" panics while pricing.
func placeOrder(ctx context.Context, tracer trace.Tracer, fail string) {
	_, validate := tracer.Start(ctx, "validate order")
	validate.End()
	if fail == "panic" {
		panic("pricing rule missing for SKU 42")
	}
	_, stock := tracer.Start(ctx, "SELECT stock", trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(semconv.DBSystemNamePostgreSQL, attribute.String("db.query.text", "SELECT stock")))
	stock.End()
	_, charge := tracer.Start(ctx, "POST /charges", trace.WithSpanKind(trace.SpanKindClient))
	if fail == "handled" {
		charge.RecordError(errPaymentDeclined)
		charge.SetStatus(codes.Error, errPaymentDeclined.Error())
	}
	charge.End()
}

// spanCounter is a span processor that counts the spans and traces the service recorded.
type spanCounter struct {
	mu     sync.Mutex
	spans  int64
	traces map[trace.TraceID]struct{}
}

func newSpanCounter() *spanCounter { return &spanCounter{traces: make(map[trace.TraceID]struct{})} }

func (*spanCounter) OnStart(context.Context, sdktrace.ReadWriteSpan) {}

func (c *spanCounter) OnEnd(s sdktrace.ReadOnlySpan) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.spans++
	c.traces[s.SpanContext().TraceID()] = struct{}{}
}

func (*spanCounter) Shutdown(context.Context) error { return nil }

func (*spanCounter) ForceFlush(context.Context) error { return nil }

func (c *spanCounter) counts() (spans, traces int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.spans, int64(len(c.traces))
}

// countingExporter is the span exporter: it counts what it receives.
type countingExporter struct{ *spanCounter }

func (e *countingExporter) ExportSpans(_ context.Context, spans []sdktrace.ReadOnlySpan) error {
	for _, s := range spans {
		e.OnEnd(s)
	}
	return nil
}

var (
	_ sdktrace.SpanProcessor = (*spanCounter)(nil)
	_ sdktrace.SpanExporter  = (*countingExporter)(nil)
	_ session.Sink           = (*flusher)(nil)
)
