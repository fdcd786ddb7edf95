// Package grpcpanic provides gRPC server interceptors that record a panic escaping a handler on the
// request's span as an unhandled exception, with processor.RecordPanic, and raise it again. Use them with
// otelgrpc.NewServerHandler, whose span they record on, and inside any recovery interceptor.
package grpcpanic
