package sessionsconnector

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelsessions/otelsessions/internal/realdata"
	"github.com/otelsessions/otelsessions/internal/replay"
	"github.com/otelsessions/otelsessions/internal/tracefile"
)

// TestRealRecordingAsOneBatch sends a whole real recording as a single batch and checks that the summed
// metric values are replay's figures for it, in total and per service.
func TestRealRecordingAsOneBatch(t *testing.T) {
	path := realdata.File(t, "otlp-json/otel-tui__test_data.traces-only.jsonl")
	td := readFile(t, path)
	sc, sink := newTestConnector(t, &Config{Dimensions: []string{"http.route"}, MaxDimensionValues: 1000}, nil)
	require.NoError(t, sc.ConsumeTraces(t.Context(), td))
	mds := sink.AllMetrics()

	assert.Equal(t, int64(270), sumOf(mds, MetricSessionsStarted, nil))
	assert.Equal(t, int64(44), sumOf(mds, MetricSessionsUnhandled, nil))
	assert.Equal(t, int64(0), sumOf(mds, MetricSessionsHandled, nil))
	for service, want := range map[string]int64{
		"frontend": 128, "frontend-proxy": 75, "productcatalogservice": 40, "flagd": 10, "adservice": 9,
		"checkoutservice": 4, "recommendationservice": 4,
	} {
		assert.Equal(t, want, sumOf(mds, MetricSessionsStarted, serviceIs(service)), service)
	}
	assert.Zero(t, sumOf(mds, MetricSessionsStarted, attrIs(attrOverflow, "true")))

	res, err := replay.Run(t.Context(), []string{path}, replay.Options{})
	require.NoError(t, err)
	rep := res.JSON()
	assert.Equal(t, rep.SessionsStarted, sumOf(mds, MetricSessionsStarted, nil))
	assert.Equal(t, rep.SessionsUnhandled, sumOf(mds, MetricSessionsUnhandled, nil))
	assert.Equal(t, rep.SessionsHandled, sumOf(mds, MetricSessionsHandled, nil))
	assert.Equal(t, rep.HandledEvents+rep.UnhandledEvents+rep.ErrorsOutsideSessions, sumOf(mds, MetricErrors, nil))
	perService := map[string]int64{}
	for _, r := range rep.Releases {
		perService[r.Service] += r.SessionsStarted
	}
	for service, want := range perService {
		assert.Equal(t, want, sumOf(mds, MetricSessionsStarted, serviceIs(service)), service)
	}
}

// readFile reads a recording into one batch.
func readFile(t *testing.T, path string) ptrace.Traces {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	all := ptrace.NewTraces()
	_, err = tracefile.Read(path, f, func(td ptrace.Traces) {
		td.ResourceSpans().MoveAndAppendTo(all.ResourceSpans())
	})
	require.NoError(t, err)
	require.Positive(t, all.SpanCount())
	return all
}
