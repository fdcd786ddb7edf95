package faults

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/otelsessions/otelsessions/integration/internal/harness"
)

// TestCustomCA: the endpoint serves TLS with a certificate of its own CA. With that CA as the exporter's
// http.tls.ca_file everything is delivered exactly; without it nothing is, and the log says why without
// ever showing the API key.
func TestCustomCA(t *testing.T) {
	t.Parallel()
	harness.BuildCollector(t)

	t.Run("TrustedCA", func(t *testing.T) {
		t.Parallel()
		bs := harness.NewBugsnagTLS(t)
		cfg := harness.Config{
			HTTPAddr: harness.FreeAddr(t), SessionsURL: bs.SessionsURL(), NotifyURL: bs.NotifyURL(),
			Exporter: "    http:\n      tls:\n        ca_file: " + bs.CAFile() + "\n",
		}
		col := harness.StartCollector(t, cfg.YAML(), harness.KeyEnv)
		var s sent
		s.send(t, cfg.HTTPAddr)
		col.Stop(t)
		got := bs.Capture()
		t.Log(describe(got))
		assertExact(t, s.figures(), got)
		assert.NotContains(t, col.Logs(), harness.APIKey, "the API key must never be logged")
	})

	t.Run("UnknownCA", func(t *testing.T) {
		t.Parallel()
		bs := harness.NewBugsnagTLS(t)
		cfg := harness.Config{
			HTTPAddr: harness.FreeAddr(t), SessionsURL: bs.SessionsURL(), NotifyURL: bs.NotifyURL(),
			SummaryInterval: time.Second, Exporter: fastRetry,
		}
		col := harness.StartCollector(t, cfg.YAML(), harness.KeyEnv)
		var s sent
		s.send(t, cfg.HTTPAddr)
		const why = "certificate signed by unknown authority"
		waitFor(t, 30*time.Second, "a delivery failure naming the certificate in the log", func() bool {
			return strings.Contains(col.Logs(), why)
		})
		col.Kill(t)
		got := bs.Capture()
		assert.Zero(t, got.SessionsStarted+int64(got.Events),
			"nothing reaches an endpoint the Collector does not trust")
		assert.Zero(t, got.BadKeys)
		assert.NotContains(t, col.Logs(), harness.APIKey, "the API key must never be logged")
		for _, line := range strings.Split(col.Logs(), "\n") {
			if strings.Contains(line, why) {
				t.Logf("the log says: %s", line[:min(len(line), 400)])
				break
			}
		}
	})
}
