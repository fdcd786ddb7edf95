package processor

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/trace"

	"github.com/otelsessions/otelsessions/session"
)

// captureOtelErrors routes otel.Handle to a list for the test's duration.
func captureOtelErrors(t *testing.T) func() []error {
	t.Helper()
	var mu sync.Mutex
	var errs []error
	prev := otel.GetErrorHandler()
	otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) {
		mu.Lock()
		defer mu.Unlock()
		errs = append(errs, err)
	}))
	t.Cleanup(func() { otel.SetErrorHandler(prev) })
	return func() []error {
		mu.Lock()
		defer mu.Unlock()
		return append([]error(nil), errs...)
	}
}

func TestOnSessionAmends(t *testing.T) {
	h := newHarness(t, WithOnSession(func(_ context.Context, s *session.Session) bool {
		s.SetUser("u1", "u1@example.com", "Ada")
		s.App.Type = "http"
		return true
	}))
	_, s := h.tracer.Start(t.Context(), "GET /", trace.WithSpanKind(trace.SpanKindServer))
	s.End()
	started := h.sink.started()
	require.Len(t, started, 1)
	assert.Equal(t, session.User{ID: "u1", Email: "u1@example.com", Name: "Ada"}, started[0].User())
	assert.Equal(t, session.App{Version: "1.4.2", ReleaseStage: "production", Type: "http"}, started[0].App)
	assert.Equal(t, session.Device{
		Hostname: "web-1", OSName: "linux", RuntimeVersions: map[string]string{"go": "go1.26.8"},
	}, started[0].Device)
}

// TestOnSessionDiscards checks point 3: a discarded session is not counted, its spans get no session.id,
// and their errors are errors outside any session.
func TestOnSessionDiscards(t *testing.T) {
	h := newHarness(t, WithOnSession(func(context.Context, *session.Session) bool { return false }))
	ctx, entry := h.tracer.Start(t.Context(), "GET /", trace.WithSpanKind(trace.SpanKindServer))
	_, child := h.tracer.Start(ctx, "child")
	child.RecordError(assert.AnError)
	child.End()
	entry.End()
	assert.Empty(t, h.sink.started())
	for _, s := range h.rec.Ended() {
		assert.Empty(t, sessionIDOf(s), s.Name())
	}
	c, outside := h.sink.counts()
	assert.Equal(t, session.Counts{}, c)
	assert.Equal(t, int64(1), outside)

	assert.Equal(t, t.Context(), h.p.StartSession(t.Context()), "a discarded StartSession changes nothing")
}

// TestOnSessionOrder checks that callbacks run the last registered first and the first false stops them.
func TestOnSessionOrder(t *testing.T) {
	var calls []string
	cb := func(name string, keep bool) OnSessionFunc {
		return func(context.Context, *session.Session) bool {
			calls = append(calls, name)
			return keep
		}
	}
	h := newHarness(t, WithOnSession(cb("first", true), cb("second", true)))
	h.p.AddOnSession(cb("third", false))
	h.p.StartSession(t.Context())
	assert.Equal(t, []string{"third"}, calls)
	assert.Empty(t, h.sink.started())
}

func TestAddAndRemoveOnSession(t *testing.T) {
	h := newHarness(t)
	n := 0
	remove := h.p.AddOnSession(func(context.Context, *session.Session) bool {
		n++
		return true
	})
	h.p.StartSession(t.Context())
	remove()
	remove()
	h.p.StartSession(t.Context())
	assert.Equal(t, 1, n)
	assert.Len(t, h.sink.started(), 2)
	h.p.AddOnSession(nil)() // a nil callback is ignored
}

// TestOnSessionPanicIsReportedAndIgnored checks that a panicking callback reaches otel.Handle and the
// session is kept.
func TestOnSessionPanicIsReportedAndIgnored(t *testing.T) {
	errs := captureOtelErrors(t)
	h := newHarness(t, WithOnSession(
		func(context.Context, *session.Session) bool { panic("callback bug") },
		func(context.Context, *session.Session) bool { panic(assert.AnError) },
	))
	h.p.StartSession(t.Context())
	assert.Len(t, h.sink.started(), 1)
	got := errs()
	require.Len(t, got, 2)
	require.ErrorIs(t, got[0], assert.AnError)
	assert.Contains(t, got[1].Error(), "callback bug")
}

// panicSink panics on every call.
type panicSink struct{}

func (panicSink) SessionStarted(*session.Session) { panic("sink bug") }

func (panicSink) ErrorEvent(session.Event) { panic("sink bug") }

func TestSinkPanicIsReported(t *testing.T) {
	errs := captureOtelErrors(t)
	h := newHarness(t, WithSink(panicSink{}))
	_, s := h.tracer.Start(t.Context(), "GET /", trace.WithSpanKind(trace.SpanKindServer))
	s.RecordError(assert.AnError)
	s.End()
	assert.Len(t, errs(), 2)
	assert.Len(t, h.rec.Ended(), 1, "the span still ends")
}
