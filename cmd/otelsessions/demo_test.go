package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDemoIssueFigures runs the command of issue 3 in-process: `demo --requests 1000 --handled-rate 0.1
// --unhandled-rate 0.02 --seed 7 --format json` prints one JSON object with replay's names and the
// figures the issue gives, with any sample ratio.
func TestDemoIssueFigures(t *testing.T) {
	for _, ratio := range []string{"1", "0.25"} {
		t.Run("sample ratio "+ratio, func(t *testing.T) {
			code, out, errOut := runCmd(t, nil, "demo", "--requests", "1000", "--handled-rate", "0.1",
				"--unhandled-rate", "0.02", "--seed", "7", "--sample-ratio", ratio, "--format", "json")
			require.Equal(t, exitOK, code, errOut)
			r := decode(t, out)
			assert.Equal(t, int64(1000), r.SessionsStarted)
			assert.Equal(t, int64(100), r.SessionsHandled)
			assert.Equal(t, int64(100), r.HandledEvents)
			assert.Equal(t, int64(20), r.SessionsUnhandled)
			assert.Equal(t, int64(20), r.UnhandledEvents)
			assert.Zero(t, r.ErrorsOutsideSessions)
			require.NotNil(t, r.Stability)
			assert.InDelta(t, 0.98, *r.Stability, 1e-9)
			assert.Equal(t, int64(1000), r.Traces)
			require.Len(t, r.Releases, 1)
			assert.Equal(t, "otelsessions-demo", r.Releases[0].Service)
			assert.NotEmpty(t, r.Minutes)
			assert.Contains(t, errOut, "flushed ", "the per-minute summaries go to standard error with JSON")
		})
	}
}

func TestDemoTable(t *testing.T) {
	code, out, errOut := runCmd(t, nil, "demo", "--requests", "50", "--unhandled-rate", "0.1")
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "flushed ")
	assert.Contains(t, out, "TOTAL")
	assert.Contains(t, out, "90.00%")
}

func TestDemoBadUsage(t *testing.T) {
	for _, args := range [][]string{
		{"--format", "yaml"},
		{"--handled-rate", "2"},
		{"--requests", "10", "--handled-rate", "0.6", "--unhandled-rate", "0.6"},
		{"extra"},
		{"--no-such-flag"},
	} {
		code, _, errOut := runCmd(t, nil, append([]string{"demo"}, args...)...)
		assert.Equal(t, exitBadUsage, code, strings.Join(args, " "))
		assert.NotEmpty(t, errOut)
	}
	code, _, errOut := runCmd(t, nil, "demo", "-h")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, errOut, "-sample-ratio")
}
