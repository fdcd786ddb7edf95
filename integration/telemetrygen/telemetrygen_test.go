package telemetrygen

import (
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelsessions/otelsessions/integration/internal/harness"
)

// telemetrygenPackage is the load generator's main package, built in the nested module tool/.
const telemetrygenPackage = "github.com/open-telemetry/opentelemetry-collector-contrib/cmd/telemetrygen"

const (
	// deliveryTimeout bounds the telemetrygen runs and the wait for the Collector to accept every span.
	deliveryTimeout = time.Minute
	// liveTimeout bounds the wait for live delivery: the sessions processor holds spans whose ancestry is
	// missing for up to its max_wait (10 s here) before it forwards them, then the exporter's next flush
	// (every second here) delivers them; the rest is room for a busy machine.
	liveTimeout = time.Minute
)

// load is one telemetrygen run. Each trace telemetrygen makes is a CLIENT root span ("lets-go") with
// childSpans SERVER children ("okey-dokey-N"), all of one service and one process. By docs/semantics.md none
// of them starts a session: the CLIENT root is no entry span, and the OTLP flags of each SERVER child say
// that its parent is local (rule 2), so the child is nested in a request whose way into the process is not
// in the data. (telemetrygen's --marshal would pass the context through headers, but it registers no
// propagator, so the parent stays local; it has no flag for span kinds.) Every error event is therefore
// outside any session. With --status-code Error every span ends in Error without an exception event and
// yields one handled event, unless its otelsessions.unhandled attribute makes it unhandled, or, on a SERVER
// span, a 4xx http.response.status_code makes its Error status no error.
type load struct {
	name                        string // the service.name
	http                        bool   // OTLP/HTTP rather than OTLP/gRPC
	workers, traces, childSpans int    // traces per worker
	errors                      bool   // --status-code Error
	unhandled                   bool   // otelsessions.unhandled=true on every span
	status4xx                   bool   // http.response.status_code=404 on every span
}

func (l load) spans() int64 { return int64(l.workers * l.traces * (l.childSpans + 1)) }

// add adds the error events the rules derive from l to f; l starts no session.
func (l load) add(f *harness.Figures) {
	if !l.errors {
		return
	}
	events := int64(l.workers * l.traces) // the CLIENT roots
	if !l.status4xx {
		events += int64(l.workers * l.traces * l.childSpans)
	}
	if l.unhandled {
		f.UnhandledEvents += events
	} else {
		f.HandledEvents += events
	}
}

// args are the telemetrygen command line for a Collector listening on endpoint. --rate 0 lifts the default
// limit of one span per second per worker; --batch=false exports each span as it ends, since unthrottled
// workers overflow the batch span processor's queue of 2048 spans, which drops spans without a word.
func (l load) args(endpoint string) []string {
	status := "Unset"
	if l.errors {
		status = "Error"
	}
	args := []string{
		"traces", "--otlp-endpoint", endpoint, "--otlp-insecure", "--rate", "0", "--batch=false",
		"--workers", strconv.Itoa(l.workers), "--traces", strconv.Itoa(l.traces),
		"--child-spans", strconv.Itoa(l.childSpans), "--status-code", status, "--service", l.name,
		"--otlp-attributes", `service.version="1.0.0"`, "--otlp-attributes", `deployment.environment.name="load"`,
	}
	if l.http {
		args = append(args, "--otlp-http")
	}
	if l.unhandled {
		args = append(args, "--telemetry-attributes", "otelsessions.unhandled=true")
	}
	if l.status4xx {
		args = append(args, "--telemetry-attributes", "http.response.status_code=404")
	}
	return args
}

// TestTelemetrygen runs four telemetrygen processes at once against one otelcol-sessions, over OTLP/gRPC and
// OTLP/HTTP, with and without errors, while the test sends traces with entry spans of its own (1000 sessions,
// some crashed) over both protocols. It checks that the Collector accepted every span, and that its bugsnag
// exporter delivered, live (wait 2 s, max_wait 10 s, summary interval 1 s), exactly the sessions of the
// test's traces and the error events the rules give for both sources: telemetrygen's load, whose traces
// start no session, must neither add sessions nor lose or double an event. The shutdown flush must then add
// nothing.
func TestTelemetrygen(t *testing.T) {
	tg := harness.BuildNested(t, "integration/telemetrygen/tool", telemetrygenPackage, "telemetrygen")
	bs := harness.NewBugsnag(t)
	cfg := harness.Config{
		GRPCAddr: harness.FreeAddr(t), HTTPAddr: harness.FreeAddr(t), MetricsAddr: harness.FreeAddr(t),
		SessionsURL: bs.SessionsURL(), NotifyURL: bs.NotifyURL(), Wait: 2 * time.Second,
		MaxWait: 10 * time.Second, SummaryInterval: time.Second,
	}
	col := harness.StartCollector(t, cfg.YAML(), harness.KeyEnv)

	loads := []load{
		{name: "tg-ok", workers: 4, traces: 250, childSpans: 3},
		{name: "tg-error", http: true, workers: 2, traces: 100, childSpans: 2, errors: true},
		{name: "tg-crash", workers: 1, traces: 50, childSpans: 1, errors: true, unhandled: true},
		{name: "tg-404", http: true, workers: 1, traces: 50, childSpans: 2, errors: true, status4xx: true},
	}
	var own []ptrace.Traces
	for batch := range 20 {
		own = append(own, harness.SyntheticTraces(batch, 50))
	}
	want := harness.TracesFigures(own...)
	var spans int64
	for _, td := range own {
		spans += int64(td.SpanCount())
	}
	for _, l := range loads {
		spans += l.spans()
		l.add(&want)
	}
	t.Logf("expected: %d spans, %d sessions (%d unhandled, %d handled), %d error events (%d unhandled, "+
		"%d handled, %d in sessions)", spans, want.SessionsStarted, want.SessionsUnhandled, want.SessionsHandled,
		want.Events(), want.UnhandledEvents, want.HandledEvents, want.EventsInSessions)

	start := time.Now()
	wait := startLoads(t, tg, cfg, loads)
	for i, td := range own {
		if i%2 == 0 {
			harness.SendOTLPGRPC(t, cfg.GRPCAddr, td)
		} else {
			harness.SendOTLPHTTP(t, cfg.HTTPAddr, td)
		}
	}
	wait()
	t.Logf("telemetrygen and the test sent %d spans in %s", spans, time.Since(start).Round(time.Millisecond))

	waitFor(t, deliveryTimeout, "the Collector's receivers to accept every span", func() (bool, string) {
		n, err := harness.AcceptedSpans(t.Context(), cfg.MetricsAddr)
		return err == nil && n >= spans, fmt.Sprintf("%d of %d spans accepted (%v)", n, spans, err)
	})
	n, err := harness.AcceptedSpans(t.Context(), cfg.MetricsAddr)
	require.NoError(t, err)
	assert.Equal(t, spans, n, "spans the Collector accepted")

	waitFor(t, liveTimeout, "live delivery of every session and event", func() (bool, string) {
		got := bs.Capture()
		return got.SessionsStarted >= want.SessionsStarted && int64(got.Events) >= want.Events(),
			fmt.Sprintf("%d of %d sessions and %d of %d events delivered; %d requests malformed, %d failed",
				got.SessionsStarted, want.SessionsStarted, got.Events, want.Events(), got.Malformed, got.Failed)
	})
	t.Logf("delivered live within %s of the first span", time.Since(start).Round(time.Millisecond))
	col.Stop(t)

	got := bs.Capture()
	t.Logf("delivered: %d sessions (%d unhandled, %d handled) per release %v, %d error events (%d unhandled, "+
		"%d handled, %d in sessions) in %d Sessions and %d Notify payloads", got.SessionsStarted,
		got.SessionsUnhandled, got.SessionsHandled, got.Releases, got.Events, got.UnhandledEvents,
		got.HandledEvents, got.EventsInSessions, got.SessionsPayloads, got.NotifyPayloads)
	assert.Equal(t, want.SessionsStarted, got.SessionsStarted, "sessionsStarted summed")
	assert.Equal(t, want.Releases, got.Releases, "sessionsStarted per release")
	assert.EqualValues(t, want.SessionsUnhandled, got.SessionsUnhandled, "unhandled sessions")
	assert.EqualValues(t, want.SessionsHandled, got.SessionsHandled, "handled sessions")
	assert.EqualValues(t, want.Events(), got.Events, "error events")
	assert.EqualValues(t, want.UnhandledEvents, got.UnhandledEvents, "unhandled error events")
	assert.EqualValues(t, want.HandledEvents, got.HandledEvents, "handled error events")
	assert.EqualValues(t, want.EventsInSessions, got.EventsInSessions, "error events in a session")
	assert.Zero(t, got.DuplicatePayloads, "payloads delivered twice")
	assert.Zero(t, got.BadKeys, "requests without the configured API key")
	assert.Zero(t, got.Malformed, "requests the capture server could not read")
}

// startLoads starts one telemetrygen process per load, against the Collector of cfg, and returns a function
// that waits for them and fails t unless each exits 0 within deliveryTimeout. telemetrygen exits 0 even when
// an export failed (it only logs it), so the caller checks what the Collector accepted.
func startLoads(t *testing.T, tg string, cfg harness.Config, loads []load) (wait func()) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), deliveryTimeout)
	outs, errs := make([][]byte, len(loads)), make([]error, len(loads))
	var wg sync.WaitGroup
	for i, l := range loads {
		endpoint := cfg.GRPCAddr
		if l.http {
			endpoint = cfg.HTTPAddr
		}
		cmd := exec.CommandContext(ctx, tg, l.args(endpoint)...)
		cmd.WaitDelay = 5 * time.Second
		wg.Go(func() { outs[i], errs[i] = cmd.CombinedOutput() })
	}
	t.Cleanup(func() { cancel(); wg.Wait() }) // a failure before wait: never leave a process behind
	return func() {
		t.Helper()
		wg.Wait()
		for i, l := range loads {
			require.NoError(t, errs[i], "telemetrygen %s:\n%s", l.name, outs[i])
		}
	}
}

// waitFor polls done until it reports true, and fails t with its last word if timeout passes first.
func waitFor(t *testing.T, timeout time.Duration, what string, done func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ok, status := done()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s: %s", timeout, what, status)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
