package scaleout

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// telemetryYAML is the service.telemetry section of a Collector whose own metrics are served for Prometheus
// on addr (127.0.0.1:port).
func telemetryYAML(t *testing.T, addr string) string {
	t.Helper()
	host, port, ok := strings.Cut(addr, ":")
	if !ok {
		t.Fatalf("not host:port: %q", addr)
	}
	return fmt.Sprintf("  telemetry:\n    metrics:\n      level: basic\n      readers:\n        - pull:\n"+
		"            exporter:\n              prometheus:\n                host: %s\n                port: %s\n",
		host, port)
}

// acceptedSpans scrapes the Collector metrics served on addr and sums otelcol_receiver_accepted_spans: the
// spans its receivers accepted and handed to the pipeline. It returns an error while the endpoint is not up.
func acceptedSpans(ctx context.Context, addr string) (int64, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/metrics", http.NoBody)
	if err != nil {
		return 0, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("GET %s/metrics: status %d", addr, resp.StatusCode)
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
			return 0, fmt.Errorf("metrics of %s: %q: %w", addr, line, err)
		}
		sum += v
	}
	return int64(sum), sc.Err()
}
