package realfiles

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelsessions/otelsessions/integration/internal/harness"
	"github.com/otelsessions/otelsessions/internal/realdata"
)

// TestRealFilesEqualReplay sends each real recording whole, in one request, to a fresh otelcol-sessions over
// OTLP/HTTP and over OTLP/gRPC (and each OTLP/JSON recording as it is, over OTLP/HTTP), and stops it with
// SIGTERM: the sessions processor holds every trace for 10 s and the summary interval is an hour, so only the
// shutdown flush delivers. The sessions and error events the capture server received must equal replay's
// figures for the same file, exactly, with no payload delivered twice.
func TestRealFilesEqualReplay(t *testing.T) {
	harness.BuildCollector(t) // skip under -short before reading ../shared
	for _, rel := range realdata.Files(t) {
		path := realdata.File(t, rel)
		want := harness.ReplayFigures(t, path)
		name := strings.TrimSuffix(filepath.Base(rel), filepath.Ext(rel))
		protos := []string{"http", "grpc"}
		if strings.HasPrefix(rel, "otlp-json/") {
			protos = append(protos, "http-json")
		}
		for _, proto := range protos {
			t.Run(name+"/"+proto, func(t *testing.T) {
				t.Parallel()
				got := deliver(t, path, proto)
				t.Logf("replay: %d sessions (%d unhandled, %d handled), %d handled and %d unhandled events, "+
					"%d in sessions", want.SessionsStarted, want.SessionsUnhandled, want.SessionsHandled,
					want.HandledEvents, want.UnhandledEvents, want.EventsInSessions)
				assert.Equal(t, want.SessionsStarted, got.SessionsStarted, "sessionsStarted summed")
				assert.Equal(t, want.Releases, releasesOrNil(got.Releases), "sessionsStarted per release")
				assert.EqualValues(t, want.Events(), got.Events, "error events")
				assert.EqualValues(t, want.UnhandledEvents, got.UnhandledEvents, "unhandled error events")
				assert.EqualValues(t, want.HandledEvents, got.HandledEvents, "handled error events")
				assert.EqualValues(t, want.EventsInSessions, got.EventsInSessions, "error events in a session")
				assert.Zero(t, got.DuplicatePayloads, "payloads delivered twice")
				assert.Zero(t, got.BadKeys, "requests without the configured API key")
				assert.Zero(t, got.Malformed, "requests the capture server could not read")
			})
		}
	}
}

// deliver runs one Collector, sends the file over proto, stops the Collector and returns the capture.
// "http" and "grpc" send what internal/tracefile read, as OTLP protobuf in one request; "http-json" posts
// an OTLP/JSON file as it is, as curl would, one request per line of a JSON Lines file (all within the
// sessions processor's wait, so no trace is split across it).
func deliver(t *testing.T, path, proto string) harness.Capture {
	t.Helper()
	bs := harness.NewBugsnag(t)
	cfg := harness.Config{SessionsURL: bs.SessionsURL(), NotifyURL: bs.NotifyURL(), Wait: 10 * time.Second}
	if proto == "grpc" {
		cfg.GRPCAddr = harness.FreeAddr(t)
	} else {
		cfg.HTTPAddr = harness.FreeAddr(t)
	}
	col := harness.StartCollector(t, cfg.YAML(), harness.KeyEnv)
	switch proto {
	case "http":
		harness.SendOTLPHTTP(t, cfg.HTTPAddr, harness.ReadTraces(t, path))
	case "grpc":
		harness.SendOTLPGRPC(t, cfg.GRPCAddr, harness.ReadTraces(t, path))
	default:
		postJSON(t, cfg.HTTPAddr, path)
	}
	col.Stop(t)
	require.NotContains(t, col.Logs(), harness.APIKey, "the API key must never be logged")
	return bs.Capture()
}

// postJSON posts an OTLP/JSON file as it is, or each line of a JSON Lines file.
func postJSON(t *testing.T, addr, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	if !strings.HasSuffix(path, ".jsonl") {
		harness.SendOTLPHTTPJSON(t, addr, data)
		return
	}
	for line := range bytes.Lines(data) {
		if len(bytes.TrimSpace(line)) > 0 {
			harness.SendOTLPHTTPJSON(t, addr, line)
		}
	}
}

// releasesOrNil makes an empty map comparable with replay's empty map.
func releasesOrNil(m map[harness.Release]int64) map[harness.Release]int64 {
	if m == nil {
		return map[harness.Release]int64{}
	}
	return m
}
