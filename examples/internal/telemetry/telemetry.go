// Package telemetry sets tracing up for the example programs as the repository's README says: a
// TracerProvider with the otelsessions processor, and the Bugsnag exporter that delivers its sessions and
// error events, configured from the environment.
package telemetry

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.uber.org/zap"

	"github.com/otelsessions/otelsessions/exporter"
	"github.com/otelsessions/otelsessions/processor"
)

// Telemetry is a program's tracing: the TracerProvider with the otelsessions processor, and the Bugsnag
// exporter that delivers the processor's sessions and error events.
type Telemetry struct {
	// Processor is the otelsessions processor, for sessions by hand and callbacks.
	Processor *processor.Processor
	// Provider is the TracerProvider to instrument with.
	Provider *sdktrace.TracerProvider
	bugsnag  *exporter.Exporter // nil without BUGSNAG_API_KEY
}

// New sets tracing up as the repository's README says, from the environment:
//
//   - BUGSNAG_API_KEY: the Bugsnag project's API key; unset, sessions are counted but not delivered;
//   - BUGSNAG_SESSIONS_ENDPOINT, BUGSNAG_NOTIFY_ENDPOINT: other Bugsnag endpoints (both, or notify alone);
//   - OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) and OTEL_EXPORTER_OTLP_PROTOCOL
//     (http/protobuf or grpc): export the spans over OTLP, to a Collector say; unset, spans are not exported;
//   - OTEL_TRACES_SAMPLER_ARG: the share of traces exported (default 1); every session counts whatever it is;
//   - OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES: the resource, over the defaults given here.
//
// opts are more options of the processor.
func New(ctx context.Context, log *zap.Logger, service, version string, opts ...processor.Option,
) (*Telemetry, error) {
	res, err := newResource(ctx, service, version)
	if err != nil {
		return nil, err
	}
	ratio, err := sampleRatio()
	if err != nil {
		return nil, err
	}
	t := &Telemetry{}
	opts = append(opts, processor.WithResource(res)) // app and device of sessions started by hand
	if key := os.Getenv("BUGSNAG_API_KEY"); key != "" {
		if t.bugsnag, err = exporter.New(key, bugsnagOptions(log)...); err != nil {
			return nil, err // the message never holds the key
		}
		opts = append(opts, processor.WithSink(t.bugsnag))
	} else {
		log.Warn("BUGSNAG_API_KEY is not set: sessions are counted but not delivered")
	}
	t.Processor = processor.New(opts...)

	tpOpts := []sdktrace.TracerProviderOption{
		sdktrace.WithResource(res),
		sdktrace.WithSampler(t.Processor.Sampler(sdktrace.ParentBased(sdktrace.TraceIDRatioBased(ratio)))),
		sdktrace.WithSpanProcessor(t.Processor), // before the batcher: spans it exports carry session.id
	}
	spans, err := newSpanExporter(ctx)
	if err != nil {
		return nil, errors.Join(err, t.Shutdown(ctx))
	}
	if spans != nil {
		tpOpts = append(tpOpts, sdktrace.WithBatcher(spans))
	}
	t.Provider = sdktrace.NewTracerProvider(tpOpts...)
	otel.SetTracerProvider(t.Provider)
	otel.SetTextMapPropagator(propagation.TraceContext{})
	return t, nil
}

// Shutdown ends the TracerProvider first (the processor hands on its last sessions and errors, the batcher
// exports its spans), then the Bugsnag exporter, which delivers what is pending.
func (t *Telemetry) Shutdown(ctx context.Context) error {
	var err error
	if t.Provider != nil {
		err = t.Provider.Shutdown(ctx)
	}
	if t.bugsnag != nil {
		err = errors.Join(err, t.bugsnag.Shutdown(ctx))
	}
	return err
}

// newResource describes the service; the sessions take their app and device fields from it.
func newResource(ctx context.Context, service, version string) (*resource.Resource, error) {
	return resource.New(ctx,
		resource.WithAttributes(
			semconv.ServiceName(service),
			semconv.ServiceVersion(version),
			semconv.DeploymentEnvironmentNameKey.String("development"),
			semconv.ProcessRuntimeName("go"), // Bugsnag's name; the detector says "gc", the compiler
		),
		resource.WithHost(),
		resource.WithOSType(),
		resource.WithProcessRuntimeVersion(),
		resource.WithFromEnv(), // last: OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win
	)
}

// bugsnagOptions reads the Bugsnag endpoints from the environment.
func bugsnagOptions(log *zap.Logger) []exporter.Option {
	opts := []exporter.Option{exporter.WithLogger(log)}
	if u := os.Getenv("BUGSNAG_SESSIONS_ENDPOINT"); u != "" {
		opts = append(opts, exporter.WithSessionsEndpoint(u))
	}
	if u := os.Getenv("BUGSNAG_NOTIFY_ENDPOINT"); u != "" {
		opts = append(opts, exporter.WithNotifyEndpoint(u))
	}
	return opts
}

// newSpanExporter returns the OTLP span exporter the standard environment variables ask for, or nil when
// they name no endpoint. The exporters read the endpoint, headers, TLS and timeout settings themselves.
func newSpanExporter(ctx context.Context) (sdktrace.SpanExporter, error) {
	if os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") == "" && os.Getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") == "" {
		return nil, nil
	}
	protocol := os.Getenv("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL")
	if protocol == "" {
		protocol = os.Getenv("OTEL_EXPORTER_OTLP_PROTOCOL")
	}
	switch protocol {
	case "grpc":
		return otlptracegrpc.New(ctx)
	case "", "http/protobuf":
		return otlptracehttp.New(ctx)
	default:
		return nil, fmt.Errorf("OTLP protocol %q: want http/protobuf or grpc", protocol)
	}
}

// sampleRatio reads OTEL_TRACES_SAMPLER_ARG, the share of traces to export.
func sampleRatio() (float64, error) {
	arg := strings.TrimSpace(os.Getenv("OTEL_TRACES_SAMPLER_ARG"))
	if arg == "" {
		return 1, nil
	}
	r, err := strconv.ParseFloat(arg, 64)
	if err != nil || r < 0 || r > 1 {
		return 0, fmt.Errorf("OTEL_TRACES_SAMPLER_ARG %q: want a ratio from 0 to 1", arg)
	}
	return r, nil
}
