package processor

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/trace"

	"github.com/otelsessions/otelsessions/internal/sessionid"
)

// TestEntrySpanStartsSessionChildrenJoin checks point 1: a root SERVER span starts a session, every span
// below it (a nested SERVER span included) carries its session.id, and the nested SERVER span starts none.
func TestEntrySpanStartsSessionChildrenJoin(t *testing.T) {
	clock := newFakeClock()
	h := newHarness(t, withClock(clock.now))
	ctx, entry := h.tracer.Start(t.Context(), "GET /checkout", trace.WithSpanKind(trace.SpanKindServer))
	cctx, child := h.tracer.Start(ctx, "load cart")
	_, nested := h.tracer.Start(cctx, "router", trace.WithSpanKind(trace.SpanKindServer))
	_, client := h.tracer.Start(cctx, "SELECT", trace.WithSpanKind(trace.SpanKindClient))
	for _, s := range []trace.Span{client, nested, child, entry} {
		s.End()
	}

	started := h.sink.started()
	require.Len(t, started, 1)
	sc := entry.SpanContext()
	assert.Equal(t, sessionid.Of(sc.TraceID(), sc.SpanID()), started[0].ID)
	assert.Equal(t, "shop", started[0].Service)
	byName := h.endedByName()
	for _, name := range []string{"GET /checkout", "load cart", "router", "SELECT"} {
		assert.Equal(t, started[0].ID.String(), sessionIDOf(byName[name]), name)
	}
	assert.Equal(t, 4, h.p.Stats().Spans, "ended spans are kept for the grace period")
	clock.advance(DefaultGracePeriod)
	assert.Zero(t, h.p.Stats().Spans, "and forgotten after it")
}

func TestEntryRules(t *testing.T) {
	tests := []struct {
		name   string
		opts   []Option
		kind   trace.SpanKind
		remote bool
		want   int
	}{
		{name: "server root", kind: trace.SpanKindServer, want: 1},
		{name: "server with remote parent", kind: trace.SpanKindServer, remote: true, want: 1},
		{name: "client root", kind: trace.SpanKindClient, want: 0},
		{name: "producer root", kind: trace.SpanKindProducer, want: 0},
		{name: "consumer root, off by default", kind: trace.SpanKindConsumer, want: 0},
		{name: "consumer root, on", opts: []Option{WithConsumerEntries()}, kind: trace.SpanKindConsumer, want: 1},
		{
			name: "consumer with remote parent, on", opts: []Option{WithConsumerEntries()},
			kind: trace.SpanKindConsumer, remote: true, want: 1,
		},
		{name: "internal root, off by default", kind: trace.SpanKindInternal, want: 0},
		{
			name: "internal root, on", opts: []Option{WithInternalRootEntries()}, kind: trace.SpanKindInternal,
			want: 1,
		},
		{
			name: "internal with remote parent, on", opts: []Option{WithInternalRootEntries()},
			kind: trace.SpanKindInternal, remote: true, want: 0,
		},
		{
			name: "server root, automatic tracking off", opts: []Option{WithoutAutomaticSessions()},
			kind: trace.SpanKindServer, want: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, tt.opts...)
			ctx := t.Context()
			if tt.remote {
				ctx = remoteParent(ctx)
			}
			_, s := h.tracer.Start(ctx, "span", trace.WithSpanKind(tt.kind))
			s.End()
			assert.Len(t, h.sink.started(), tt.want)
			ended := h.rec.Ended()
			require.Len(t, ended, 1)
			assert.Equal(t, tt.want == 1, sessionIDOf(ended[0]) != "")
		})
	}
}

// TestSpanOutsideSessionGetsNoID checks that a SERVER span under a local span outside any session (an
// INTERNAL root) is nested and starts nothing.
func TestSpanOutsideSessionGetsNoID(t *testing.T) {
	h := newHarness(t)
	ctx, job := h.tracer.Start(t.Context(), "job")
	_, srv := h.tracer.Start(ctx, "in-process server", trace.WithSpanKind(trace.SpanKindServer))
	srv.End()
	job.End()
	assert.Empty(t, h.sink.started())
	for _, s := range h.rec.Ended() {
		assert.Empty(t, sessionIDOf(s), s.Name())
	}
}
