package sessionsprocessor

import (
	"math/rand/v2"
	"os"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor/processorhelper"

	"github.com/otelsessions/otelsessions/internal/derive"
	"github.com/otelsessions/otelsessions/internal/realdata"
	"github.com/otelsessions/otelsessions/internal/replay"
	"github.com/otelsessions/otelsessions/internal/tracefile"
	"github.com/otelsessions/otelsessions/internal/traceiter"
)

type spanKey struct {
	trace pcommon.TraceID
	span  pcommon.SpanID
	kind  ptrace.SpanKind
}

// TestRealRecordingsRandomBatches sends every real recording through the processor split into random
// batches in random order, from concurrent senders, all within the wait: every span's session.id is what
// the engine gives on the whole file at once, and the distinct ids number replay's sessionsStarted.
func TestRealRecordingsRandomBatches(t *testing.T) {
	for _, rel := range realdata.Files(t) {
		t.Run(rel, func(t *testing.T) {
			path := realdata.File(t, rel)
			spans, want := readWhole(t, path)
			res, err := replay.Run(t.Context(), []string{path}, replay.Options{})
			require.NoError(t, err)
			started := res.JSON().SessionsStarted

			for seed := range uint64(3) {
				sink := new(consumertest.TracesSink)
				sp, clk := newTestProcessor(t, &Config{Wait: testWait, MaxTraces: 1 << 20}, sink, nopTelemetry())
				rng := rand.New(rand.NewPCG(seed, 5))
				sendConcurrently(t, sp, randomBatches(rng, spans))
				expireAfter(t, sp, clk, testWait)

				require.Equal(t, len(spans), sink.SpanCount())
				ids := map[string]bool{}
				for _, td := range sink.AllTraces() {
					for _, s := range traceiter.Spans(td) {
						v, _ := s.Attributes().Get(AttrSessionID)
						key := spanKey{s.TraceID(), s.SpanID(), s.Kind()}
						assert.Equal(t, want[key], v.Str(), "span %s", s.SpanID())
						if v.Str() != "" {
							ids[v.Str()] = true
						}
					}
				}
				assert.Equal(t, started, int64(len(ids)), "seed %d", seed)
			}
		})
	}
}

// readWhole reads a recording, returns each of its spans as a batch of its own and the session.id the
// engine gives every span (told apart by kind, for Zipkin shared ids) on the whole file at once.
func readWhole(t *testing.T, path string) ([]ptrace.Traces, map[spanKey]string) {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	eng := derive.New(derive.Config{SpanSessions: true})
	var spans []ptrace.Traces
	_, err = tracefile.Read(path, f, func(td ptrace.Traces) {
		eng.Add(td)
		realdata.EachSpan(td, func(one ptrace.Traces) { spans = append(spans, one) })
	})
	require.NoError(t, err)
	want := map[spanKey]string{}
	eng.ResolveAll(func(tr derive.Trace) {
		for _, one := range spans {
			for _, s := range traceiter.Spans(one) {
				if s.TraceID() != tr.ID {
					continue
				}
				if i, ok := sessionIndex(tr, s.SpanID(), s.Kind()); ok {
					want[spanKey{tr.ID, s.SpanID(), s.Kind()}] = tr.Sessions[i].ID.String()
				}
			}
		}
	})
	return spans, want
}

// randomBatches shuffles the spans and joins them into batches of 1 to 64 spans.
func randomBatches(rng *rand.Rand, spans []ptrace.Traces) []ptrace.Traces {
	order := rng.Perm(len(spans))
	var batches []ptrace.Traces
	for len(order) > 0 {
		n := min(1+rng.IntN(64), len(order))
		td := ptrace.NewTraces()
		for _, i := range order[:n] {
			spans[i].ResourceSpans().At(0).CopyTo(td.ResourceSpans().AppendEmpty())
		}
		batches = append(batches, td)
		order = order[n:]
	}
	return batches
}

// sendConcurrently hands the batches to the processor from four goroutines.
func sendConcurrently(t *testing.T, sp *sessionsProcessor, batches []ptrace.Traces) {
	t.Helper()
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < len(batches); i += 4 {
				_, err := sp.processTraces(t.Context(), batches[i])
				assert.ErrorIs(t, err, processorhelper.ErrSkipProcessingData, "held for the wait")
			}
		})
	}
	wg.Wait()
}
