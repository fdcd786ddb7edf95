package examples

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelsessions/otelsessions/integration/internal/harness"
)

// sessionFacts is what the events of one session say about it: whether it crashed, and its final counts.
type sessionFacts struct {
	unhandled           bool
	handled, unhandleds int64
}

// sessionsByID returns the facts of every session d's events name, by session id.
func (d delivered) sessionsByID() map[string]sessionFacts {
	m := map[string]sessionFacts{}
	for _, e := range d.events {
		if e.Session == nil {
			continue
		}
		f := m[e.Session.ID]
		f.unhandled = f.unhandled || e.Unhandled
		f.handled = max(f.handled, e.Session.Events.Handled)
		f.unhandleds = max(f.unhandleds, e.Session.Events.Unhandled)
		m[e.Session.ID] = f
	}
	return m
}

// TestCollectorEqualsSDK runs otelcol-sessions (otlp receiver on HTTP and gRPC → sessions processor →
// bugsnag exporter) and both example services, each exporting every span (sample ratio 1) to it, one over
// OTLP/HTTP and one over OTLP/gRPC, while their own SDK processors deliver to a second capture server. After
// the same load as TestHTTPService and TestGRPCService, the services and then the Collector are stopped with
// SIGTERM: what the Collector delivered must equal what the SDK path delivered, exactly: sessions started
// per release and minute, unhandled and handled sessions and events, the very session ids with their counts,
// and every Notify event field by field.
func TestCollectorEqualsSDK(t *testing.T) {
	httpBin := build(t, "./examples/httpservice")
	grpcBin := build(t, "./examples/grpcservice")
	viaSDK, viaCollector := harness.NewBugsnag(t), harness.NewBugsnag(t)
	cfg := harness.Config{
		HTTPAddr: harness.FreeAddr(t), GRPCAddr: harness.FreeAddr(t),
		SessionsURL: viaCollector.SessionsURL(), NotifyURL: viaCollector.NotifyURL(),
		Wait: 10 * time.Second,
	}
	col := harness.StartCollector(t, cfg.YAML(), harness.KeyEnv)

	httpSvc := start(t, httpBin, []string{"-addr", "127.0.0.1:0"}, append(bugsnagEnv(viaSDK),
		"OTEL_EXPORTER_OTLP_ENDPOINT=http://"+cfg.HTTPAddr, "OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf",
		"OTEL_TRACES_SAMPLER_ARG=1", "OTEL_RESOURCE_ATTRIBUTES=deployment.environment.name=staging")...)
	grpcSvc := start(t, grpcBin, []string{"-addr", "127.0.0.1:0"}, append(bugsnagEnv(viaSDK),
		"OTEL_EXPORTER_OTLP_ENDPOINT=http://"+cfg.GRPCAddr, "OTEL_EXPORTER_OTLP_PROTOCOL=grpc",
		"OTEL_TRACES_SAMPLER_ARG=1")...)
	driveHTTP(t, httpSvc.addr(t))
	driveGRPC(t, grpcSvc.addr(t))
	httpSvc.stop(t) // each exports its last spans to the Collector before it exits
	grpcSvc.stop(t)
	col.Stop(t) // forwards every trace the sessions processor holds, and delivers

	want, got := decode(t, viaSDK), decode(t, viaCollector)
	assert.Equal(t, figures{
		SessionsStarted: 70, SessionsUnhandled: 21, SessionsHandled: 14,
		UnhandledEvents: 21, HandledEvents: 14,
	}, want.figures(), "the SDK path")
	assert.Equal(t, want.figures(), got.figures(), "the Collector against the SDK path")
	wantReleases := map[harness.Release]int64{
		{Version: "1.0.0", Stage: "staging"}:     40,
		{Version: "1.0.0", Stage: "development"}: 30,
	}
	assert.Equal(t, wantReleases, viaSDK.Capture().Releases, "the SDK path's sessions per release")
	assert.Equal(t, wantReleases, viaCollector.Capture().Releases, "the Collector's sessions per release")
	assert.Equal(t, want.sessionsByID(), got.sessionsByID(), "sessions with errors, by id")
	assert.Equal(t, want.sessionCounts(), got.sessionCounts(), "sessions started per app, device and minute")
	assert.Equal(t, notifyEvents(t, viaSDK), notifyEvents(t, viaCollector), "the Notify events, field by field")
}

// sessionCounts sums the sessions started per app, device and minute.
func (d delivered) sessionCounts() map[string]int64 {
	m := map[string]int64{}
	for _, s := range d.sessions {
		for _, sc := range s.SessionCounts {
			key, _ := json.Marshal([]any{s.App, s.Device, sc.StartedAt})
			m[string(key)] += sc.SessionsStarted
		}
	}
	return m
}

// notifyEvents returns every event b accepted, whole, as sorted JSON strings.
func notifyEvents(t *testing.T, b *harness.Bugsnag) []string {
	t.Helper()
	var out []string
	for _, p := range b.Payloads() {
		if p.Path != "/notify" {
			continue
		}
		var n struct{ Events []map[string]any }
		require.NoError(t, json.Unmarshal(p.Body, &n))
		for _, e := range n.Events {
			s, err := json.Marshal(e)
			require.NoError(t, err)
			out = append(out, string(s))
		}
	}
	slices.Sort(out)
	return out
}
