package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
)

const testAPIKey = "0123456789abcdef0123456789abcdef"

// TestComponents checks that the distribution holds every component of builder-config.yaml, with its module.
func TestComponents(t *testing.T) {
	f, err := components()
	require.NoError(t, err)
	require.NotNil(t, f.Telemetry)
	checkFactories(t, "receivers", f.Receivers, f.ReceiverModules, "otlp")
	checkFactories(t, "processors", f.Processors, f.ProcessorModules, "batch", "memory_limiter", "sessions")
	checkFactories(t, "exporters", f.Exporters, f.ExporterModules, "debug", "otlp_grpc", "otlp_http", "bugsnag")
	checkFactories(t, "connectors", f.Connectors, f.ConnectorModules, "sessions")
	checkFactories(t, "extensions", f.Extensions, f.ExtensionModules, "file_storage")
}

func checkFactories[F component.Factory](
	t *testing.T, kind string, factories map[component.Type]F, modules map[component.Type]string, names ...string,
) {
	t.Helper()
	for _, name := range names {
		typ := component.MustNewType(name)
		assert.Contains(t, factories, typ, "%s: no factory for %q", kind, name)
		assert.NotEmpty(t, modules[typ], "%s: no module for %q", kind, name)
	}
}

// TestBinary builds the distribution once and runs it as a user does. The binary fed real traffic, with
// its deliveries checked against replay and under faults, is tested in integration/realfiles and
// integration/faults, on the shared harness of integration/internal/harness.
func TestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping the otelcol-sessions binary tests under -short: they build the distribution (up to a minute)")
	}
	if runtime.GOOS == "windows" {
		t.Skip("skipping the otelcol-sessions binary tests on Windows: they stop the Collector with SIGTERM")
	}
	bin := buildBinary(t)
	t.Run("ValidateExamples", validateExamples(bin))
}

func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "otelcol-sessions")
	start := time.Now()
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	t.Logf("built otelcol-sessions in %s", time.Since(start).Round(time.Millisecond))
	return bin
}

// validateExamples runs `otelcol-sessions validate` on each file of examples/collector.
func validateExamples(bin string) func(*testing.T) {
	return func(t *testing.T) {
		for _, name := range []string{"config.yaml", "bugsnag.yaml"} {
			ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
			path := filepath.Join("..", "..", "examples", "collector", name)
			cmd := exec.CommandContext(ctx, bin, "validate", "--config", path)
			cmd.Env = append(os.Environ(), "BUGSNAG_API_KEY="+testAPIKey)
			out, err := cmd.CombinedOutput()
			cancel()
			assert.NoError(t, err, "validate %s: %s", name, out)
		}
	}
}
