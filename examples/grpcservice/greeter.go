package main

import (
	"context"
	"errors"

	otelcodes "go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// greetMethod is the full name of the service's one method, as clients call it.
const greetMethod = "/example.Greeter/Greet"

var errCardDeclined = errors.New("card declined")

// greeterServer is the interface the service description dispatches to.
type greeterServer interface {
	Greet(ctx context.Context, name *wrapperspb.StringValue) (*wrapperspb.StringValue, error)
}

// greeterDesc describes example.Greeter by hand, as protoc-gen-go-grpc would generate it from
//
//	service Greeter { rpc Greet(google.protobuf.StringValue) returns (google.protobuf.StringValue); }
var greeterDesc = grpc.ServiceDesc{
	ServiceName: "example.Greeter",
	HandlerType: (*greeterServer)(nil),
	Methods:     []grpc.MethodDesc{{MethodName: "Greet", Handler: greetHandler}},
}

// greetHandler decodes a Greet call and hands it, through the interceptors, to the server. Its signature is
// grpc.MethodHandler's.
//
//nolint:revive // context-as-argument: the order of grpc.MethodHandler
func greetHandler(srv any, ctx context.Context, dec func(any) error, in grpc.UnaryServerInterceptor) (any, error) {
	s, ok := srv.(greeterServer)
	if !ok {
		return nil, status.Errorf(codes.Internal, "%T does not implement example.Greeter", srv)
	}
	req := new(wrapperspb.StringValue)
	if err := dec(req); err != nil {
		return nil, err
	}
	handler := func(ctx context.Context, r any) (any, error) {
		name, ok := r.(*wrapperspb.StringValue)
		if !ok {
			return nil, status.Errorf(codes.Internal, "request of type %T", r)
		}
		return s.Greet(ctx, name)
	}
	if in == nil {
		return handler(ctx, req)
	}
	return in(ctx, req, &grpc.UnaryServerInfo{Server: srv, FullMethod: greetMethod}, handler)
}

// greeter implements example.Greeter.
type greeter struct{}

// Greet answers by the name it is given; see the package documentation.
func (greeter) Greet(ctx context.Context, name *wrapperspb.StringValue) (*wrapperspb.StringValue, error) {
	switch name.GetValue() {
	case "declined":
		chargeTwice(ctx)
		return wrapperspb.String("charged the second card"), nil
	case "crash":
		panic("inventory index out of range")
	case "fail":
		// otelgrpc sets the call's span to Error for Unavailable: the session counts as unhandled.
		return nil, status.Error(codes.Unavailable, "payment provider unavailable")
	default:
		return wrapperspb.String("hello, " + name.GetValue()), nil
	}
}

// chargeTwice charges a first card, which is declined, then a second one. The decline is a handled error: it
// is recorded on a child span, not on the call's own span, and the call still succeeds.
func chargeTwice(ctx context.Context) {
	tracer := trace.SpanFromContext(ctx).TracerProvider().Tracer("example-grpcservice")
	_, first := tracer.Start(ctx, "charge card", trace.WithSpanKind(trace.SpanKindClient))
	first.RecordError(errCardDeclined)
	first.SetStatus(otelcodes.Error, errCardDeclined.Error())
	first.End()

	_, second := tracer.Start(ctx, "charge card", trace.WithSpanKind(trace.SpanKindClient))
	second.End()
}
