package faults

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelsessions/otelsessions/integration/internal/harness"
)

// outage is how long the endpoint is down in TestEndpointOutage: half of it answering 503, half refusing
// connections (issue 6: "answers 503 (then refuses connections) for 30 s").
const outage = 30 * time.Second

// TestEndpointOutage: the Bugsnag endpoint answers 503, then refuses connections, for 30 s in all while
// traces keep arriving, then recovers; the bugsnag exporter's retries deliver every session and error event
// exactly once.
func TestEndpointOutage(t *testing.T) {
	t.Parallel()
	harness.BuildCollector(t)
	bs := harness.NewBugsnag(t)
	bs.SetStatus(http.StatusServiceUnavailable)
	cfg := harness.Config{
		HTTPAddr: harness.FreeAddr(t), SessionsURL: bs.SessionsURL(), NotifyURL: bs.NotifyURL(),
		SummaryInterval: time.Second, Exporter: fastRetry,
	}
	col := harness.StartCollector(t, cfg.YAML(), harness.KeyEnv)
	start := time.Now()

	var s sent
	s.send(t, cfg.HTTPAddr)
	waitFor(t, 30*time.Second, "the exporter meets the 503s", func() bool { return bs.Capture().Failed > 0 })
	s.send(t, cfg.HTTPAddr)
	hold(t, outage/2-time.Since(start))

	bs.SetFault(harness.FaultRefuse)
	s.send(t, cfg.HTTPAddr)
	refusedFrom := len(col.Logs())
	waitFor(t, 30*time.Second, "the exporter meets refused connections", func() bool {
		return containsAfter(col.Logs(), refusedFrom, "connection refused")
	})
	hold(t, outage-time.Since(start))
	failed := bs.Capture().Failed
	require.Zero(t, bs.Capture().SessionsStarted+int64(bs.Capture().Events), "nothing is accepted during the outage")

	bs.SetFault(harness.FaultNone)
	recovered := time.Now()
	s.send(t, cfg.HTTPAddr)
	want := s.figures()
	waitDelivered(t, bs, want, time.Minute)
	t.Logf("outage of %s; everything delivered %s after recovery", recovered.Sub(start).Round(time.Millisecond),
		time.Since(recovered).Round(time.Millisecond))

	col.Stop(t) // the shutdown flush must not send anything again
	got := bs.Capture()
	t.Log(describe(got))
	assertExact(t, want, got)
	assert.Positive(t, failed, "requests answered 503 during the outage")
	assert.NotContains(t, col.Logs(), harness.APIKey, "the API key must never be logged")
}

// containsAfter reports whether s holds sub after its first from bytes.
func containsAfter(s string, from int, sub string) bool {
	return len(s) > from && strings.Contains(s[from:], sub)
}

// TestEndpointHangs: the endpoint takes requests and never answers them for a while; each times out after
// the exporter's http.timeout and is tried again, and once the endpoint answers again everything arrives
// exactly once. Requests still held when it recovers are refused, never half-accepted.
func TestEndpointHangs(t *testing.T) {
	t.Parallel()
	harness.BuildCollector(t)
	bs := harness.NewBugsnag(t)
	bs.SetFault(harness.FaultHang)
	cfg := harness.Config{
		HTTPAddr: harness.FreeAddr(t), SessionsURL: bs.SessionsURL(), NotifyURL: bs.NotifyURL(),
		SummaryInterval: time.Second, Exporter: fastRetry + "    http:\n      timeout: 1s\n",
	}
	col := harness.StartCollector(t, cfg.YAML(), harness.KeyEnv)

	var s sent
	s.send(t, cfg.HTTPAddr)
	s.send(t, cfg.HTTPAddr)
	waitFor(t, 30*time.Second, "the exporter gives up held requests twice", func() bool {
		return bs.Capture().Abandoned >= 2
	})
	bs.SetFault(harness.FaultNone)
	s.send(t, cfg.HTTPAddr)
	want := s.figures()
	waitDelivered(t, bs, want, time.Minute)

	col.Stop(t)
	got := bs.Capture()
	t.Log(describe(got))
	assertExact(t, want, got)
	assert.Zero(t, got.Held, "requests still held")
}
