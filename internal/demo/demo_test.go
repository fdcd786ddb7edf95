package demo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelsessions/otelsessions/session"
)

// TestIssueFigures is the acceptance case of issue 3: 1000 requests, a handled rate of 0.1 and an
// unhandled rate of 0.02, seed 7, give 1000 sessions, 100 handled and 20 unhandled ones with one event
// each, whatever the sample ratio; the span exporter gets about that share of the traces.
func TestIssueFigures(t *testing.T) {
	for _, ratio := range []float64{1, 0.1, 0} {
		t.Run(fmt.Sprint("sample ratio ", ratio), func(t *testing.T) {
			res, err := Run(t.Context(), Options{
				Requests: 1000, HandledRate: 0.1, UnhandledRate: 0.02, Seed: 7, SampleRatio: ratio,
			})
			require.NoError(t, err)
			rep := res.JSON()
			assert.Equal(t, int64(1000), rep.SessionsStarted)
			assert.Equal(t, int64(100), rep.SessionsHandled)
			assert.Equal(t, int64(100), rep.HandledEvents)
			assert.Equal(t, int64(20), rep.SessionsUnhandled)
			assert.Equal(t, int64(20), rep.UnhandledEvents)
			assert.Zero(t, rep.ErrorsOutsideSessions)
			require.NotNil(t, rep.Stability)
			assert.InDelta(t, 0.98, *rep.Stability, 1e-9)
			assert.Equal(t, int64(1000), rep.Traces)
			assert.Equal(t, int64(980*4+20*2), rep.Spans, "4 spans an order, 2 when it panics")
			assert.InDelta(t, ratio*1000, float64(rep.ExportedTraces), 40)
			assert.Equal(t, LoadStats{Answered: 980, Crashed: 20}, res.Load)
			require.Len(t, rep.Releases, 1)
			assert.Equal(t, ServiceName, rep.Releases[0].Service)
			assert.Equal(t, ServiceVersion, rep.Releases[0].Version)
			assert.Equal(t, ReleaseStage, rep.Releases[0].ReleaseStage)
		})
	}
}

// TestSeedReproducesSampling checks that a seed gives the same exported traces however requests interleave.
func TestSeedReproducesSampling(t *testing.T) {
	var exported []int64
	for range 2 {
		res, err := Run(t.Context(), Options{Requests: 300, Seed: 3, SampleRatio: 0.5, Concurrency: 4})
		require.NoError(t, err)
		exported = append(exported, res.ExportedTraces)
	}
	assert.Equal(t, exported[0], exported[1])
}

// flushLine reads a flush line: the minute and its figures so far.
var flushLine = regexp.MustCompile(`minute (\S+)  (.+)  started (\d+)  unhandled (\d+)  handled (\d+)  stability`)

// TestFlushesPrintPerMinuteSummaries checks that flushes print each minute's figures so far: the last line
// of each minute adds up to the totals.
func TestFlushesPrintPerMinuteSummaries(t *testing.T) {
	var out bytes.Buffer
	res, err := Run(t.Context(), Options{
		Requests: 200, UnhandledRate: 0.5, SampleRatio: 1, Progress: &out, FlushEvery: time.Millisecond,
	})
	require.NoError(t, err)
	last := map[string]session.Counts{}
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		m := flushLine.FindStringSubmatch(line)
		require.NotNil(t, m, line)
		assert.Equal(t, ServiceName+" "+ServiceVersion+" "+ReleaseStage, m[2])
		last[m[1]] = session.Counts{Started: atoi(t, m[3]), Unhandled: atoi(t, m[4]), Handled: atoi(t, m[5])}
	}
	var sum session.Counts
	for _, c := range last {
		sum.Add(c)
	}
	total := res.Summary.Total()
	assert.Equal(t, session.Counts{Started: total.Started, Unhandled: total.Unhandled}, sum)
	assert.Equal(t, int64(100), sum.Unhandled)
}

func atoi(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	require.NoError(t, err)
	return n
}

func TestWriteJSONHasReplaysNames(t *testing.T) {
	res, err := Run(t.Context(), Options{Requests: 10, HandledRate: 0.2, SampleRatio: 1})
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, res.WriteJSON(&buf))
	var got map[string]any
	require.NoError(t, json.Unmarshal(buf.Bytes(), &got))
	for _, name := range []string{
		"spans", "traces", "sessionsStarted", "sessionsHandled", "sessionsUnhandled", "handledEvents",
		"unhandledEvents", "errorsOutsideSessions", "stability", "releases", "minutes",
	} {
		assert.Contains(t, got, name)
	}
	buf.Reset()
	require.NoError(t, res.WriteTable(&buf))
	assert.Contains(t, buf.String(), "TOTAL")
	assert.Contains(t, buf.String(), "the span exporter got")
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{name: "negative requests", opts: Options{Requests: -1}, want: "--requests"},
		{name: "handled rate above 1", opts: Options{Requests: 1, HandledRate: 1.5}, want: "--handled-rate"},
		{name: "NaN unhandled rate", opts: Options{Requests: 1, UnhandledRate: nan()}, want: "--unhandled-rate"},
		{name: "negative sample ratio", opts: Options{Requests: 1, SampleRatio: -0.1}, want: "--sample-ratio"},
		{
			name: "rates over the requests", opts: Options{Requests: 10, HandledRate: 0.6, UnhandledRate: 0.5},
			want: "ask for 6 and 5 of 10",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.opts.Validate()
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
	ok := Options{Requests: 10, HandledRate: 0.5, UnhandledRate: 0.5, SampleRatio: 1}
	require.NoError(t, ok.Validate())
}

// TestPlanIsExact checks that exactly round(h·N) requests record a handled error and round(u·N) others
// panic.
func TestPlanIsExact(t *testing.T) {
	opts := Options{Requests: 999, HandledRate: 0.1, UnhandledRate: 0.0205, Seed: 1}
	counts := map[outcome]int{}
	for _, o := range opts.plan() {
		counts[o]++
	}
	assert.Equal(t, map[outcome]int{outcomeOK: 999 - 100 - 20, outcomeHandled: 100, outcomePanic: 20}, counts)
}

func nan() float64 {
	var zero float64
	return zero / zero
}
