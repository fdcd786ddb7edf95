package exporter

import (
	"bufio"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zapcore"

	"github.com/otelsessions/otelsessions/session"
)

func TestDisabledReleaseStageSendsNothingAlsoAtShutdown(t *testing.T) {
	f := newFakeBugsnag(t, nil)
	var summary lockedBuffer
	x := testExporter(t, f, WithEnabledReleaseStages("production"), WithSummaryWriter(&summary))
	staging := session.App{Version: "2.0.0", ReleaseStage: "staging"}
	start := func(n int) {
		for range n {
			s := newSession("shop", staging, webDevice, t0)
			x.SessionStarted(s)
			x.ErrorEvent(session.Event{Session: s, Counts: s.AddEvent(true), Unhandled: true, App: staging})
		}
	}
	start(3)
	require.NoError(t, x.ForceFlush(t.Context()))
	start(2) // only the final flush of Shutdown sees these
	require.NoError(t, x.Shutdown(t.Context()))

	assert.Empty(t, f.requests(""), "a disabled stage sends nothing, at a flush or at shutdown")
	assert.Equal(t, Stats{
		SessionsCounted: 5, SessionsSkipped: 5, EventsCounted: 5, EventsSkipped: 5,
	}, x.Stats(), "counting goes on")
	var got []summaryJSON
	sc := bufio.NewScanner(strings.NewReader(summary.String()))
	for sc.Scan() {
		var obj summaryJSON
		require.NoError(t, json.Unmarshal(sc.Bytes(), &obj))
		got = append(got, obj)
	}
	require.Len(t, got, 2, "one summary per flush, the disabled stage included")
	last := got[1].Groups[0]
	assert.Equal(t, "staging", last.ReleaseStage)
	assert.Equal(t, int64(5), last.Minutes[0].SessionsStarted)
	assert.Equal(t, int64(5), last.Minutes[0].SessionsUnhandled)
}

func TestEnabledReleaseStageIsSent(t *testing.T) {
	f := newFakeBugsnag(t, nil)
	x := testExporter(t, f, WithEnabledReleaseStages("staging", "production"))
	x.SessionStarted(newSession("shop", session.App{ReleaseStage: "staging"}, webDevice, t0))
	x.SessionStarted(newSession("shop", session.App{}, webDevice, t0)) // no stage: sent as "production"
	x.SessionStarted(newSession("shop", session.App{ReleaseStage: "qa"}, webDevice, t0))
	require.NoError(t, x.ForceFlush(t.Context()))
	var stages []any
	for _, r := range f.accepted("/sessions") {
		stages = append(stages, decodeSessions(t, r).App["releaseStage"])
	}
	assert.ElementsMatch(t, []any{"staging", "production"}, stages)
	assert.Equal(t, int64(1), x.Stats().SessionsSkipped)
}

func TestCustomNotifyEndpointAloneDisablesSessionsWithOneWarning(t *testing.T) {
	f := newFakeBugsnag(t, nil)
	log, logs := observed()
	x, err := New(testKey, WithNotifyEndpoint(f.URL+"/notify"), WithLogger(log), WithSummaryInterval(time.Hour))
	require.NoError(t, err)
	for range 3 {
		s := newSession("shop", webApp, webDevice, t0)
		x.SessionStarted(s)
		x.ErrorEvent(unhandledEvent(s))
	}
	require.NoError(t, x.ForceFlush(t.Context()))
	require.NoError(t, x.Shutdown(t.Context()))

	assert.Empty(t, f.requests("/sessions"))
	require.Len(t, f.accepted("/notify"), 1, "events still go to the custom endpoint")
	assert.Equal(t, Stats{SessionsCounted: 3, SessionsSkipped: 3, EventsCounted: 3, EventsSent: 3}, x.Stats(),
		"no sessions payload is ever built, so nothing can reach the public host")
	warnings := logs.FilterLevelExact(zapcore.WarnLevel).All()
	require.Len(t, warnings, 1)
	assert.Equal(t, "custom notify endpoint with the default sessions endpoint: session delivery is disabled",
		warnings[0].Message)
	assert.Equal(t, map[string]any{"notify_endpoint": f.URL + "/notify"}, warnings[0].ContextMap())
}

func TestConfigValidation(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []Option
		want string
	}{
		{
			"custom sessions alone",
			[]Option{WithSessionsEndpoint("https://sessions.example.com")},
			"a custom sessions endpoint needs a custom notify endpoint too",
		},
		{
			"relative endpoint",
			[]Option{WithNotifyEndpoint("/notify"), WithSessionsEndpoint("/sessions")},
			`exporter: sessions endpoint "/sessions" must be an absolute http or https URL`,
		},
		{
			"bad scheme",
			[]Option{WithNotifyEndpoint("ftp://n.example.com"), WithSessionsEndpoint("https://s.example.com")},
			`exporter: notify endpoint "ftp://n.example.com" must be an absolute http or https URL`,
		},
		{
			"unparsable",
			[]Option{WithNotifyEndpoint("https://n.example.com/%zz"), WithSessionsEndpoint("https://s.example.com")},
			"exporter: notify endpoint: parse",
		},
		{"interval", []Option{WithSummaryInterval(0)}, "exporter: summary interval must be positive"},
		{"timeout", []Option{WithRequestTimeout(-time.Second)}, "exporter: request timeout must be positive"},
		{"queue", []Option{WithQueueSize(0)}, "exporter: queue size must be positive"},
		{"buffer", []Option{WithEventBufferSize(0)}, "exporter: event buffer size must be positive"},
		{"batch", []Option{WithMaxEventsPerRequest(0)}, "exporter: max events per request must be positive"},
		{
			"retry interval",
			[]Option{WithRetry(RetryConfig{Enabled: true, MaxInterval: time.Second})},
			"exporter: retry initial interval must be positive",
		},
		{
			"retry max",
			[]Option{WithRetry(RetryConfig{Enabled: true, InitialInterval: time.Second})},
			"exporter: retry max interval must not be below the initial interval",
		},
		{"retry elapsed", []Option{WithRetry(RetryConfig{
			Enabled: true, InitialInterval: time.Second, MaxInterval: time.Second, MaxElapsedTime: -1,
		})}, "exporter: retry max elapsed time must not be negative"},
		{
			"empty stage",
			[]Option{WithEnabledReleaseStages("production", "")},
			"exporter: enabled release stages must not contain an empty stage",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x, err := New(testKey, tc.opts...)
			require.ErrorContains(t, err, tc.want)
			assert.Nil(t, x)
		})
	}
}

func TestDefaultsAndHubEndpoints(t *testing.T) {
	c, warnings, err := newConfig(testKey, nil)
	require.NoError(t, err)
	assert.Empty(t, warnings)
	assert.Equal(t, "https://sessions.bugsnag.com", c.sessionsEndpoint)
	assert.Equal(t, "https://notify.bugsnag.com", c.notifyEndpoint)
	assert.Equal(t, 30*time.Second, c.summaryInterval)
	assert.Equal(t, DefaultRetryConfig(), c.retry)
	assert.False(t, c.sessionsDisabled)
	assert.NotNil(t, c.logger)

	hubKey := "00000" + testKey[5:]
	c, _, err = newConfig(hubKey, nil)
	require.NoError(t, err)
	assert.Equal(t, "https://sessions.insighthub.smartbear.com", c.sessionsEndpoint)
	assert.Equal(t, "https://notify.insighthub.smartbear.com", c.notifyEndpoint)

	c, _, err = newConfig(testKey, []Option{WithLogger(nil), WithNotifyEndpoint(DefaultNotifyEndpoint)})
	require.NoError(t, err)
	assert.NotNil(t, c.logger, "a nil logger means no logging")
	assert.False(t, c.sessionsDisabled, "the default notify endpoint named explicitly is not custom")
}
