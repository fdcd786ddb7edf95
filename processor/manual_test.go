package processor

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/sdk/resource"
	"go.opentelemetry.io/otel/trace"

	"github.com/otelsessions/otelsessions/session"
)

// spanSession starts and ends a span under ctx and returns its session.id ("" for none).
func (h *harness) spanSession(ctx context.Context, name string) string {
	_, s := h.tracer.Start(ctx, name)
	s.End()
	return sessionIDOf(h.endedByName()[name])
}

// TestStartSessionJoinsSpansWhateverTheMode checks point 2: spans under a StartSession context join its
// session even with automatic tracking off, and the session starts at the processor's clock.
func TestStartSessionJoinsSpansWhateverTheMode(t *testing.T) {
	clock := newFakeClock()
	h := newHarness(t, WithoutAutomaticSessions(), withClock(clock.now), WithResource(testResource))
	ctx := h.p.StartSession(t.Context())
	started := h.sink.started()
	require.Len(t, started, 1)
	s := started[0]
	assert.Equal(t, clock.now(), s.StartedAt)
	assert.Equal(t, session.App{Version: "1.4.2", ReleaseStage: "production"}, s.App)
	assert.Equal(t, s.ID.String(), h.spanSession(ctx, "work"))
	_, srv := h.tracer.Start(ctx, "server", trace.WithSpanKind(trace.SpanKindServer))
	srv.End()
	assert.Equal(t, s.ID.String(), sessionIDOf(h.endedByName()["server"]), "a SERVER span under ctx joins too")
	assert.Len(t, h.sink.started(), 1)
}

// TestStartSessionReplacesForTheReturnedContext checks that a second StartSession gives the returned
// context a new session while the first context keeps its own.
func TestStartSessionReplacesForTheReturnedContext(t *testing.T) {
	h := newHarness(t)
	ctx1 := h.p.StartSession(t.Context())
	ctx2 := h.p.StartSession(ctx1)
	started := h.sink.started()
	require.Len(t, started, 2)
	assert.Equal(t, started[0].ID.String(), h.spanSession(ctx1, "a"))
	assert.Equal(t, started[1].ID.String(), h.spanSession(ctx2, "b"))
}

// TestPauseAndResume checks that pausing stops attributing later spans, that spans started before keep
// their session and their errors count against it, and that resuming restores the same session.
func TestPauseAndResume(t *testing.T) {
	h := newHarness(t)
	ctx := h.p.StartSession(t.Context())
	id := h.sink.started()[0].ID.String()
	_, before := h.tracer.Start(ctx, "before")
	h.p.PauseSession(ctx)
	assert.Empty(t, h.spanSession(ctx, "paused"))
	before.RecordError(assert.AnError)
	before.End()
	assert.Equal(t, id, sessionIDOf(h.endedByName()["before"]))
	evs := h.sink.errors()
	require.Len(t, evs, 1)
	require.NotNil(t, evs[0].Session, "the error of a span started before the pause counts")
	assert.Equal(t, id, evs[0].Session.ID.String())

	rctx, resumed := h.p.ResumeSession(ctx)
	assert.True(t, resumed)
	assert.Equal(t, id, h.spanSession(rctx, "resumed"))
	assert.Len(t, h.sink.started(), 1)
}

// TestPauseTwiceKeepsThePausedSession checks that a second pause does not lose the paused session.
func TestPauseTwiceKeepsThePausedSession(t *testing.T) {
	h := newHarness(t)
	ctx := h.p.StartSession(t.Context())
	id := h.sink.started()[0].ID.String()
	h.p.PauseSession(ctx)
	h.p.PauseSession(ctx)
	ctx, resumed := h.p.ResumeSession(ctx)
	assert.True(t, resumed)
	assert.Equal(t, id, h.spanSession(ctx, "after"))
}

func TestResumeWithoutPausedSession(t *testing.T) {
	h := newHarness(t)
	ctx, resumed := h.p.ResumeSession(t.Context())
	assert.False(t, resumed, "no session: a new one starts")
	require.Len(t, h.sink.started(), 1)
	id := h.sink.started()[0].ID.String()
	assert.Equal(t, id, h.spanSession(ctx, "new"))

	same, resumed := h.p.ResumeSession(ctx)
	assert.False(t, resumed, "an active session is kept")
	assert.Equal(t, ctx, same)
	assert.Len(t, h.sink.started(), 1)
}

// TestPauseAutomaticSession checks that the automatic session of a request can be paused and resumed
// through the handler's context.
func TestPauseAutomaticSession(t *testing.T) {
	h := newHarness(t)
	ctx, entry := h.tracer.Start(t.Context(), "GET /", trace.WithSpanKind(trace.SpanKindServer))
	id := h.sink.started()[0].ID.String()
	h.p.PauseSession(ctx)
	assert.Empty(t, h.spanSession(ctx, "paused"))
	ctx, resumed := h.p.ResumeSession(ctx)
	assert.True(t, resumed)
	assert.Equal(t, id, h.spanSession(ctx, "resumed"))
	entry.SetStatus(codes.Error, "boom")
	entry.End()
	c, _ := h.sink.counts()
	assert.Equal(t, session.Counts{Started: 1, Unhandled: 1, UnhandledEvents: 1}, c)
}

// TestGoroutinesSharingContextShareSession checks that spans started in goroutines under one context join
// its session.
func TestGoroutinesSharingContextShareSession(t *testing.T) {
	h := newHarness(t, WithoutAutomaticSessions())
	ctx := h.p.StartSession(t.Context())
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			_, s := h.tracer.Start(ctx, "worker")
			s.End()
		})
	}
	wg.Wait()
	id := h.sink.started()[0].ID.String()
	for _, s := range h.rec.Ended() {
		assert.Equal(t, id, sessionIDOf(s))
	}
	assert.Len(t, h.rec.Ended(), 16)
}

// TestManualSessionDefaults checks where a manual session's app and device come from: the span in ctx,
// else the last resource the processor saw (initially WithResource's).
func TestManualSessionDefaults(t *testing.T) {
	other := resource.NewSchemaless(attribute.String("service.name", "worker"),
		attribute.String("service.version", "9"))
	h := newHarness(t, WithResource(other))
	h.p.StartSession(t.Context())
	ctx, s := h.tracer.Start(t.Context(), "span")
	h.p.StartSession(ctx)
	s.End()
	h.p.StartSession(t.Context())
	started := h.sink.started()
	require.Len(t, started, 3)
	assert.Equal(t, "worker", started[0].Service)
	assert.Equal(t, "9", started[0].App.Version)
	assert.Equal(t, "shop", started[1].Service)
	assert.Equal(t, "shop", started[2].Service, "the last resource seen")
}

func TestShutdownStopsTheProcessor(t *testing.T) {
	h := newHarness(t)
	require.NoError(t, h.p.Shutdown(t.Context()))
	require.NoError(t, h.p.Shutdown(t.Context()), "Shutdown is safe to repeat")
	require.NoError(t, h.p.ForceFlush(t.Context()))
	ctx := h.p.StartSession(t.Context())
	assert.Equal(t, t.Context(), ctx)
	_, s := h.tracer.Start(t.Context(), "GET /", trace.WithSpanKind(trace.SpanKindServer))
	s.RecordError(assert.AnError)
	s.End()
	assert.Empty(t, h.sink.started())
	assert.Empty(t, h.sink.errors())
}
