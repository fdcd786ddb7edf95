package bench

import (
	"context"
	"crypto/sha1"
	"io"
	"iter"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/google/uuid"

	"github.com/otelsessions/otelsessions/collectorext/bugsnagexporter"
	"github.com/otelsessions/otelsessions/collectorext/sessionsprocessor"
)

// floorValue is the attribute value the floor writes: as long as a session.id.
const floorValue = "00000000-0000-4000-8000-000000000000"

// defaultWait is the sessions processor's default wait.
const defaultWait = 10 * time.Second

// tracesComponent is a Collector component that consumes traces: a processor or an exporter.
type tracesComponent interface {
	component.Component
	consumer.Traces
}

// newSessionsProcessor starts a sessions processor with the default configuration but for wait, forwarding
// to a consumer that discards.
func newSessionsProcessor(b *testing.B, wait time.Duration) tracesComponent {
	b.Helper()
	f := sessionsprocessor.NewFactory()
	cfg, _ := f.CreateDefaultConfig().(*sessionsprocessor.Config)
	cfg.Wait = wait
	p, err := f.CreateTraces(context.WithoutCancel(b.Context()), processortest.NewNopSettings(f.Type()), cfg,
		consumertest.NewNop())
	if err != nil {
		b.Fatal(err)
	}
	if err := p.Start(b.Context(), componenttest.NewNopHost()); err != nil {
		b.Fatal(err)
	}
	return p
}

// newBugsnagExporter starts a bugsnag exporter with the default configuration but for its endpoints, a local
// server that answers 202 and discards, and without the sending queue, so that ConsumeTraces derives and
// counts each batch before it returns (the queue would hand it to another goroutine).
func newBugsnagExporter(b *testing.B) tracesComponent {
	b.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusAccepted)
	}))
	b.Cleanup(srv.Close)
	f := bugsnagexporter.NewFactory()
	cfg, _ := f.CreateDefaultConfig().(*bugsnagexporter.Config)
	cfg.APIKey = "0123456789abcdef0123456789abcdef"
	cfg.SessionsEndpoint = srv.URL + "/sessions"
	cfg.NotifyEndpoint = srv.URL + "/notify"
	cfg.Queue = configoptional.None[exporterhelper.QueueBatchConfig]()
	e, err := f.CreateTraces(context.WithoutCancel(b.Context()), exportertest.NewNopSettings(f.Type()), cfg)
	if err != nil {
		b.Fatal(err)
	}
	if err := e.Start(b.Context(), componenttest.NewNopHost()); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = e.Shutdown(context.WithoutCancel(b.Context())) })
	return e
}

// setAttribute is the floor: the least a Collector component that tags spans does, one attribute set on
// every span of the batch.
// Its loop is written out, so that no call per span is added to it.
func setAttribute(td ptrace.Traces) {
	rss := td.ResourceSpans()
	for i := range rss.Len() {
		sss := rss.At(i).ScopeSpans()
		for j := range sss.Len() {
			spans := sss.At(j).Spans()
			for k := range spans.Len() {
				spans.At(k).Attributes().PutStr("session.id", floorValue)
			}
		}
	}
}

// sessionNamespace is the UUID namespace of derived session IDs (docs/semantics.md).
var sessionNamespace = uuid.MustParse("6f74656c-7365-5373-696f-6e7300000000")

// ancestryKey identifies a span in a batch.
type ancestryKey struct {
	trace pcommon.TraceID
	span  pcommon.SpanID
}

// ancestryNode is what minimalDerivation knows of a span: its parent and whether it is an entry.
type ancestryNode struct {
	parent pcommon.SpanID
	entry  bool
}

// minimalDerivation is the least that deriving sessions asks of a component beyond the floor, written plainly:
// index the batch's spans by id, walk each span's ancestry up to its nearest SERVER span (its session's
// entry), and set the session.id derived from that entry on it. It classifies no error, counts nothing, keeps
// nothing between batches and checks no rule of docs/semantics.md but the entry's kind: a reference point
// under the sessions processor, measured in the same rounds, not a component.
func minimalDerivation(td ptrace.Traces) {
	nodes := make(map[ancestryKey]ancestryNode, td.SpanCount())
	for span := range spansOf(td) {
		nodes[ancestryKey{span.TraceID(), span.SpanID()}] = ancestryNode{
			parent: span.ParentSpanID(), entry: span.Kind() == ptrace.SpanKindServer,
		}
	}
	ids := make(map[ancestryKey]string)
	for span := range spansOf(td) {
		key, ok := entryOf(nodes, span)
		if !ok {
			continue
		}
		id, known := ids[key]
		if !known {
			id = derivedID(key).String()
			ids[key] = id
		}
		span.Attributes().PutStr("session.id", id)
	}
}

// spansOf yields every span of td. The bench module uses only the measured module's public API, so that
// run.sh can measure older commits: it walks spans itself.
func spansOf(td ptrace.Traces) iter.Seq[ptrace.Span] {
	return func(yield func(ptrace.Span) bool) {
		rss := td.ResourceSpans()
		for i := range rss.Len() {
			sss := rss.At(i).ScopeSpans()
			for j := range sss.Len() {
				spans := sss.At(j).Spans()
				for k := range spans.Len() {
					if !yield(spans.At(k)) {
						return
					}
				}
			}
		}
	}
}

// entryOf walks span's ancestry in nodes up to its nearest SERVER span.
func entryOf(nodes map[ancestryKey]ancestryNode, span ptrace.Span) (ancestryKey, bool) {
	k := ancestryKey{span.TraceID(), span.SpanID()}
	for range len(nodes) {
		n, ok := nodes[k]
		if !ok {
			return k, false
		}
		if n.entry {
			return k, true
		}
		k.span = n.parent
	}
	return k, false
}

// derivedID is the session ID derived from the entry span k (docs/semantics.md), without allocating.
func derivedID(k ancestryKey) uuid.UUID {
	var b [16 + 16 + 8]byte
	copy(b[:16], sessionNamespace[:])
	copy(b[16:32], k.trace[:])
	copy(b[32:], k.span[:])
	sum := sha1.Sum(b[:]) // UUID version 5 is defined on SHA-1
	var id uuid.UUID
	copy(id[:], sum[:16])
	id[6] = id[6]&0x0f | 0x50
	id[8] = id[8]&0x3f | 0x80
	return id
}

// BenchmarkCollector replays the batches of the real recordings, each operation all of them, through the
// floor (one attribute set on every span), a minimal derivation (minimalDerivation, a reference point), the
// sessions processor (wait 0: each batch tagged and forwarded at once, but for spans whose ancestry is
// missing, which wait up to max_wait; and the default wait, 10 s), a new one each operation, shut down at its
// end, which forwards what it holds, and the bugsnag exporter's push. Each operation gets fresh copies of the
// batches, made outside the timer. collector_vs_floor is the slowdown of the slowest component against the
// floor: its ns/op over the floor's.
func BenchmarkCollector(b *testing.B) {
	batches := realBatches(b)
	spans := float64(spanCount(batches))
	run := func(b *testing.B, consume func(b *testing.B, fresh []ptrace.Traces)) {
		b.Helper()
		b.ReportAllocs()
		var cpu time.Duration
		for b.Loop() {
			b.StopTimer()
			fresh := cloneBatches(batches)
			b.StartTimer()
			start := cpuTime(b)
			consume(b, fresh)
			cpu += cpuTime(b) - start
		}
		b.ReportMetric(spans*float64(b.N)/b.Elapsed().Seconds(), "spans/s")
		if cpu > 0 {
			b.ReportMetric(float64(cpu)/float64(b.N), "cpu-ns/op")
		}
	}
	b.Run("impl=floor", func(b *testing.B) {
		run(b, func(_ *testing.B, fresh []ptrace.Traces) {
			for _, td := range fresh {
				setAttribute(td)
			}
		})
	})
	b.Run("impl=minimal", func(b *testing.B) {
		run(b, func(_ *testing.B, fresh []ptrace.Traces) {
			for _, td := range fresh {
				minimalDerivation(td)
			}
		})
	})
	for _, v := range []struct {
		name string
		wait time.Duration
	}{{"processor", 0}, {"processorDefaultWait", defaultWait}} {
		b.Run("impl="+v.name, func(b *testing.B) {
			run(b, func(b *testing.B, fresh []ptrace.Traces) {
				b.Helper()
				p := newSessionsProcessor(b, v.wait)
				consumeAll(b, p, fresh)
				if err := p.Shutdown(context.WithoutCancel(b.Context())); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
	b.Run("impl=exporter", func(b *testing.B) {
		e := newBugsnagExporter(b)
		run(b, func(b *testing.B, fresh []ptrace.Traces) {
			b.Helper()
			consumeAll(b, e, fresh)
		})
	})
}

func consumeAll(b *testing.B, c consumer.Traces, batches []ptrace.Traces) {
	b.Helper()
	for _, td := range batches {
		if err := c.ConsumeTraces(b.Context(), td); err != nil {
			b.Fatal(err)
		}
	}
}

// TestMinimalDerivation: the reference point tags a child with the ID its SERVER ancestor derives, as
// uuid.NewSHA1 computes it, and leaves a span with no SERVER ancestor untagged.
func TestMinimalDerivation(t *testing.T) {
	td := ptrace.NewTraces()
	spans := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans()
	tid := pcommon.TraceID{1, 2, 3}
	for i, kind := range []ptrace.SpanKind{ptrace.SpanKindClient, ptrace.SpanKindServer, ptrace.SpanKindInternal} {
		s := spans.AppendEmpty()
		s.SetTraceID(tid)
		s.SetSpanID(pcommon.SpanID{byte(i + 1)})
		s.SetParentSpanID(pcommon.SpanID{byte(i)})
		s.SetKind(kind)
	}
	minimalDerivation(td)
	want := uuid.NewSHA1(sessionNamespace, append(tid[:], 2, 0, 0, 0, 0, 0, 0, 0)).String()
	for i, w := range []string{"", want, want} {
		v, _ := spans.At(i).Attributes().Get("session.id")
		if v.Str() != w {
			t.Errorf("span %d: session.id %q, want %q", i+1, v.Str(), w)
		}
	}
}
