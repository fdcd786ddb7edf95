package grpcpanic

import (
	"context"

	"google.golang.org/grpc"

	"github.com/otelsessions/otelsessions/processor"
)

// UnaryServerInterceptor returns an interceptor that records a panic escaping a unary handler on the span
// in the request's context as an unhandled exception, then raises it again.
func UnaryServerInterceptor() grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		defer recordAndRepanic(ctx)
		return handler(ctx, req)
	}
}

// StreamServerInterceptor returns an interceptor that records a panic escaping a streaming handler on the
// span in the stream's context as an unhandled exception, then raises it again.
func StreamServerInterceptor() grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
		defer recordAndRepanic(ss.Context())
		return handler(srv, ss)
	}
}

// recordAndRepanic is deferred by the interceptors: it recovers a panic, records it and raises it again.
func recordAndRepanic(ctx context.Context) {
	if v := recover(); v != nil {
		processor.RecordPanic(ctx, v)
		panic(v)
	}
}
