package pipelinetest

import (
	"context"
	"math/rand/v2"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/connector/connectortest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/otelsessions/otelsessions/collectorext/sessionsconnector"
	"github.com/otelsessions/otelsessions/collectorext/sessionsprocessor"
	"github.com/otelsessions/otelsessions/internal/realdata"
	"github.com/otelsessions/otelsessions/internal/replay"
	"github.com/otelsessions/otelsessions/internal/tracefile"
)

// longWait is a wait no test run reaches: every trace is held until Shutdown flushes it, whole. The
// processor's clock cannot be injected from outside its package, and wait: 0 would forward each batch's
// part of a trace on its own, splitting traces.
const longWait = time.Hour

// figures are the session figures the connector's metrics sum to, or replay gives.
type figures struct {
	Started, Unhandled, Handled, Errors int64
}

// TestRealRecordingsThroughPipeline sends every real recording, split into random batches in random order,
// from four concurrent senders through the sessions processor into the sessions connector: the connector's
// summed sessions started, unhandled and handled are replay's figures for the file.
func TestRealRecordingsThroughPipeline(t *testing.T) {
	for _, rel := range realdata.Files(t) {
		t.Run(rel, func(t *testing.T) {
			path := realdata.File(t, rel)
			spans := readSpans(t, path)
			want := replayFigures(t, path)
			for seed := range uint64(3) {
				rng := rand.New(rand.NewPCG(seed, 5))
				got := runPipeline(t, longWait, randomBatchesUpTo(rng, spans, 64), 0, 4)
				assert.Equal(t, want.Started, got.Started, "sessions started, seed %d", seed)
				assert.Equal(t, want.Unhandled, got.Unhandled, "unhandled sessions, seed %d", seed)
				assert.Equal(t, want.Handled, got.Handled, "handled sessions, seed %d", seed)
				assert.Equal(t, want.Errors, got.Errors, "error events, seed %d", seed)
			}
		})
	}
}

// TestRealRecordingsForwardedInPieces is TestRealRecordingsThroughPipeline with a real short wait and
// paced senders, so that the processor's loop forwards traces while their spans are still arriving and the
// connector sees many of them in pieces: spans waiting for missing ancestry are held (max_wait), and spans
// that come after their trace was forwarded carry session.id, which the connector joins to the session it
// counted before. The figures stay replay's, whatever the split.
func TestRealRecordingsForwardedInPieces(t *testing.T) {
	for _, rel := range realdata.Files(t) {
		t.Run(rel, func(t *testing.T) {
			path := realdata.File(t, rel)
			spans := readSpans(t, path)
			want := replayFigures(t, path)
			for seed := range uint64(2) {
				rng := rand.New(rand.NewPCG(7+seed, 5))
				got := runPipeline(t, piecesWait, randomBatchesUpTo(rng, spans, 4), time.Millisecond, 4)
				assert.Equal(t, want, got, "seed %d", seed)
			}
		})
	}
}

// piecesWait is shorter than sending a large recording at one batch per millisecond takes.
const piecesWait = 20 * time.Millisecond

// runPipeline builds processor → connector → metrics sink from the factories, sends the batches from
// senders goroutines, each pausing pace after every batch, shuts the processor down (flushing what it holds)
// and sums the metrics.
func runPipeline(t *testing.T, wait time.Duration, batches []ptrace.Traces, pace time.Duration, senders int) figures {
	t.Helper()
	ctx := context.WithoutCancel(t.Context())
	host := componenttest.NewNopHost()

	sink := new(consumertest.MetricsSink)
	cf := sessionsconnector.NewFactory()
	conn, err := cf.CreateTracesToMetrics(ctx, connectortest.NewNopSettings(cf.Type()), cf.CreateDefaultConfig(), sink)
	require.NoError(t, err)

	pf := sessionsprocessor.NewFactory()
	pcfg, ok := pf.CreateDefaultConfig().(*sessionsprocessor.Config)
	require.True(t, ok)
	pcfg.Wait = wait
	pcfg.MaxTraces = 1 << 20
	require.NoError(t, pcfg.Validate())
	proc, err := pf.CreateTraces(ctx, processortest.NewNopSettings(pf.Type()), pcfg, conn)
	require.NoError(t, err)

	require.NoError(t, conn.Start(ctx, host))
	require.NoError(t, proc.Start(ctx, host))
	var wg sync.WaitGroup
	for w := range senders {
		wg.Go(func() {
			for i := w; i < len(batches); i += senders {
				if err := proc.ConsumeTraces(ctx, batches[i]); err != nil {
					t.Error(err) // not require: this runs on a sender goroutine
				}
				if pace > 0 {
					time.Sleep(pace)
				}
			}
		})
	}
	wg.Wait()
	require.NoError(t, proc.Shutdown(ctx))
	require.NoError(t, conn.Shutdown(ctx))

	mds := sink.AllMetrics()
	return figures{
		Started:   sumOf(mds, sessionsconnector.MetricSessionsStarted),
		Unhandled: sumOf(mds, sessionsconnector.MetricSessionsUnhandled),
		Handled:   sumOf(mds, sessionsconnector.MetricSessionsHandled),
		Errors:    sumOf(mds, sessionsconnector.MetricErrors),
	}
}

// TestLongEntrySpanThroughPipeline: a request that outlasts the processor's wait exports its children
// first, one of them with an exception, and its entry span after the wait. Through the real processor (its
// default max_wait) and connector, that is one session, handled, with the child's error in it.
func TestLongEntrySpanThroughPipeline(t *testing.T) {
	trace := pcommon.TraceID{1}
	children := ptrace.NewTraces()
	rs := children.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", "shop")
	spans := rs.ScopeSpans().AppendEmpty().Spans()
	for i, kind := range []ptrace.SpanKind{ptrace.SpanKindInternal, ptrace.SpanKindClient} {
		child := spans.AppendEmpty()
		child.SetTraceID(trace)
		child.SetSpanID(pcommon.SpanID{byte(2 + i)})
		child.SetParentSpanID(pcommon.SpanID{byte(1 + i)})
		child.SetKind(kind)
		child.SetStartTimestamp(pcommon.NewTimestampFromTime(time.Now()))
	}
	ev := spans.At(1).Events().AppendEmpty()
	ev.SetName("exception")
	ev.Attributes().PutStr("exception.type", "net.OpError")
	entry := ptrace.NewTraces()
	rs.Resource().CopyTo(entry.ResourceSpans().AppendEmpty().Resource())
	es := entry.ResourceSpans().At(0).ScopeSpans().AppendEmpty().Spans().AppendEmpty()
	es.SetTraceID(trace)
	es.SetSpanID(pcommon.SpanID{1})
	es.SetKind(ptrace.SpanKindServer)
	es.SetStartTimestamp(pcommon.NewTimestampFromTime(time.Now().Add(-time.Second)))

	// One sender, pausing 10 waits between the batches: the entry span comes long after the wait.
	got := runPipeline(t, piecesWait, []ptrace.Traces{children, entry}, 10*piecesWait, 1)
	assert.Equal(t, figures{Started: 1, Handled: 1, Errors: 1}, got)
}

func replayFigures(t *testing.T, path string) figures {
	t.Helper()
	res, err := replay.Run(t.Context(), []string{path}, replay.Options{})
	require.NoError(t, err)
	require.False(t, res.Failed())
	rep := res.JSON()
	return figures{
		Started:   rep.SessionsStarted,
		Unhandled: rep.SessionsUnhandled,
		Handled:   rep.SessionsHandled,
		Errors:    rep.HandledEvents + rep.UnhandledEvents + rep.ErrorsOutsideSessions,
	}
}

// readSpans reads a recording into one ptrace.Traces per span, each with its resource and scope.
func readSpans(t *testing.T, path string) []ptrace.Traces {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var spans []ptrace.Traces
	_, err = tracefile.Read(path, f, func(td ptrace.Traces) {
		realdata.EachSpan(td, func(one ptrace.Traces) { spans = append(spans, one) })
	})
	require.NoError(t, err)
	require.NotEmpty(t, spans)
	return spans
}

// randomBatchesUpTo shuffles the spans and joins them into batches of 1 to most spans. The spans are copied,
// so that the processor's tagging leaves them as read for the next run.
func randomBatchesUpTo(rng *rand.Rand, spans []ptrace.Traces, most int) []ptrace.Traces {
	order := rng.Perm(len(spans))
	var batches []ptrace.Traces
	for len(order) > 0 {
		n := min(1+rng.IntN(most), len(order))
		td := ptrace.NewTraces()
		for _, i := range order[:n] {
			spans[i].ResourceSpans().At(0).CopyTo(td.ResourceSpans().AppendEmpty())
		}
		batches = append(batches, td)
		order = order[n:]
	}
	return batches
}

// sumOf adds the values of every data point of the named sum.
func sumOf(mds []pmetric.Metrics, name string) int64 {
	var total int64
	for _, md := range mds {
		for i := range md.ResourceMetrics().Len() {
			sms := md.ResourceMetrics().At(i).ScopeMetrics()
			for j := range sms.Len() {
				ms := sms.At(j).Metrics()
				for k := range ms.Len() {
					if ms.At(k).Name() != name {
						continue
					}
					dps := ms.At(k).Sum().DataPoints()
					for l := range dps.Len() {
						total += dps.At(l).IntValue()
					}
				}
			}
		}
	}
	return total
}
