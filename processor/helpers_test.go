package processor

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/otelsessions/otelsessions/internal/tally"
	"github.com/otelsessions/otelsessions/session"
)

// fakeClock is a clock the tests move by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 12, 3, 15, 4, 5, 0, time.UTC)}
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// withClock makes the processor read time from now.
func withClock(now func() time.Time) Option {
	return optionFunc(func(c config) config {
		c.now = now
		return c
	})
}

// recSink keeps what the processor hands over and counts it with a tally.Sink.
type recSink struct {
	tally.Sink
	mu       sync.Mutex
	sessions []*session.Session
	events   []session.Event
}

func (r *recSink) SessionStarted(s *session.Session) {
	r.mu.Lock()
	r.sessions = append(r.sessions, s)
	r.mu.Unlock()
	r.Sink.SessionStarted(s)
}

func (r *recSink) ErrorEvent(e session.Event) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
	r.Sink.ErrorEvent(e)
}

func (r *recSink) started() []*session.Session {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*session.Session(nil), r.sessions...)
}

func (r *recSink) errors() []session.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]session.Event(nil), r.events...)
}

// counts returns the figures counted since the last call, and the errors outside sessions.
func (r *recSink) counts() (session.Counts, int64) {
	sum, outside := r.Take()
	return sum.Total(), outside
}

// testResource is the resource of the tests' TracerProviders.
var testResource = resource.NewSchemaless(
	attribute.String("service.name", "shop"),
	attribute.String("service.version", "1.4.2"),
	attribute.String("deployment.environment.name", "production"),
	attribute.String("host.name", "web-1"),
	attribute.String("os.type", "linux"),
	attribute.String("process.runtime.name", "go"),
	attribute.String("process.runtime.version", "go1.26.8"),
)

// harness is a TracerProvider with a processor, a sink and a span recorder.
type harness struct {
	p      *Processor
	sink   *recSink
	rec    *tracetest.SpanRecorder
	tp     *sdktrace.TracerProvider
	tracer trace.Tracer
}

func newHarness(t *testing.T, opts ...Option) *harness {
	t.Helper()
	h := &harness{sink: &recSink{}, rec: tracetest.NewSpanRecorder()}
	h.p = New(append([]Option{WithSink(h.sink)}, opts...)...)
	h.tp = sdktrace.NewTracerProvider(
		sdktrace.WithResource(testResource),
		sdktrace.WithSpanProcessor(h.p),
		sdktrace.WithSpanProcessor(h.rec),
	)
	t.Cleanup(func() { require.NoError(t, h.tp.Shutdown(context.WithoutCancel(t.Context()))) })
	h.tracer = h.tp.Tracer("test")
	return h
}

// remoteParent returns a context holding a sampled remote span context, as propagation extracts it.
func remoteParent(ctx context.Context) context.Context {
	sc := trace.NewSpanContext(trace.SpanContextConfig{
		TraceID:    trace.TraceID{0x0a, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
		SpanID:     trace.SpanID{0x0b, 1, 2, 3, 4, 5, 6, 7},
		TraceFlags: trace.FlagsSampled,
		Remote:     true,
	})
	return trace.ContextWithRemoteSpanContext(ctx, sc)
}

// sessionIDOf returns the session.id attribute of an ended span, or "".
func sessionIDOf(s sdktrace.ReadOnlySpan) string {
	for _, kv := range s.Attributes() {
		if kv.Key == SessionIDKey {
			return kv.Value.AsString()
		}
	}
	return ""
}

// endedByName returns the recorded ended spans by name.
func (h *harness) endedByName() map[string]sdktrace.ReadOnlySpan {
	out := make(map[string]sdktrace.ReadOnlySpan)
	for _, s := range h.rec.Ended() {
		out[s.Name()] = s
	}
	return out
}

// discardWriter is a ResponseWriter that keeps nothing.
type discardWriter struct{}

func (discardWriter) Header() http.Header { return http.Header{} }

func (discardWriter) Write(b []byte) (int, error) { return len(b), nil }

func (discardWriter) WriteHeader(int) {}

func newRequest(tb testing.TB, target string) *http.Request {
	tb.Helper()
	return httptest.NewRequestWithContext(tb.Context(), http.MethodGet, target, http.NoBody)
}
