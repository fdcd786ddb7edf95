package harness

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// TelemetryYAML is the service.telemetry section of a Collector configuration, indented by two spaces: with
// metricsAddr (127.0.0.1:port) it serves the Collector's own metrics for Prometheus there; with "" it switches
// them off, so that no Collector of a test listens on the default port 8888.
func TelemetryYAML(metricsAddr string) string {
	const off = "  telemetry:\n    metrics:\n      level: none\n"
	host, port, err := net.SplitHostPort(metricsAddr)
	if metricsAddr == "" || err != nil {
		return off
	}
	return fmt.Sprintf("  telemetry:\n    metrics:\n      level: basic\n      readers:\n        - pull:\n"+
		"            exporter:\n              prometheus:\n                host: %s\n                port: %s\n",
		host, port)
}

// AcceptedSpans reads the metrics a Collector serves at metricsAddr (see Config.MetricsAddr) and sums
// otelcol_receiver_accepted_spans: the spans its receivers accepted and handed to their pipelines. It
// returns an error while the endpoint does not answer.
func AcceptedSpans(ctx context.Context, metricsAddr string) (int64, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+metricsAddr+"/metrics", http.NoBody)
	if err != nil {
		return 0, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("GET %s/metrics: status %d", metricsAddr, resp.StatusCode)
	}
	var sum float64
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "otelcol_receiver_accepted_spans") {
			continue
		}
		fields := strings.Fields(line)
		v, err := strconv.ParseFloat(fields[len(fields)-1], 64)
		if err != nil {
			return 0, fmt.Errorf("metrics of %s: %q: %w", metricsAddr, line, err)
		}
		sum += v
	}
	return int64(sum), sc.Err()
}
