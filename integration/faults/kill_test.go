package faults

import (
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/otelsessions/otelsessions/integration/internal/harness"
)

// stored matches exporterhelper's start-up line when its persistent queue holds batches that were taken
// out for sending but not finished (dispatchedItems) or never taken out (itemsSize).
var stored = regexp.MustCompile(`Loaded queue metadata.*("dispatchedItems": [1-9]|"itemsSize": [1-9])`)

// TestCollectorKill: while the endpoint refuses connections, batches wait in a sending_queue kept by the
// file_storage extension; the Collector is killed with SIGKILL and started again on the same storage, and
// once the endpoint recovers every session and error event arrives exactly once.
func TestCollectorKill(t *testing.T) {
	t.Parallel()
	harness.BuildCollector(t)
	bs := harness.NewBugsnag(t)
	bs.SetFault(harness.FaultRefuse)
	cfg := harness.Config{
		HTTPAddr: harness.FreeAddr(t), SessionsURL: bs.SessionsURL(), NotifyURL: bs.NotifyURL(),
		SummaryInterval: time.Second,
		Exporter:        fastRetry + "    sending_queue:\n      storage: file_storage\n",
		Extensions:      map[string]string{"file_storage": "    directory: " + t.TempDir() + "\n"},
	}

	first := harness.StartCollector(t, cfg.YAML(), harness.KeyEnv)
	var s sent
	for range 3 {
		s.send(t, cfg.HTTPAddr)
	}
	waitFor(t, 30*time.Second, "the exporter meets refused connections", func() bool {
		return containsAfter(first.Logs(), 0, "connection refused")
	})
	first.Kill(t)

	second := harness.StartCollector(t, cfg.YAML(), harness.KeyEnv)
	assert.Regexp(t, stored, second.Logs(), "the restarted Collector finds the batches in its persistent queue")
	s.send(t, cfg.HTTPAddr)
	bs.SetFault(harness.FaultNone)
	want := s.figures()
	waitDelivered(t, bs, want, time.Minute)
	second.Stop(t)

	got := bs.Capture()
	t.Log(describe(got))
	assertExact(t, want, got)
	assert.NotContains(t, first.Logs()+second.Logs(), harness.APIKey, "the API key must never be logged")
}
