package processor

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/otelsessions/otelsessions/session"
)

// exc returns the attributes of an exception event.
func exc(class, msg string, more ...attribute.KeyValue) []attribute.KeyValue {
	return append([]attribute.KeyValue{
		attribute.String("exception.type", class), attribute.String("exception.message", msg),
	}, more...)
}

// spanSpec describes the span a rule case ends: the entry span itself, or a child of a plain entry span.
type spanSpec struct {
	entry  bool
	status codes.Code
	desc   string
	attrs  []attribute.KeyValue
	events [][]attribute.KeyValue
}

// run ends the spans of spec and returns the error events the sink got.
func (spec spanSpec) run(t *testing.T, opts ...Option) []session.Event {
	t.Helper()
	h := newHarness(t, opts...)
	ctx, entry := h.tracer.Start(t.Context(), "GET /orders", trace.WithSpanKind(trace.SpanKindServer))
	s := entry
	if !spec.entry {
		_, s = h.tracer.Start(ctx, "child")
	}
	s.SetAttributes(spec.attrs...)
	for _, ev := range spec.events {
		s.AddEvent("exception", trace.WithAttributes(ev...))
	}
	if spec.status != codes.Unset {
		s.SetStatus(spec.status, spec.desc)
	}
	s.End()
	if !spec.entry {
		entry.End()
	}
	return h.sink.errors()
}

// TestClassificationRules checks point 5 against the rules of docs/semantics.md.
func TestClassificationRules(t *testing.T) {
	escaped := attribute.Bool("exception.escaped", true)
	tests := []struct {
		name       string
		spec       spanSpec
		opts       []Option
		unhandled  []bool
		overridden []bool
		classes    []string
	}{
		{
			name: "exception on a child is handled", spec: spanSpec{events: [][]attribute.KeyValue{exc("E", "m")}},
			unhandled: []bool{false},
		},
		{
			name: "escaped bool", spec: spanSpec{events: [][]attribute.KeyValue{exc("E", "m", escaped)}},
			unhandled: []bool{true},
		},
		{name: "escaped string in any case", spec: spanSpec{events: [][]attribute.KeyValue{
			exc("E", "m", attribute.String("exception.escaped", " TRUE")),
		}}, unhandled: []bool{true}},
		{name: "escaped false string", spec: spanSpec{events: [][]attribute.KeyValue{
			exc("E", "m", attribute.String("exception.escaped", "false")),
		}}, unhandled: []bool{false}},
		{name: "exception on entry in Error", spec: spanSpec{
			entry: true, status: codes.Error, events: [][]attribute.KeyValue{exc("E", "m")},
		}, unhandled: []bool{true}},
		{name: "exception on entry not in Error", spec: spanSpec{
			entry: true, events: [][]attribute.KeyValue{exc("E", "m")},
		}, unhandled: []bool{false}},
		{name: "entry in Error without exception, named by error.type", spec: spanSpec{
			entry: true, status: codes.Error, desc: "deadline", attrs: []attribute.KeyValue{
				attribute.String("error.type", "timeout"),
			},
		}, unhandled: []bool{true}, classes: []string{"timeout"}},
		{name: "entry in Error named by description", spec: spanSpec{
			entry: true, status: codes.Error, desc: "deadline",
		}, unhandled: []bool{true}, classes: []string{"deadline"}},
		{name: "entry in Error named by the error tag", spec: spanSpec{
			entry: true, status: codes.Error, attrs: []attribute.KeyValue{attribute.String("error", "EOF")},
		}, unhandled: []bool{true}, classes: []string{"EOF"}},
		{
			name: "entry in Error with nothing to name it", spec: spanSpec{entry: true, status: codes.Error},
			unhandled: []bool{true}, classes: []string{"error"},
		},
		{
			name: "child in Error without exception is handled", spec: spanSpec{status: codes.Error, desc: "x"},
			unhandled: []bool{false},
		},
		{name: "exception and Error are one failure", spec: spanSpec{
			entry: true, status: codes.Error, events: [][]attribute.KeyValue{exc("E", "m")},
		}, unhandled: []bool{true}, classes: []string{"E"}},
		{name: "4xx in Error on a SERVER span is no error", spec: spanSpec{
			entry: true, status: codes.Error,
			attrs: []attribute.KeyValue{attribute.Int("http.response.status_code", 404)},
		}},
		{name: "4xx as the old attribute, as a string", spec: spanSpec{
			entry: true, status: codes.Error, attrs: []attribute.KeyValue{attribute.String("http.status_code", "429")},
		}},
		{name: "4xx with status Unset is no error", spec: spanSpec{
			entry: true, attrs: []attribute.KeyValue{attribute.Int("http.response.status_code", 404)},
		}},
		{name: "4xx counted when configured", opts: []Option{WithServerClientErrors()}, spec: spanSpec{
			entry: true, status: codes.Error,
			attrs: []attribute.KeyValue{attribute.Int("http.response.status_code", 404)},
		}, unhandled: []bool{true}},
		{name: "5xx in Error on the entry", spec: spanSpec{
			entry: true, status: codes.Error,
			attrs: []attribute.KeyValue{attribute.Int("http.response.status_code", 503)},
		}, unhandled: []bool{true}},
		{name: "exception on a 4xx entry still counts", spec: spanSpec{
			entry: true, attrs: []attribute.KeyValue{attribute.Int("http.response.status_code", 400)},
			events: [][]attribute.KeyValue{exc("E", "m")},
		}, unhandled: []bool{false}},
		{name: "exception on a 4xx entry in Error is handled, as in docs/semantics.md", spec: spanSpec{
			entry: true, status: codes.Error,
			attrs:  []attribute.KeyValue{attribute.Int("http.response.status_code", 404)},
			events: [][]attribute.KeyValue{exc("E", "m")},
		}, unhandled: []bool{false}},
		{name: "event override false beats escaped", spec: spanSpec{events: [][]attribute.KeyValue{
			exc("E", "m", escaped, UnhandledKey.Bool(false)),
		}}, unhandled: []bool{false}, overridden: []bool{true}},
		{name: "span override true on a child exception", spec: spanSpec{
			attrs: []attribute.KeyValue{UnhandledKey.String("true")}, events: [][]attribute.KeyValue{exc("E", "m")},
		}, unhandled: []bool{true}, overridden: []bool{true}},
		{name: "event override beats span override", spec: spanSpec{
			attrs:  []attribute.KeyValue{UnhandledKey.Bool(true)},
			events: [][]attribute.KeyValue{exc("E", "m", UnhandledKey.String("False"))},
		}, unhandled: []bool{false}, overridden: []bool{true}},
		{name: "span override on the status event", spec: spanSpec{
			entry: true, status: codes.Error, attrs: []attribute.KeyValue{UnhandledKey.Bool(false)},
		}, unhandled: []bool{false}, overridden: []bool{true}},
		{name: "malformed override is ignored", spec: spanSpec{
			attrs: []attribute.KeyValue{UnhandledKey.Int(1)}, events: [][]attribute.KeyValue{exc("E", "m")},
		}, unhandled: []bool{false}, overridden: []bool{false}},
		{name: "each exception event is one event", spec: spanSpec{
			events: [][]attribute.KeyValue{exc("A", "a"), exc("B", "b", escaped)},
		}, unhandled: []bool{false, true}, classes: []string{"A", "B"}},
		{name: "the SDK's repeat of a recorded panic counts once", spec: spanSpec{
			entry: true, status: codes.Error,
			events: [][]attribute.KeyValue{exc("string", "boom", escaped), exc(".string", "boom")},
		}, unhandled: []bool{true}},
		{name: "a different plain exception after a panic still counts", spec: spanSpec{
			events: [][]attribute.KeyValue{exc("string", "boom", escaped), exc("string", "other")},
		}, unhandled: []bool{true, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs := tt.spec.run(t, tt.opts...)
			require.Len(t, evs, len(tt.unhandled))
			for i, ev := range evs {
				assert.Equal(t, tt.unhandled[i], ev.Unhandled, "event %d", i)
				if tt.overridden != nil {
					assert.Equal(t, tt.overridden[i], ev.Overridden, "event %d", i)
				}
				if tt.classes != nil {
					assert.Equal(t, tt.classes[i], ev.Class, "event %d", i)
				}
				require.NotNil(t, ev.Session)
			}
		})
	}
}

// TestErrorEventFields checks what an error event carries to the sink.
func TestErrorEventFields(t *testing.T) {
	h := newHarness(t)
	ctx, entry := h.tracer.Start(t.Context(), "GET /orders/{id}", trace.WithSpanKind(trace.SpanKindServer),
		trace.WithAttributes(
			attribute.String("http.route", "/orders/{id}"), attribute.String("http.request.method", "GET"),
			attribute.String("url.path", "/orders/7"), attribute.String("client.address", "10.0.0.1"),
			attribute.String("user_agent.original", "curl/8"), attribute.String("db.system", "postgresql"),
			attribute.String("server.address", "shop.example"), attribute.Int("server.port", 8443),
		))
	at := time.Date(2026, 12, 3, 15, 4, 6, 0, time.UTC)
	entry.AddEvent("exception", trace.WithTimestamp(at), trace.WithAttributes(exc("*errors.errorString", "no stock",
		attribute.String("exception.stacktrace", "main.order()"))...))
	_, child := h.tracer.Start(ctx, "reserve")
	child.RecordError(assert.AnError)
	child.End()
	entry.SetStatus(codes.Error, "no stock")
	entry.End()

	evs := h.sink.errors()
	require.Len(t, evs, 2)
	s := h.sink.started()[0]
	assert.Equal(t, session.Event{
		Session: s, Counts: session.EventCounts{Handled: 1, Unhandled: 1}, Unhandled: true,
		Class: "*errors.errorString", Message: "no stock", Stacktrace: "main.order()", Context: "/orders/{id}",
		Time: at, Service: "shop", App: session.App{Version: "1.4.2", ReleaseStage: "production"},
		Device: session.Device{
			Hostname: "web-1", OSName: "linux", RuntimeVersions: map[string]string{"go": "go1.26.8"},
		},
		Attributes: map[string]string{
			"http.route": "/orders/{id}", "http.request.method": "GET", "url.path": "/orders/7",
			"client.address": "10.0.0.1", "user_agent.original": "curl/8",
			"server.address": "shop.example", "server.port": "8443",
		},
	}, evs[1])
	assert.Equal(t, "reserve", evs[0].Context, "without http.route the context is the span name")
	assert.Equal(t, session.EventCounts{Handled: 1}, evs[0].Counts)
	assert.Nil(t, evs[0].Attributes)

	c, outside := h.sink.counts()
	assert.Equal(t, session.Counts{Started: 1, Unhandled: 1, HandledEvents: 1, UnhandledEvents: 1}, c)
	assert.Zero(t, outside)
}

// TestErrorsOutsideSessions checks that errors of spans outside any session reach the sink with a nil
// Session and change no figure.
func TestErrorsOutsideSessions(t *testing.T) {
	h := newHarness(t)
	_, s := h.tracer.Start(t.Context(), "cron", trace.WithSpanKind(trace.SpanKindInternal))
	s.RecordError(assert.AnError, trace.WithAttributes(attribute.Bool("exception.escaped", true)))
	s.End()
	evs := h.sink.errors()
	require.Len(t, evs, 1)
	assert.Nil(t, evs[0].Session)
	assert.Equal(t, session.EventCounts{}, evs[0].Counts)
	assert.True(t, evs[0].Unhandled)
	c, outside := h.sink.counts()
	assert.Equal(t, session.Counts{}, c)
	assert.Equal(t, int64(1), outside)
}
