package sessionsprocessor

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor/processortest"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/otelsessions/otelsessions/collectorext/sessionsprocessor/internal/metadata"
	"github.com/otelsessions/otelsessions/internal/sessionid"
	"github.com/otelsessions/otelsessions/internal/traceiter"
)

const (
	server   = ptrace.SpanKindServer
	client   = ptrace.SpanKindClient
	internal = ptrace.SpanKindInternal
)

// spanSpec describes a test span: ids are single bytes, 0 meaning no parent.
type spanSpec struct {
	id, parent byte
	kind       ptrace.SpanKind
	service    string
}

func span(id, parent byte, kind ptrace.SpanKind) spanSpec {
	return spanSpec{id: id, parent: parent, kind: kind, service: "a"}
}

func spanIn(service string, id, parent byte, kind ptrace.SpanKind) spanSpec {
	return spanSpec{id: id, parent: parent, kind: kind, service: service}
}

func traceID(n byte) pcommon.TraceID { return pcommon.TraceID{15: n} }

func spanID(n byte) pcommon.SpanID {
	if n == 0 {
		return pcommon.SpanID{}
	}
	return pcommon.SpanID{7: n}
}

// newTrace builds one batch of spans of trace n, one resource per service.
func newTrace(n byte, specs ...spanSpec) ptrace.Traces {
	td := ptrace.NewTraces()
	scopes := map[string]ptrace.SpanSlice{}
	for _, s := range specs {
		spans, ok := scopes[s.service]
		if !ok {
			rs := td.ResourceSpans().AppendEmpty()
			rs.Resource().Attributes().PutStr("service.name", s.service)
			spans = rs.ScopeSpans().AppendEmpty().Spans()
			scopes[s.service] = spans
		}
		sp := spans.AppendEmpty()
		sp.SetTraceID(traceID(n))
		sp.SetSpanID(spanID(s.id))
		sp.SetParentSpanID(spanID(s.parent))
		sp.SetKind(s.kind)
		sp.SetName("span")
		sp.SetStartTimestamp(pcommon.Timestamp(int64(s.id) * int64(time.Millisecond)))
	}
	return td
}

// sessionOf is the session.id of the session whose entry span is entry in trace n.
func sessionOf(n, entry byte) string { return sessionid.Of(traceID(n), spanID(entry)).String() }

// sessions maps every span id of every batch to its session.id, "" when it has none.
func sessions(batches ...ptrace.Traces) map[pcommon.SpanID]string {
	got := map[pcommon.SpanID]string{}
	for _, td := range batches {
		for _, sp := range traceiter.Spans(td) {
			v, _ := sp.Attributes().Get(AttrSessionID)
			got[sp.SpanID()] = v.Str()
		}
	}
	return got
}

func sessionAttr(t *testing.T, td ptrace.Traces, id byte) string {
	t.Helper()
	s, ok := sessions(td)[spanID(id)]
	require.True(t, ok, "span %d not found", id)
	return s
}

// fakeClock is a clock that moves only when told.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// newTestProcessor builds the processor on a fake clock, without its loop; tests move time with the
// clock and call expire. It is shut down when the test ends.
func newTestProcessor(
	t *testing.T, cfg *Config, next consumer.Traces, tel component.TelemetrySettings,
) (*sessionsProcessor, *fakeClock) {
	t.Helper()
	set := processortest.NewNopSettings(metadata.Type)
	set.TelemetrySettings = tel
	sp, err := newSessionsProcessor(set, cfg, next)
	require.NoError(t, err)
	clk := &fakeClock{now: time.Date(2026, 12, 3, 15, 4, 0, 0, time.UTC)}
	sp.now = clk.Now
	t.Cleanup(func() { require.NoError(t, sp.shutdown(context.WithoutCancel(t.Context()))) })
	return sp, clk
}

func nopTelemetry() component.TelemetrySettings { return componenttest.NewNopTelemetrySettings() }

// consume hands td to the processor and forwards what it returns, as processorhelper does.
func consume(t *testing.T, sp *sessionsProcessor, td ptrace.Traces) {
	t.Helper()
	out, err := sp.processTraces(t.Context(), td)
	if err != nil {
		return // held
	}
	require.NoError(t, sp.forward(t.Context(), out))
}

// expireAfter moves the clock past the wait and forwards what expired.
func expireAfter(t *testing.T, sp *sessionsProcessor, clk *fakeClock, d time.Duration) {
	t.Helper()
	clk.Advance(d)
	require.NoError(t, sp.forward(t.Context(), sp.expire(clk.Now())))
}

// metricValue reads the single data point of an int64 sum or gauge.
func metricValue(t *testing.T, tel *componenttest.Telemetry, name string) int64 {
	t.Helper()
	m, err := tel.GetMetric(name)
	if err != nil {
		return 0 // never recorded
	}
	switch d := m.Data.(type) {
	case metricdata.Sum[int64]:
		require.Len(t, d.DataPoints, 1)
		return d.DataPoints[0].Value
	case metricdata.Gauge[int64]:
		require.Len(t, d.DataPoints, 1)
		return d.DataPoints[0].Value
	}
	t.Fatalf("metric %s has data of type %T", name, m.Data)
	return 0
}
