package processor

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// TestPanicAndHandledErrorContexts checks that a panic, which escapes before otelhttp names the span after
// the route, gets the request's method and path as its context, like a handled error of a routed request,
// not the bare method otelhttp names the span at start.
func TestPanicAndHandledErrorContexts(t *testing.T) {
	h := newHarness(t)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /panic", func(http.ResponseWriter, *http.Request) { panic("boom") })
	mux.HandleFunc("GET /handled", func(_ http.ResponseWriter, r *http.Request) {
		trace.SpanFromContext(r.Context()).RecordError(errors.New("retried"))
	})
	handler := otelhttp.NewHandler(PanicHandler(mux), "server", otelhttp.WithTracerProvider(h.tp))
	for _, target := range []string{"/panic?id=1", "/handled"} {
		func() {
			defer func() { _ = recover() }()
			handler.ServeHTTP(httptest.NewRecorder(), newRequest(t, target))
		}()
	}

	evs := h.sink.errors()
	require.Len(t, evs, 2)
	assert.Equal(t, "GET /panic", evs[0].Context)
	assert.True(t, evs[0].Unhandled)
	assert.Equal(t, "GET /handled", evs[1].Context)
	assert.False(t, evs[1].Unhandled)
}

func TestErrorContextFallbacks(t *testing.T) {
	for name, tc := range map[string]struct {
		attrs []attribute.KeyValue
		want  string
	}{
		"route": {[]attribute.KeyValue{
			attribute.String("http.route", "/orders/{id}"), attribute.String("url.path", "/orders/7"),
			attribute.String("http.request.method", "GET"),
		}, "/orders/{id}"},
		"method and path": {[]attribute.KeyValue{
			attribute.String("http.request.method", "POST"), attribute.String("url.path", "/orders"),
		}, "POST /orders"},
		"older method and target": {[]attribute.KeyValue{
			attribute.String("http.method", "GET"), attribute.String("http.target", "/orders?page=2"),
		}, "GET /orders"},
		"url.path before http.target": {[]attribute.KeyValue{
			attribute.String("http.target", "/old?q=1"), attribute.String("url.path", "/new"),
		}, "/new"},
		"path without method": {[]attribute.KeyValue{attribute.String("url.path", "/orders")}, "/orders"},
		"span name":           {nil, "GET"},
	} {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t)
			_, s := h.tracer.Start(t.Context(), "GET", trace.WithSpanKind(trace.SpanKindServer),
				trace.WithAttributes(tc.attrs...))
			s.SetStatus(codes.Error, "failed")
			s.End()
			evs := h.sink.errors()
			require.Len(t, evs, 1)
			assert.Equal(t, tc.want, evs[0].Context)
		})
	}
}
