package processor

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"runtime"

	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// maxStack bounds the stack trace RecordPanic records.
const maxStack = 64 << 10

// RecordPanic records recovered, a value recovered from a panic, on the span in ctx as an unhandled
// failure: an exception event with exception.escaped=true, and the span's status set to Error. Call it
// from a deferred function that recovers, then re-panic (PanicHandler does this for net/http, package
// grpcpanic for gRPC). Without it the SDK records a panic at span end as a plain exception event, which
// the rules cannot tell from a handled one. It does nothing when the span in ctx is not recording.
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

// stack returns the calling goroutine's stack, which during a deferred recover still holds the frames that
// panicked.
func stack() string {
	for n := 4 << 10; ; n *= 2 {
		buf := make([]byte, n)
		if m := runtime.Stack(buf, false); m < n || n >= maxStack {
			return string(buf[:m])
		}
	}
}
