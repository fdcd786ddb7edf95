package bench

import (
	"bufio"
	"encoding/binary"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

const (
	rssTraces      = 10_000_000
	rssBatch       = 1_000     // traces per batch
	rssSampleEvery = 1_000_000 // traces between RSS samples
)

// BenchmarkRSS sends 10 million synthetic traces (a SERVER entry span and a CLIENT child each, 1,000 traces a
// batch) through a sessions processor with the default configuration (10 s wait, at most 100,000 traces
// held) and samples the process's resident set (VmRSS) every million traces. It reports the first sample,
// the last and the highest in MiB, and rss_slope_MiB/M, the least-squares slope of the second half of the
// samples in MiB per million traces: after the warm-up of the first half (the processor's table fills up to
// max_traces, the heap grows to its GC target), a flat RSS has a slope near 0. It takes two to four minutes
// on 2 cores: run.sh runs it once, in the full run only.
func BenchmarkRSS(b *testing.B) {
	for b.Loop() {
		p := newSessionsProcessor(b, defaultWait)
		var samples []float64
		for first := 0; first < rssTraces; first += rssBatch {
			consumeAll(b, p, []ptrace.Traces{synthBatch(first, rssBatch)})
			if (first+rssBatch)%rssSampleEvery == 0 {
				samples = append(samples, vmRSS(b))
			}
		}
		if err := p.Shutdown(b.Context()); err != nil {
			b.Fatal(err)
		}
		b.Logf("VmRSS MiB at every million traces: %.0f", samples)
		b.ReportMetric(samples[0], "rss_first_MiB")
		b.ReportMetric(samples[len(samples)-1], "rss_last_MiB")
		b.ReportMetric(slices.Max(samples), "rss_max_MiB")
		b.ReportMetric(slope(samples[len(samples)/2:]), "rss_slope_MiB/M")
	}
}

// slope returns the least-squares slope of ys against their index.
func slope(ys []float64) float64 {
	n := float64(len(ys))
	var sx, sy, sxx, sxy float64
	for i, y := range ys {
		x := float64(i)
		sx, sy, sxx, sxy = sx+x, sy+y, sxx+x*x, sxy+x*y
	}
	if d := n*sxx - sx*sx; d != 0 {
		return (n*sxy - sx*sy) / d
	}
	return 0
}

// synthBatch returns the traces first to first+n-1, each an entry SERVER span and a CLIENT child.
func synthBatch(first, n int) ptrace.Traces {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", "bench")
	spans := rs.ScopeSpans().AppendEmpty().Spans()
	spans.EnsureCapacity(2 * n)
	for i := first; i < first+n; i++ {
		var tid pcommon.TraceID
		binary.BigEndian.PutUint64(tid[8:], uint64(i)+1)
		entry, child := pcommon.SpanID{7: 1}, pcommon.SpanID{7: 2}
		synthSpan(spans.AppendEmpty(), tid, entry, pcommon.SpanID{}, ptrace.SpanKindServer)
		synthSpan(spans.AppendEmpty(), tid, child, entry, ptrace.SpanKindClient)
	}
	return td
}

func synthSpan(s ptrace.Span, tid pcommon.TraceID, id, parent pcommon.SpanID, kind ptrace.SpanKind) {
	s.SetTraceID(tid)
	s.SetSpanID(id)
	s.SetParentSpanID(parent)
	s.SetKind(kind)
	s.SetName("GET /")
	s.SetStartTimestamp(pcommon.Timestamp(1_000_000))
	s.SetEndTimestamp(pcommon.Timestamp(2_000_000))
}

// vmRSS returns the process's resident set from /proc/self/status, in MiB.
func vmRSS(b *testing.B) float64 {
	b.Helper()
	f, err := os.Open("/proc/self/status")
	if err != nil {
		b.Skipf("no /proc/self/status on this system: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:")
		if !ok {
			continue
		}
		kib, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
		if err != nil {
			b.Fatal(err)
		}
		return kib / 1024
	}
	b.Fatal("no VmRSS line in /proc/self/status")
	return 0
}
