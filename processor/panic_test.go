package processor

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/otelsessions/otelsessions/session"
)

// serve sends one request through h and returns what it panicked with, if anything.
func serve(h http.Handler) (panicked any) {
	defer func() { panicked = recover() }()
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/boom", http.NoBody))
	return nil
}

func panicking(v any) http.Handler {
	return http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic(v) })
}

// TestPanicHandlerCountsOnePanicOnce checks point 5: a panic escaping a handler wrapped by PanicHandler
// inside otelhttp is raised again, leaves the entry span in Error with an escaped exception event, and
// counts as one unhandled event although the SDK's span.End records it a second time.
func TestPanicHandlerCountsOnePanicOnce(t *testing.T) {
	h := newHarness(t)
	handler := otelhttp.NewHandler(PanicHandler(panicking("out of stock")), "server",
		otelhttp.WithTracerProvider(h.tp))
	assert.Equal(t, "out of stock", serve(handler))

	ended := h.rec.Ended()
	require.Len(t, ended, 1)
	assert.Equal(t, codes.Error, ended[0].Status().Code)
	require.Len(t, ended[0].Events(), 2, "ours and the SDK's")
	evs := h.sink.errors()
	require.Len(t, evs, 1)
	assert.True(t, evs[0].Unhandled)
	assert.Equal(t, "string", evs[0].Class)
	assert.Equal(t, "out of stock", evs[0].Message)
	assert.Contains(t, evs[0].Stacktrace, "panic_test.go", "the stack holds the frame that panicked")
	c, _ := h.sink.counts()
	assert.Equal(t, session.Counts{Started: 1, Unhandled: 1, UnhandledEvents: 1}, c)
}

// TestPanicWithoutHandlerLooksHandled shows why PanicHandler exists: the SDK alone records a panic as a
// plain exception event on a span whose status stays Unset, which the rules count as handled.
func TestPanicWithoutHandlerLooksHandled(t *testing.T) {
	h := newHarness(t)
	handler := otelhttp.NewHandler(panicking(assert.AnError), "server", otelhttp.WithTracerProvider(h.tp))
	assert.Equal(t, assert.AnError, serve(handler))
	c, _ := h.sink.counts()
	assert.Equal(t, session.Counts{Started: 1, Handled: 1, HandledEvents: 1}, c)
}

// TestPanicHandlerPassesAbortHandler checks that http.ErrAbortHandler is raised again without being
// recorded as unhandled.
func TestPanicHandlerPassesAbortHandler(t *testing.T) {
	h := newHarness(t)
	handler := otelhttp.NewHandler(PanicHandler(panicking(http.ErrAbortHandler)), "server",
		otelhttp.WithTracerProvider(h.tp))
	assert.Equal(t, http.ErrAbortHandler, serve(handler))
	c, _ := h.sink.counts()
	assert.Zero(t, c.Unhandled)
	assert.NotEqual(t, codes.Error, h.rec.Ended()[0].Status().Code)
}

func TestPanicHandlerPassesRequests(t *testing.T) {
	h := newHarness(t)
	handler := otelhttp.NewHandler(PanicHandler(http.NotFoundHandler()), "server", otelhttp.WithTracerProvider(h.tp))
	assert.Nil(t, serve(handler))
	c, _ := h.sink.counts()
	assert.Equal(t, session.Counts{Started: 1}, c, "404 is no error")
}

// TestPanicHandlerWithoutPanicRecording checks the count when the TracerProvider does not record panics:
// only our event is there.
func TestPanicHandlerWithoutPanicRecording(t *testing.T) {
	sink := &recSink{}
	p := New(WithSink(sink))
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(p), sdktrace.WithoutPanicRecording())
	t.Cleanup(func() { require.NoError(t, tp.Shutdown(context.WithoutCancel(t.Context()))) })
	handler := otelhttp.NewHandler(PanicHandler(panicking("x")), "server", otelhttp.WithTracerProvider(tp))
	assert.Equal(t, "x", serve(handler))
	c, _ := sink.counts()
	assert.Equal(t, session.Counts{Started: 1, Unhandled: 1, UnhandledEvents: 1}, c)
}

func TestRecordPanicWithoutSpan(t *testing.T) {
	assert.NotPanics(t, func() { RecordPanic(t.Context(), "x") })
}

func TestPanicType(t *testing.T) {
	assert.Equal(t, "string", panicType("x"))
	assert.Equal(t, "*errors.errorString", panicType(http.ErrAbortHandler))
	assert.Equal(t, "net/http.Header", panicType(http.Header{}))
}
