package grpcpanic

import (
	"context"
	"net"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"
	grpccodes "google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"

	"github.com/otelsessions/otelsessions/internal/tally"
	"github.com/otelsessions/otelsessions/processor"
	"github.com/otelsessions/otelsessions/session"
)

// setup returns a TracerProvider with the processor counting into a tally, and a span recorder.
func setup(t *testing.T) (*sdktrace.TracerProvider, *tally.Sink, *tracetest.SpanRecorder) {
	t.Helper()
	sink, rec := &tally.Sink{}, tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(processor.New(processor.WithSink(sink))),
		sdktrace.WithSpanProcessor(rec))
	t.Cleanup(func() { require.NoError(t, tp.Shutdown(context.WithoutCancel(t.Context()))) })
	return tp, sink, rec
}

func counts(sink *tally.Sink) session.Counts {
	sum, _ := sink.Take()
	return sum.Total()
}

// TestUnaryInterceptorRecordsAndRepanics checks that a panic escaping a unary handler is raised again and
// recorded on the request's span as one unhandled event.
func TestUnaryInterceptorRecordsAndRepanics(t *testing.T) {
	tp, sink, rec := setup(t)
	ctx, span := tp.Tracer("t").Start(t.Context(), "/pkg.Svc/Do", trace.WithSpanKind(trace.SpanKindServer))
	intercept := UnaryServerInterceptor()
	assert.PanicsWithValue(t, "boom", func() {
		_, _ = intercept(ctx, nil, &grpc.UnaryServerInfo{}, func(context.Context, any) (any, error) {
			panic("boom")
		})
	})
	span.End()
	require.Len(t, rec.Ended(), 1)
	assert.Equal(t, codes.Error, rec.Ended()[0].Status().Code)
	assert.Equal(t, session.Counts{Started: 1, Unhandled: 1, UnhandledEvents: 1}, counts(sink))
}

// lookUpStock is a unary handler that panics in a named function.
func lookUpStock(context.Context, any) (any, error) {
	panic("stock table missing")
}

// TestUnaryInterceptorStackStartsAtPanicSite checks that the recorded stack trace starts, after the
// goroutine header, at the handler that panicked, not at the interceptor or processor.RecordPanic.
func TestUnaryInterceptorStackStartsAtPanicSite(t *testing.T) {
	tp, _, rec := setup(t)
	ctx, span := tp.Tracer("t").Start(t.Context(), "/pkg.Svc/Stock", trace.WithSpanKind(trace.SpanKindServer))
	assert.Panics(t, func() { _, _ = UnaryServerInterceptor()(ctx, nil, &grpc.UnaryServerInfo{}, lookUpStock) })
	span.End()
	require.Len(t, rec.Ended(), 1)
	var st string
	for _, ev := range rec.Ended()[0].Events() {
		for _, kv := range ev.Attributes {
			if kv.Key == semconv.ExceptionStacktraceKey && st == "" {
				st = kv.Value.AsString()
			}
		}
	}
	lines := strings.Split(st, "\n")
	require.Greater(t, len(lines), 2, st)
	assert.True(t, strings.HasPrefix(lines[0], "goroutine "), st)
	const site = "github.com/otelsessions/otelsessions/processor/grpcpanic.lookUpStock("
	assert.True(t, strings.HasPrefix(lines[1], site), st)
}

func TestUnaryInterceptorPassesResults(t *testing.T) {
	intercept := UnaryServerInterceptor()
	got, err := intercept(t.Context(), "in", &grpc.UnaryServerInfo{}, func(_ context.Context, req any) (any, error) {
		return req, nil
	})
	require.NoError(t, err)
	assert.Equal(t, "in", got)
}

// stream is a grpc.ServerStream whose context is set.
type stream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s stream) Context() context.Context { return s.ctx }

func TestStreamInterceptorRecordsAndRepanics(t *testing.T) {
	tp, sink, _ := setup(t)
	ctx, span := tp.Tracer("t").Start(t.Context(), "/pkg.Svc/Watch", trace.WithSpanKind(trace.SpanKindServer))
	intercept := StreamServerInterceptor()
	assert.PanicsWithValue(t, "boom", func() {
		_ = intercept(nil, stream{ctx: ctx}, &grpc.StreamServerInfo{}, func(any, grpc.ServerStream) error {
			panic("boom")
		})
	})
	span.End()
	assert.Equal(t, session.Counts{Started: 1, Unhandled: 1, UnhandledEvents: 1}, counts(sink))
}

// crashingHealth is a health service whose Check panics.
type crashingHealth struct {
	healthpb.UnimplementedHealthServer
}

func (crashingHealth) Check(context.Context, *healthpb.HealthCheckRequest) (*healthpb.HealthCheckResponse, error) {
	panic("health check bug")
}

// recoverToStatus is the recovery interceptor a server puts outside grpcpanic's, so that it survives.
func recoverToStatus(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (
	resp any, err error,
) {
	defer func() {
		if r := recover(); r != nil {
			err = status.Errorf(grpccodes.Internal, "panic: %v", r)
		}
	}()
	return h(ctx, req)
}

// TestServerWithOtelgrpc runs a real gRPC server with otelgrpc's stats handler: the panicking call starts a
// session that crashes once.
func TestServerWithOtelgrpc(t *testing.T) {
	tp, sink, _ := setup(t)
	lis := bufconn.Listen(1 << 20)
	srv := grpc.NewServer(grpc.StatsHandler(otelgrpc.NewServerHandler(otelgrpc.WithTracerProvider(tp))),
		grpc.ChainUnaryInterceptor(recoverToStatus, UnaryServerInterceptor()))
	healthpb.RegisterHealthServer(srv, crashingHealth{})
	served := make(chan error, 1)
	go func() { served <- srv.Serve(lis) }()

	conn, err := grpc.NewClient("passthrough:///bufnet",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	_, err = healthpb.NewHealthClient(conn).Check(t.Context(), &healthpb.HealthCheckRequest{})
	assert.Equal(t, grpccodes.Internal, status.Code(err))
	require.NoError(t, conn.Close())
	srv.GracefulStop() // waits for the call's handling, span end included
	require.NoError(t, <-served)

	assert.Equal(t, session.Counts{Started: 1, Unhandled: 1, UnhandledEvents: 1}, counts(sink))
}
