// Command httpservice is a net/http service instrumented with otelhttp and the otelsessions processor: each
// request is a session, and its handled and unhandled errors reach Bugsnag's Sessions and Notify APIs.
//
//	BUGSNAG_API_KEY=<your project's API key> go run ./examples/httpservice -addr 127.0.0.1:8080
//	curl localhost:8080/hello        # 200: a session without errors
//	curl localhost:8080/checkout     # 200: a handled error (the first card was declined)
//	curl localhost:8080/crash        # the handler panics: an unhandled error, the session crashed
//	curl localhost:8080/unavailable  # 503: an unhandled error, the request failed
//
// SIGINT or SIGTERM stops the server, then delivers every pending session and error event before exiting.
// The environment variables it reads are listed on telemetry.New (examples/internal/telemetry); add
// OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 to also send the spans to a Collector.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/zap"

	"github.com/otelsessions/otelsessions/examples/internal/telemetry"
	"github.com/otelsessions/otelsessions/processor"
)

const (
	serviceName    = "example-httpservice"
	serviceVersion = "1.0.0"
)

var errCardDeclined = errors.New("card declined")

func main() {
	addr := flag.String("addr", envOr("LISTEN_ADDR", "127.0.0.1:8080"), "listen address (env LISTEN_ADDR)")
	flag.Parse()
	logger, err := zap.NewProduction()
	if err != nil {
		log.Fatal(err)
	}
	if err := run(*addr, logger); err != nil {
		logger.Error("httpservice failed", zap.Error(err))
		os.Exit(1)
	}
}

// run serves until SIGINT or SIGTERM, then shuts the server and the telemetry down in that order.
func run(addr string, logger *zap.Logger) (err error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	tel, err := telemetry.New(ctx, logger, serviceName, serviceVersion)
	if err != nil {
		return err
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		err = errors.Join(err, tel.Shutdown(sctx)) // after the server: its last requests' spans have ended
	}()

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: newHandler(tel.Provider), ReadHeaderTimeout: 10 * time.Second}
	logger.Info("listening", zap.String("addr", ln.Addr().String()))
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	return srv.Shutdown(sctx) // waits for the requests in flight
}

// newHandler is the service's routes, with processor.PanicHandler directly inside otelhttp so that a panic
// counts as unhandled.
func newHandler(tp trace.TracerProvider) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /hello", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = fmt.Fprintln(w, "hello")
	})
	mux.HandleFunc("GET /checkout", checkout)
	mux.HandleFunc("GET /crash", func(http.ResponseWriter, *http.Request) {
		panic("inventory index out of range")
	})
	mux.HandleFunc("GET /unavailable", func(w http.ResponseWriter, _ *http.Request) {
		// otelhttp sets the request's span to Error for a 5xx: the session counts as unhandled.
		http.Error(w, "payment provider unavailable", http.StatusServiceUnavailable)
	})
	return otelhttp.NewHandler(processor.PanicHandler(mux), "httpservice", otelhttp.WithTracerProvider(tp))
}

// checkout charges a first card, which is declined, then a second one. The decline is a handled error: it is
// recorded on a child span, not on the request's own span, and the request still succeeds.
func checkout(w http.ResponseWriter, r *http.Request) {
	tracer := trace.SpanFromContext(r.Context()).TracerProvider().Tracer("example-httpservice")
	_, first := tracer.Start(r.Context(), "charge card", trace.WithSpanKind(trace.SpanKindClient))
	first.RecordError(errCardDeclined)
	first.SetStatus(codes.Error, errCardDeclined.Error())
	first.End()

	_, second := tracer.Start(r.Context(), "charge card", trace.WithSpanKind(trace.SpanKindClient))
	second.End()
	_, _ = fmt.Fprintln(w, "charged the second card")
}

// envOr returns the environment variable key, or def when it is unset or empty.
func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
