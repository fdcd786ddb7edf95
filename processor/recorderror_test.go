package processor

import (
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/trace"

	"github.com/otelsessions/otelsessions/session"
)

var errDeclined = errors.New("card declined")

// TestRecordErrorOnEntrySpanWith5xx checks the README's warning: an error recorded on the entry span of a
// request answered with a 5xx is unhandled, since otelhttp sets the span's status to Error. Recorded on a
// child span it is handled, but the entry span's Error status is then an unhandled event of its own; the
// override keeps the session handled, on the event or on the entry span.
func TestRecordErrorOnEntrySpanWith5xx(t *testing.T) {
	for name, tc := range map[string]struct {
		record func(*harness, *http.Request)
		want   session.Counts
	}{
		"on the entry span": {func(_ *harness, r *http.Request) {
			trace.SpanFromContext(r.Context()).RecordError(errDeclined)
		}, session.Counts{Started: 1, Unhandled: 1, UnhandledEvents: 1}},
		"on a child span": {func(h *harness, r *http.Request) {
			_, span := h.tracer.Start(r.Context(), "charge card")
			span.RecordError(errDeclined)
			span.End()
		}, session.Counts{Started: 1, Unhandled: 1, HandledEvents: 1, UnhandledEvents: 1}},
		"override on the event": {func(_ *harness, r *http.Request) {
			trace.SpanFromContext(r.Context()).RecordError(errDeclined,
				trace.WithAttributes(UnhandledKey.Bool(false)))
		}, session.Counts{Started: 1, Handled: 1, HandledEvents: 1}},
		"override on the span": {func(_ *harness, r *http.Request) {
			span := trace.SpanFromContext(r.Context())
			span.RecordError(errDeclined)
			span.SetAttributes(UnhandledKey.Bool(false))
		}, session.Counts{Started: 1, Handled: 1, HandledEvents: 1}},
	} {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t)
			serveStatus(t, h, http.StatusServiceUnavailable, func(r *http.Request) { tc.record(h, r) })
			c, _ := h.sink.counts()
			assert.Equal(t, tc.want, c)
		})
	}
}

// TestRecordErrorOnChildSpanWith2xx checks that an error recorded on a child span of a request answered
// with a 2xx is handled.
func TestRecordErrorOnChildSpanWith2xx(t *testing.T) {
	h := newHarness(t)
	serveStatus(t, h, http.StatusOK, func(r *http.Request) {
		_, span := h.tracer.Start(r.Context(), "charge card")
		span.RecordError(errDeclined)
		span.End()
	})
	c, _ := h.sink.counts()
	assert.Equal(t, session.Counts{Started: 1, Handled: 1, HandledEvents: 1}, c)
}

// serveStatus serves one request through otelhttp and PanicHandler with a handler that calls work, then
// answers status.
func serveStatus(t *testing.T, h *harness, status int, work func(*http.Request)) {
	t.Helper()
	handler := otelhttp.NewHandler(PanicHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		work(r)
		w.WriteHeader(status)
	})), "server", otelhttp.WithTracerProvider(h.tp))
	handler.ServeHTTP(discardWriter{}, newRequest(t, "/pay"))
}
