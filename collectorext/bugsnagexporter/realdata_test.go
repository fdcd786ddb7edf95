package bugsnagexporter

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/otelsessions/otelsessions/collectorext/bugsnagexporter/internal/metadata"
	"github.com/otelsessions/otelsessions/internal/realdata"
	"github.com/otelsessions/otelsessions/internal/replay"
	"github.com/otelsessions/otelsessions/internal/tracefile"
)

// TestRealRecordingDelivered sends real recordings, whose batches each hold whole traces, through the
// exporter to an httptest Bugsnag: the sessions it receives add up to replay's sessionsStarted, its error
// events to replay's, and no log line holds the API key.
func TestRealRecordingDelivered(t *testing.T) {
	for _, rel := range []string{"jaeger-json/valitydev-hellgate__jaeger.json", "otlp-json/highlight__fs.json"} {
		t.Run(rel, func(t *testing.T) {
			path := realdata.File(t, rel)
			res, err := replay.Run(t.Context(), []string{path}, replay.Options{})
			require.NoError(t, err)
			want := res.JSON()
			require.Positive(t, want.SessionsStarted)

			fb := newFakeBugsnag(t)
			core, logs := observer.New(zapcore.DebugLevel)
			set := exportertest.NewNopSettings(metadata.Type)
			set.Logger = zap.New(core)
			ex, err := NewFactory().CreateTraces(t.Context(), set, fb.configFor(testKey))
			require.NoError(t, err)
			require.NoError(t, ex.Start(t.Context(), componenttest.NewNopHost()))

			f, err := os.Open(path)
			require.NoError(t, err)
			defer f.Close()
			_, err = tracefile.Read(path, f, func(td ptrace.Traces) {
				// The sending queue keeps td after ConsumeTraces returns: give it a copy of its own.
				own := ptrace.NewTraces()
				td.CopyTo(own)
				assert.NoError(t, ex.ConsumeTraces(t.Context(), own))
			})
			require.NoError(t, err)
			require.NoError(t, ex.Shutdown(t.Context()))

			assert.Equal(t, want.SessionsStarted, fb.sessionsOf(testKey))
			assert.Equal(t, want.HandledEvents+want.UnhandledEvents+want.ErrorsOutsideSessions, fb.eventsOf(testKey))
			require.NotZero(t, logs.Len())
			for _, e := range logs.All() {
				line := e.Message + fmt.Sprint(e.ContextMap())
				if strings.Contains(line, testKey) {
					t.Errorf("the API key is in the log line %q", e.Message) // the key itself is never printed
				}
			}
		})
	}
}
