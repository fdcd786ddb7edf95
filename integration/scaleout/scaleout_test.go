package scaleout

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelsessions/otelsessions/integration/internal/harness"
	"github.com/otelsessions/otelsessions/internal/realdata"
)

const (
	// backends is the number of otelcol-sessions instances behind the gateway.
	backends = 3
	// maxBatch is the most spans one OTLP request carries; each request's size is drawn from 1 to maxBatch.
	maxBatch = 64
	// arrivalTimeout bounds the wait for every span to reach the instances once the last request returned.
	arrivalTimeout = time.Minute
	// deliveryTimeout bounds the wait for live delivery: the sessions processor holds spans whose ancestry is
	// missing for up to its max_wait (1m by default), then the exporter's next flush delivers them.
	deliveryTimeout = 90 * time.Second
)

// mode is how the instances hold traces and deliver, and how fast the test sends.
type mode struct {
	name string
	// wait and maxWait are the sessions processor's (maxWait 0: its default); interval is the bugsnag
	// exporter's summary interval (0: an hour).
	wait, maxWait, interval time.Duration
	// pace is the pause between two OTLP requests, so that the spans of a trace arrive over seconds.
	pace time.Duration
}

// TestScaleOut sends every real recording, its spans shuffled over all files and cut into OTLP requests of
// random sizes alternately over HTTP and gRPC, to a gateway whose loadbalancing exporter routes by trace id to
// three otelcol-sessions instances, and the same requests to a fourth, single instance. Each instance delivers
// to a capture server: one shared by the three, one for the single instance. The three instances' summed
// sessions (per release), handled and unhandled sessions and error events must equal the single instance's,
// and replay's, exactly, and every instance must get a share of the traffic. It runs twice:
//   - ShutdownFlush: every instance holds each trace until SIGTERM (wait 1h) and delivers at the shutdown
//     flush (summary interval 1h), so each trace is derived whole, whatever the order of its spans;
//   - Live: a wait of 2 s, shorter than the 3 s or so over which the requests are paced, and a summary
//     interval of 1 s, so that traces leave the processors while their spans still arrive and are delivered
//     while the test runs; the figures must not change. Spans whose parent is in no recording are held for
//     the max_wait of 10 s, then forwarded as they would be at the shutdown flush.
func TestScaleOut(t *testing.T) {
	realdata.Dir(t) // skip before minutes of building where ../shared is absent
	gateway := harness.BuildNested(t, "integration/gateway", ".", "otelcol-gateway")
	harness.BuildCollector(t)
	files, traces, spans := readRecordings(t)
	want := harness.ReplayFigures(t, files...)
	t.Logf("replay: %d sessions (%d unhandled, %d handled), %d error events (%d unhandled, %d handled, %d in "+
		"sessions)", want.SessionsStarted, want.SessionsUnhandled, want.SessionsHandled, want.Events(),
		want.UnhandledEvents, want.HandledEvents, want.EventsInSessions)

	for _, m := range []mode{
		{name: "ShutdownFlush", wait: time.Hour},
		{
			name: "Live", wait: 2 * time.Second, maxWait: 10 * time.Second, interval: time.Second,
			pace: 40 * time.Millisecond,
		},
	} {
		t.Run(m.name, func(t *testing.T) { runScaleOut(t, m, gateway, want, traces, spans) })
	}
}

// runScaleOut runs one mode of TestScaleOut.
func runScaleOut( //nolint:thelper // the body of a subtest
	t *testing.T, m mode, gateway string, want harness.Figures, traces []ptrace.Traces, spans int,
) {
	scaled, single := harness.NewBugsnag(t), harness.NewBugsnag(t)
	var cols []*harness.Collector
	var hostnames, metrics []string
	for range backends {
		addr, metricsAddr := harness.FreeAddr(t), harness.FreeAddr(t)
		cfg := harness.Config{GRPCAddr: addr, MetricsAddr: metricsAddr}
		cols = append(cols, startInstance(t, m, scaled, cfg))
		hostnames, metrics = append(hostnames, addr), append(metrics, metricsAddr)
	}
	singleCfg := harness.Config{
		GRPCAddr: harness.FreeAddr(t), HTTPAddr: harness.FreeAddr(t),
		MetricsAddr: harness.FreeAddr(t),
	}
	singleCol := startInstance(t, m, single, singleCfg)
	gwGRPC, gwHTTP := harness.FreeAddr(t), harness.FreeAddr(t)
	gw := harness.StartBinary(t, "otelcol-gateway", gateway, gatewayYAML(gwGRPC, gwHTTP, hostnames))

	seed := uint64(time.Now().UnixNano()) // logged, to reproduce a run
	batches := randomBatches(rand.New(rand.NewPCG(seed, 6)), traces)
	t.Logf("seed %d: %d spans in %d OTLP requests of 1 to %d spans, %s apart", seed, spans, len(batches),
		maxBatch, m.pace)
	start := time.Now()
	for i, td := range batches {
		if i%2 == 0 {
			harness.SendOTLPGRPC(t, gwGRPC, td)
			harness.SendOTLPGRPC(t, singleCfg.GRPCAddr, td)
		} else {
			harness.SendOTLPHTTP(t, gwHTTP, td)
			harness.SendOTLPHTTP(t, singleCfg.HTTPAddr, td)
		}
		time.Sleep(m.pace) // pacing the load, not waiting for a result
	}
	t.Logf("sent in %s", time.Since(start).Round(time.Millisecond))

	perBackend := waitForSpans(t, spans, metrics)
	waitForSpans(t, spans, []string{singleCfg.MetricsAddr})
	t.Logf("spans per instance behind the gateway: %v (of %d)", perBackend, spans)
	for i, n := range perBackend {
		assert.Positive(t, n, "instance %d behind the gateway got no span", i)
	}
	if m.interval > 0 {
		waitForDelivery(t, want, scaled, single)
		t.Logf("delivered live within %s of the first request", time.Since(start).Round(time.Millisecond))
	}

	gw.Stop(t)
	for _, col := range cols {
		col.Stop(t)
	}
	singleCol.Stop(t)
	checkFigures(t, "three instances behind the gateway", want, scaled.Capture())
	checkFigures(t, "one instance", want, single.Capture())
}

// startInstance starts an otelcol-sessions instance with the receivers and metrics address of cfg, the wait
// and summary interval of m, and its bugsnag exporter delivering to bs.
func startInstance(t *testing.T, m mode, bs *harness.Bugsnag, cfg harness.Config) *harness.Collector {
	t.Helper()
	cfg.SessionsURL, cfg.NotifyURL = bs.SessionsURL(), bs.NotifyURL()
	cfg.Wait, cfg.MaxWait, cfg.SummaryInterval = m.wait, m.maxWait, m.interval
	return harness.StartCollector(t, cfg.YAML(), harness.KeyEnv)
}

// gatewayYAML configures the gateway: OTLP/gRPC and OTLP/HTTP receivers, and the loadbalancing exporter that
// sends each trace, whole, to one of the OTLP/gRPC endpoints in backends, chosen by its trace id.
func gatewayYAML(grpcAddr, httpAddr string, backends []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `receivers:
  otlp:
    protocols:
      grpc:
        endpoint: %s
      http:
        endpoint: %s
exporters:
  loadbalancing:
    routing_key: traceID
    protocol:
      otlp:
        tls:
          insecure: true
    resolver:
      static:
        hostnames:
`, grpcAddr, httpAddr)
	for _, h := range backends {
		fmt.Fprintf(&b, "          - %s\n", h)
	}
	b.WriteString("service:\n" + harness.TelemetryYAML(""))
	b.WriteString(`  pipelines:
    traces:
      receivers: [otlp]
      exporters: [loadbalancing]
`)
	return b.String()
}

// readRecordings reads every real recording whose traces no earlier file holds (otel-tui's traces-only file
// repeats its full file's traces, which replay counts once as duplicates but the Collector would get twice),
// and returns their paths, their spans one per ptrace.Traces, and how many spans they hold.
func readRecordings(t *testing.T) (files []string, traces []ptrace.Traces, spans int) {
	t.Helper()
	seen := map[pcommon.TraceID]string{}
	for _, rel := range realdata.Files(t) {
		path := realdata.File(t, rel)
		td := harness.ReadTraces(t, path)
		ids := traceIDs(td)
		if dup := firstSeen(seen, ids); dup != "" {
			t.Logf("leaving out %s: its traces are in %s too", rel, dup)
			continue
		}
		for id := range ids {
			seen[id] = rel
		}
		files = append(files, path)
		spans += td.SpanCount()
		realdata.EachSpan(td, func(one ptrace.Traces) { traces = append(traces, one) })
	}
	return files, traces, spans
}

// traceIDs returns the set of trace ids in td.
func traceIDs(td ptrace.Traces) map[pcommon.TraceID]bool {
	ids := map[pcommon.TraceID]bool{}
	rss := td.ResourceSpans()
	for i := range rss.Len() {
		sss := rss.At(i).ScopeSpans()
		for j := range sss.Len() {
			for k := range sss.At(j).Spans().Len() {
				ids[sss.At(j).Spans().At(k).TraceID()] = true
			}
		}
	}
	return ids
}

// firstSeen returns the file of seen that already holds one of ids, or "".
func firstSeen(seen map[pcommon.TraceID]string, ids map[pcommon.TraceID]bool) string {
	for id := range ids {
		if f, ok := seen[id]; ok {
			return f
		}
	}
	return ""
}

// randomBatches copies spans, each a ptrace.Traces of one span, in random order into requests of 1 to
// maxBatch spans, so that each trace's spans reach the Collectors spread over many requests, in any order.
func randomBatches(rng *rand.Rand, spans []ptrace.Traces) []ptrace.Traces {
	order := rng.Perm(len(spans))
	var batches []ptrace.Traces
	for len(order) > 0 {
		n := min(1+rng.IntN(maxBatch), len(order))
		td := ptrace.NewTraces()
		for _, k := range order[:n] {
			spans[k].ResourceSpans().At(0).CopyTo(td.ResourceSpans().AppendEmpty())
		}
		batches, order = append(batches, td), order[n:]
	}
	return batches
}

// waitForSpans polls the metrics of the Collectors at addrs until their receivers accepted want spans in all,
// and returns each one's count; it fails t if that takes longer than arrivalTimeout.
func waitForSpans(t *testing.T, want int, addrs []string) []int64 {
	t.Helper()
	deadline := time.Now().Add(arrivalTimeout)
	for {
		counts := make([]int64, len(addrs))
		var total int64
		var lastErr error
		for i, addr := range addrs {
			n, err := harness.AcceptedSpans(t.Context(), addr)
			if err != nil {
				lastErr = err
			}
			counts[i], total = n, total+n
		}
		if lastErr == nil && total == int64(want) {
			return counts
		}
		if lastErr == nil && total > int64(want) {
			t.Fatalf("the instances accepted %d spans (%v), more than the %d sent", total, counts, want)
		}
		if time.Now().After(deadline) {
			t.Fatalf("the instances accepted %d of %d spans (%v) within %s (last error: %v)", total, want, counts,
				arrivalTimeout, lastErr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitForDelivery polls both capture servers until each received as many sessions and error events as want
// has, and fails t if that takes longer than deliveryTimeout.
func waitForDelivery(t *testing.T, want harness.Figures, captures ...*harness.Bugsnag) {
	t.Helper()
	deadline := time.Now().Add(deliveryTimeout)
	for _, bs := range captures {
		for {
			got := bs.Capture()
			if got.SessionsStarted >= want.SessionsStarted && int64(got.Events) >= want.Events() {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d of %d sessions and %d of %d error events delivered within %s", got.SessionsStarted,
					want.SessionsStarted, got.Events, want.Events(), deliveryTimeout)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
}

// checkFigures compares what a capture server received with replay's figures for the same input.
func checkFigures(t *testing.T, who string, want harness.Figures, got harness.Capture) {
	t.Helper()
	t.Logf("%s: %d sessions (%d unhandled, %d handled), %d error events (%d unhandled, %d handled, %d in "+
		"sessions) in %d Sessions and %d Notify payloads", who, got.SessionsStarted, got.SessionsUnhandled,
		got.SessionsHandled, got.Events, got.UnhandledEvents, got.HandledEvents, got.EventsInSessions,
		got.SessionsPayloads, got.NotifyPayloads)
	assert.Equal(t, want.SessionsStarted, got.SessionsStarted, "%s: sessionsStarted summed", who)
	assert.Equal(t, want.Releases, got.Releases, "%s: sessionsStarted per release", who)
	assert.EqualValues(t, want.SessionsUnhandled, got.SessionsUnhandled, "%s: unhandled sessions", who)
	assert.EqualValues(t, want.SessionsHandled, got.SessionsHandled, "%s: handled sessions", who)
	assert.EqualValues(t, want.Events(), got.Events, "%s: error events", who)
	assert.EqualValues(t, want.UnhandledEvents, got.UnhandledEvents, "%s: unhandled error events", who)
	assert.EqualValues(t, want.HandledEvents, got.HandledEvents, "%s: handled error events", who)
	assert.EqualValues(t, want.EventsInSessions, got.EventsInSessions, "%s: error events in a session", who)
	assert.Zero(t, got.DuplicatePayloads, "%s: Notify payloads delivered twice", who)
	assert.Zero(t, got.BadKeys, "%s: requests without the configured API key", who)
	assert.Zero(t, got.Malformed, "%s: requests the capture server could not read", who)
}
