package examples

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelsessions/otelsessions/integration/internal/harness"
)

// workerJobs returns the test's jobs for examples/worker, "USER KIND" lines: per user u-N, ok for most,
// flaky (a handled error, then success) for every fourth, crash (a panic) for every fifth.
func workerJobs(n int) (lines []string, kinds map[string]string) {
	kinds = map[string]string{}
	for i := range n {
		user, kind := fmt.Sprintf("u-%d", i), "ok"
		switch {
		case i%5 == 4:
			kind = "crash"
		case i%4 == 3:
			kind = "flaky"
		}
		kinds[user] = kind
		lines = append(lines, user+" "+kind+"\n")
	}
	return lines, kinds
}

// TestWorker runs examples/worker against a capture server, feeds it 20 jobs on its standard input (4 that
// crash, 4 flaky ones that fail once, 12 fine), waits until it has done them all, stops it with SIGTERM while
// its input is still open, and checks that it exits 0 after delivering one session per job, with the job's
// user and the worker's app type, and one event per failure.
func TestWorker(t *testing.T) {
	bin := build(t, "./examples/worker")
	capture := harness.NewBugsnag(t)
	w := start(t, bin, nil, bugsnagEnv(capture)...)

	lines, kinds := workerJobs(20)
	for _, l := range lines {
		_, err := io.WriteString(w.stdin, l)
		require.NoError(t, err)
	}
	w.waitForLogs(t, "job done", 16)
	w.waitForLogs(t, "job crashed", 4)
	w.stop(t)

	d := decode(t, capture)
	assert.Equal(t, figures{
		SessionsStarted: 20, SessionsUnhandled: 4, SessionsHandled: 4,
		UnhandledEvents: 4, HandledEvents: 4,
	}, d.figures())
	// An OnSession callback amends the session, as Bugsnag's notifiers' session callbacks do: the app.type the
	// worker sets reaches the Sessions payloads; error events take app and device from their span's resource.
	checkApp(t, d, wireApp{Version: "1.0.0", ReleaseStage: "development", Type: "worker"},
		wireApp{Version: "1.0.0", ReleaseStage: "development"})
	checkSeverity(t, d)
	for _, e := range d.events {
		require.NotNil(t, e.Session, "an event outside a session")
		require.NotNil(t, e.User, "an event without the job's user")
		want := map[bool]string{true: "crash", false: "flaky"}[e.Unhandled]
		assert.Equal(t, want, kinds[e.User.ID], "the kind of job of user %s", e.User.ID)
		require.Len(t, e.Exceptions, 1)
		if e.Unhandled {
			assert.Equal(t, "job payload: index out of range", e.Exceptions[0].Message)
			assert.Equal(t, "job crash", e.Context)
			continue
		}
		assert.Equal(t, "storage timeout", e.Exceptions[0].Message)
		assert.Equal(t, "attempt", e.Context)
	}
	assert.Len(t, d.sessionIDs(), 8, "every failed job in a session of its own")
	assert.NotContains(t, w.logs.String(), harness.APIKey, "the API key in the worker's logs")
}

// TestWorkerEndOfInput checks that examples/worker, at the end of its input, delivers everything and exits 0
// by itself.
func TestWorkerEndOfInput(t *testing.T) {
	bin := build(t, "./examples/worker")
	capture := harness.NewBugsnag(t)
	lines, _ := workerJobs(10)
	w := start(t, bin, nil, bugsnagEnv(capture)...)
	_, err := io.WriteString(w.stdin, strings.Join(lines, ""))
	require.NoError(t, err)
	require.NoError(t, w.stdin.Close())
	w.wait(t)

	d := decode(t, capture)
	assert.Equal(t, figures{
		SessionsStarted: 10, SessionsUnhandled: 2, SessionsHandled: 2,
		UnhandledEvents: 2, HandledEvents: 2,
	}, d.figures())
}
