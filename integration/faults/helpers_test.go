package faults

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelsessions/otelsessions/integration/internal/harness"
)

// tracesPerBatch is the number of traces, so sessions, of each synthetic batch.
const tracesPerBatch = 40

// fastRetry makes the bugsnag exporter retry often enough that recovery is seen within seconds, and long
// enough that a 30 s outage never exhausts it.
const fastRetry = `    retry_on_failure:
      initial_interval: 200ms
      max_interval: 2s
      max_elapsed_time: 5m
`

// sent is what a test sent, and the figures replay derives from it.
type sent struct {
	batches []ptrace.Traces
}

// send sends batch number len(s.batches) over OTLP/HTTP to addr.
func (s *sent) send(t *testing.T, addr string) {
	t.Helper()
	td := harness.SyntheticTraces(len(s.batches), tracesPerBatch)
	s.batches = append(s.batches, td)
	harness.SendOTLPHTTP(t, addr, td)
}

func (s *sent) figures() harness.Figures { return harness.TracesFigures(s.batches...) }

// waitDelivered polls the capture server until it holds every session and event of want, or fails t when
// timeout passes.
func waitDelivered(t *testing.T, bs *harness.Bugsnag, want harness.Figures, timeout time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	defer cancel()
	for {
		got := bs.Capture()
		if got.SessionsStarted >= want.SessionsStarted && int64(got.Events) >= want.Events() {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("after %s the capture server holds %d sessions and %d events, want %d and %d",
				timeout, got.SessionsStarted, got.Events, want.SessionsStarted, want.Events())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// waitFor polls cond until it holds, or fails t with what when timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	defer cancel()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("%s: not within %s", what, timeout)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// hold keeps a fault up for d, unless the test ends first.
func hold(t *testing.T, d time.Duration) {
	t.Helper()
	select {
	case <-time.After(d):
	case <-t.Context().Done():
	}
}

// assertExact checks that the capture holds exactly want: every session and event once, none twice.
func assertExact(t *testing.T, want harness.Figures, got harness.Capture) {
	t.Helper()
	assert.Equal(t, want.SessionsStarted, got.SessionsStarted, "sessionsStarted summed")
	assert.Equal(t, want.Releases, got.Releases, "sessionsStarted per release")
	assert.EqualValues(t, want.Events(), got.Events, "error events")
	assert.EqualValues(t, want.UnhandledEvents, got.UnhandledEvents, "unhandled error events")
	assert.EqualValues(t, want.HandledEvents, got.HandledEvents, "handled error events")
	assert.EqualValues(t, want.EventsInSessions, got.EventsInSessions, "error events in a session")
	assert.EqualValues(t, want.SessionsUnhandled+want.SessionsHandled, got.Sessions,
		"sessions named by error events")
	assert.Zero(t, got.DuplicatePayloads, "payloads delivered twice")
	assert.Zero(t, got.DuplicateEvents, "error events delivered twice")
	assert.Zero(t, got.BadKeys, "requests without the configured API key")
	assert.Zero(t, got.Malformed, "requests the capture server could not read")
}

// describe is a one-line account of a capture for the test log.
func describe(c harness.Capture) string {
	return fmt.Sprintf("%d sessions in %d payloads, %d events (%d unhandled) in %d payloads; "+
		"%d requests failed, %d abandoned", c.SessionsStarted, c.SessionsPayloads, c.Events, c.UnhandledEvents,
		c.NotifyPayloads, c.Failed, c.Abandoned)
}
