package exporter

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// otelhttpServerAttributes serves one request to target through a real otelhttp handler and returns the
// server span's attributes as the derive package passes them on: every value as a string.
func otelhttpServerAttributes(t *testing.T, target string) map[string]string {
	t.Helper()
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	t.Cleanup(func() { _ = tp.Shutdown(t.Context()) })
	h := otelhttp.NewHandler(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
	}), "handled", otelhttp.WithTracerProvider(tp))
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	resp, err := srv.Client().Get(srv.URL + target)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	spans := rec.Ended()
	require.Len(t, spans, 1)
	attrs := map[string]string{}
	for _, kv := range spans[0].Attributes() {
		attrs[string(kv.Key)] = kv.Value.String()
	}
	return attrs
}

func TestRequestURLFromOtelhttpServerSpan(t *testing.T) {
	attrs := otelhttpServerAttributes(t, "/handled?id=7")
	require.NotContains(t, attrs, "url.full", "otelhttp server spans carry no url.full")
	r := requestFromAttributes(attrs)
	require.NotNil(t, r)
	assert.Equal(t, "GET", r.HTTPMethod)
	// otelhttp records no url.query: the query cannot be rebuilt from its span.
	assert.Equal(t, "http://127.0.0.1:"+attrs["server.port"]+"/handled", r.URL)
}

func TestComposedRequestURL(t *testing.T) {
	for _, tc := range []struct {
		name  string
		attrs map[string]string
		want  string
	}{
		{"otelhttp on a default port", map[string]string{
			"url.scheme": "http", "server.address": "shop.example.com", "url.path": "/handled",
		}, "http://shop.example.com/handled"},
		{"query", map[string]string{
			"url.scheme": "https", "server.address": "shop.example.com", "server.port": "8443",
			"url.path": "/handled", "url.query": "id=7",
		}, "https://shop.example.com:8443/handled?id=7"},
		{"IPv6 literal", map[string]string{
			"url.scheme": "http", "server.address": "::1", "server.port": "8080", "url.path": "/handled",
		}, "http://[::1]:8080/handled"},
		{"old host with its port", map[string]string{
			"http.scheme": "http", "http.host": "legacy.example.com:8080", "net.host.port": "8080",
			"http.target": "/handled?id=7",
		}, "http://legacy.example.com:8080/handled?id=7"},
		{"old host name and port", map[string]string{
			"http.scheme": "https", "net.host.name": "legacy.example.com", "net.host.port": "443",
			"http.target": "/handled",
		}, "https://legacy.example.com/handled"},
		{"no host", map[string]string{"url.path": "/handled", "url.query": "id=7"}, "/handled?id=7"},
		{"url.full wins", map[string]string{
			"url.full": "https://a.example/x", "server.address": "b.example", "url.path": "/y",
		}, "https://a.example/x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := requestFromAttributes(tc.attrs)
			require.NotNil(t, r)
			assert.Equal(t, tc.want, r.URL)
		})
	}
}
