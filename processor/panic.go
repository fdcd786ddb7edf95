package processor

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"

	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// RecordPanic records recovered, a value recovered from a panic, on the span in ctx as an unhandled
// failure: an exception event with exception.escaped=true, and the span's status set to Error. Call it
// from a deferred function that recovers, then re-panic (PanicHandler does this for net/http, package
// grpcpanic for gRPC). Without it the SDK records a panic at span end as a plain exception event, which
// the rules cannot tell from a handled one. It does nothing when the span in ctx is not recording.
//
// The event's exception.stacktrace starts at the panic site: the goroutine header, then the frame that
// panicked, without the frames of the recording code and of the runtime's panic machinery, so that error
// trackers grouping by top frame (Bugsnag) tell panics apart. Called outside a deferred recover, it starts
// at RecordPanic's caller.
func RecordPanic(ctx context.Context, recovered any) {
	span := trace.SpanFromContext(ctx)
	if !span.IsRecording() {
		return
	}
	msg := fmt.Sprint(recovered)
	span.AddEvent(semconv.ExceptionEventName, trace.WithAttributes(
		semconv.ExceptionType(panicType(recovered)),
		semconv.ExceptionMessage(msg),
		semconv.ExceptionStacktrace(stack()),
		ExceptionEscapedKey.Bool(true),
	))
	span.SetStatus(codes.Error, msg)
}

// PanicHandler wraps next so that a panic escaping it is recorded on the request's span with RecordPanic
// and then raised again, for the server (or an outer recovery middleware) to handle as before. Put it
// directly inside the otelhttp handler, so that the span in the request's context is the entry span:
//
//	otelhttp.NewHandler(processor.PanicHandler(mux), "server")
//
// http.ErrAbortHandler, which aborts a response on purpose, is raised again without being recorded.
//
// The server closes the connection of a request whose handler panicked without an answer. Go's http.Client
// sends a replayable request (a GET, HEAD, OPTIONS or TRACE without a body, or one with an Idempotency-Key
// header) again when that happens on a reused keep-alive connection: one panicking GET from a Go client can
// count as two (or more) crashed sessions, for one failed call on the client side. The sessions are right,
// the handler did panic each time, but client-side counts of failed calls will not match.
func PanicHandler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if err, ok := v.(error); !ok || !errors.Is(err, http.ErrAbortHandler) {
					RecordPanic(r.Context(), v)
				}
				panic(v)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// panicType names the type of a panic value as the SDK's span.End does (package path and name), except
// that a predeclared type is named as Go names it ("string", where the SDK writes ".string").
func panicType(v any) string {
	t := reflect.TypeOf(v)
	if t.PkgPath() == "" {
		return t.String()
	}
	return t.PkgPath() + "." + t.Name()
}
