// Command grpcservice is a gRPC service instrumented with otelgrpc's server handler and the otelsessions
// processor: each call is a session, and its handled and unhandled errors reach Bugsnag's Sessions and
// Notify APIs. Its one service, example.Greeter, is described by hand (greeter.go), so no protoc is needed;
// its method Greet takes and returns a google.protobuf.StringValue. The name decides what a call does:
//
//	"declined"  a handled error: the first card is declined, the second one charged; answers OK
//	"crash"     the handler panics: an unhandled error, the session crashed; answers Internal
//	"fail"      answers Unavailable: an unhandled error, the call failed
//	any other   answers "hello, <name>"
//
//	BUGSNAG_API_KEY=<your project's API key> go run ./examples/grpcservice -addr 127.0.0.1:50051
//
// SIGINT or SIGTERM stops the server gracefully, then delivers every pending session and error event before
// exiting. The environment variables it reads are listed on telemetry.New (examples/internal/telemetry); add
// OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4317 OTEL_EXPORTER_OTLP_PROTOCOL=grpc to also send the spans
// to a Collector.
package main

import (
	"context"
	"errors"
	"flag"
	"log"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	"go.uber.org/zap"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/otelsessions/otelsessions/examples/internal/telemetry"
	"github.com/otelsessions/otelsessions/processor/grpcpanic"
)

const (
	serviceName    = "example-grpcservice"
	serviceVersion = "1.0.0"
)

func main() {
	addr := flag.String("addr", envOr("LISTEN_ADDR", "127.0.0.1:50051"), "listen address (env LISTEN_ADDR)")
	flag.Parse()
	logger, err := zap.NewProduction()
	if err != nil {
		log.Fatal(err)
	}
	if err := run(*addr, logger); err != nil {
		logger.Error("grpcservice failed", zap.Error(err))
		os.Exit(1)
	}
}

// run serves until SIGINT or SIGTERM, then stops the server and shuts the telemetry down in that order.
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
		err = errors.Join(err, tel.Shutdown(sctx)) // after the server: its last calls' spans have ended
	}()

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := grpc.NewServer(
		grpc.StatsHandler(otelgrpc.NewServerHandler(otelgrpc.WithTracerProvider(tel.Provider))),
		// The recovery interceptor outside, grpcpanic's inside it: the panic is recorded on the call's span,
		// then turned into an Internal status instead of crashing the process.
		grpc.ChainUnaryInterceptor(recoverUnary(logger), grpcpanic.UnaryServerInterceptor()),
		grpc.ChainStreamInterceptor(recoverStream(logger), grpcpanic.StreamServerInterceptor()),
	)
	srv.RegisterService(&greeterDesc, greeter{})
	logger.Info("listening", zap.String("addr", ln.Addr().String()))
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	srv.GracefulStop() // waits for the calls in flight
	return nil
}

// recoverUnary turns a handler's panic into an Internal status, as a recovery interceptor does.
func recoverUnary(logger *zap.Logger) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (_ any, err error) {
		defer func() {
			if v := recover(); v != nil {
				logger.Error("panic in a handler", zap.String("method", info.FullMethod), zap.Any("panic", v))
				err = status.Error(codes.Internal, "internal error")
			}
		}()
		return h(ctx, req)
	}
}

// recoverStream is recoverUnary for streaming calls.
func recoverStream(logger *zap.Logger) grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) (err error) {
		defer func() {
			if v := recover(); v != nil {
				logger.Error("panic in a handler", zap.String("method", info.FullMethod), zap.Any("panic", v))
				err = status.Error(codes.Internal, "internal error")
			}
		}()
		return h(srv, ss)
	}
}

// envOr returns the environment variable key, or def when it is unset or empty.
func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
