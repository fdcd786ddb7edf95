package harness

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// Config describes the usual test pipeline: otlp receivers → sessions processor → bugsnag exporter.
type Config struct {
	// HTTPAddr and GRPCAddr are the OTLP receivers' endpoints (from FreeAddr); an empty one is not
	// configured, and one of them must be set.
	HTTPAddr, GRPCAddr string
	// SessionsURL and NotifyURL are the bugsnag exporter's endpoints, such as Bugsnag.SessionsURL().
	SessionsURL, NotifyURL string
	// Wait is the sessions processor's wait (0: forward each batch at once).
	Wait time.Duration
	// MaxWait is the sessions processor's max_wait, how long spans whose ancestry is missing are held at
	// most; 0 leaves the processor's default.
	MaxWait time.Duration
	// SummaryInterval is the bugsnag exporter's; 0 means an hour, so that only Stop's flush delivers.
	SummaryInterval time.Duration
	// Exporter holds more YAML lines for the bugsnag exporter, indented by four spaces, such as
	// "    retry_on_failure:\n      initial_interval: 100ms\n".
	Exporter string
	// MetricsAddr, when set (from FreeAddr), serves the Collector's own metrics for Prometheus at
	// http://MetricsAddr/metrics, as AcceptedSpans reads them; empty switches them off.
	MetricsAddr string
	// Extensions holds the YAML of the extensions section's entries, indented by two spaces; each is
	// enabled in the service.
	Extensions map[string]string
}

// YAML returns the configuration file. The API key is read from the environment variable BUGSNAG_API_KEY,
// which StartCollector's caller sets to APIKey ("BUGSNAG_API_KEY="+APIKey).
func (c Config) YAML() string {
	var b strings.Builder
	b.WriteString("receivers:\n  otlp:\n    protocols:\n")
	if c.HTTPAddr != "" {
		fmt.Fprintf(&b, "      http:\n        endpoint: %s\n", c.HTTPAddr)
	}
	if c.GRPCAddr != "" {
		fmt.Fprintf(&b, "      grpc:\n        endpoint: %s\n", c.GRPCAddr)
	}
	fmt.Fprintf(&b, "processors:\n  sessions:\n    wait: %s\n", c.Wait)
	if c.MaxWait > 0 {
		fmt.Fprintf(&b, "    max_wait: %s\n", c.MaxWait)
	}
	interval := c.SummaryInterval
	if interval == 0 {
		interval = time.Hour
	}
	fmt.Fprintf(&b, "exporters:\n  bugsnag:\n    api_key: ${env:BUGSNAG_API_KEY}\n"+
		"    sessions_endpoint: %s\n    notify_endpoint: %s\n    summary_interval: %s\n%s",
		c.SessionsURL, c.NotifyURL, interval, c.Exporter)
	var names []string
	if len(c.Extensions) > 0 {
		b.WriteString("extensions:\n")
		for _, name := range slices.Sorted(maps.Keys(c.Extensions)) {
			fmt.Fprintf(&b, "  %s:\n%s", name, c.Extensions[name])
			names = append(names, name)
		}
	}
	b.WriteString("service:\n")
	b.WriteString(TelemetryYAML(c.MetricsAddr))
	if len(names) > 0 {
		fmt.Fprintf(&b, "  extensions: [%s]\n", strings.Join(names, ", "))
	}
	b.WriteString("  pipelines:\n    traces:\n      receivers: [otlp]\n      processors: [sessions]\n" +
		"      exporters: [bugsnag]\n")
	return b.String()
}

// KeyEnv is the environment entry that gives the Collector the API key Config.YAML reads.
const KeyEnv = "BUGSNAG_API_KEY=" + APIKey
