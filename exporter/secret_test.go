package exporter

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
)

// assertNoKey checks that s holds neither the key nor any 8-character piece of it.
func assertNoKey(t *testing.T, s, what string) {
	t.Helper()
	for i := 0; i+8 <= len(testKey); i++ {
		if !assert.NotContains(t, s, testKey[i:i+8], "%s leaks the API key", what) {
			return
		}
	}
}

func TestAPIKeyIsRefusedWithoutPrintingIt(t *testing.T) {
	for _, tc := range []struct {
		name, key, want string
	}{
		{"empty", "", "exporter: invalid API key: it is empty"},
		{"leading space", " " + testKey, "exporter: invalid API key: it has leading or trailing whitespace"},
		{"trailing newline", testKey + "\n", "exporter: invalid API key: it has leading or trailing whitespace"},
		{"short", testKey[:31], "exporter: invalid API key: it must be 32 hexadecimal characters, not 31 characters"},
		{"long", testKey + "0", "exporter: invalid API key: it must be 32 hexadecimal characters, not 33 characters"},
		{
			"not hex", "z" + testKey[1:],
			"exporter: invalid API key: it must be 32 hexadecimal characters and holds others",
		},
		{
			"32 characters, one multi-byte", "é" + testKey[1:], // 33 bytes
			"exporter: invalid API key: it must be 32 hexadecimal characters and holds others",
		},
		{
			"31 characters, multi-byte", "ééé" + testKey[4:], // 34 bytes
			"exporter: invalid API key: it must be 32 hexadecimal characters, not 31 characters",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs lockedBuffer
			x, err := New(tc.key, WithLogger(jsonLogger(&logs)))
			require.ErrorIs(t, err, ErrInvalidAPIKey)
			assert.Nil(t, x)
			assert.Equal(t, tc.want, err.Error())
			assertNoKey(t, err.Error(), "the error")
			assertNoKey(t, fmt.Sprintf("%+v", err), "the error with %+v")
			assert.Empty(t, logs.String(), "a refused configuration logs nothing")
		})
	}
}

// TestAPIKeyAppearsInNoLogErrorOrConfigDump drives every path that logs or returns an error (refusal with a
// body that echoes the key, retries, a reset connection, a dial error, a shutdown that runs out of time) and
// prints the configuration every way there is, and searches all of it for the key.
func TestAPIKeyAppearsInNoLogErrorOrConfigDump(t *testing.T) {
	echo := func(w http.ResponseWriter, r *http.Request, status int) int {
		w.WriteHeader(status)
		_, _ = fmt.Fprintf(w, `{"error":"bad key %s"}`, r.Header.Get("Bugsnag-Api-Key"))
		return status
	}
	f := newFakeBugsnag(t, func(n int, w http.ResponseWriter, r *http.Request) int {
		switch {
		case r.URL.Path == "/sessions":
			return echo(w, r, http.StatusUnauthorized)
		case n == 1:
			return echo(w, r, http.StatusServiceUnavailable)
		case n == 2:
			resetConnection(t, w)
			return 0
		}
		return echo(w, r, http.StatusAccepted)
	})
	var logs lockedBuffer
	log := jsonLogger(&logs)
	x := testExporter(t, f, WithLogger(log), WithEnabledReleaseStages("production"))
	s := newSession("shop", webApp, webDevice, t0)
	x.SessionStarted(s)
	x.ErrorEvent(unhandledEvent(s))
	require.NoError(t, x.ForceFlush(t.Context()))
	require.Len(t, f.accepted("/notify"), 1)
	assert.Contains(t, logs.String(), `"response_body":"{\"error\":\"bad key [REDACTED]\"}"`,
		"the echoed key is redacted in the refusal line")

	var dumps []string
	dumps = append(dumps, x.String(), fmt.Sprint(x), fmt.Sprintf("%v|%+v|%#v|%s|%q", x, x, x, x, x),
		fmt.Sprintf("%v|%+v|%#v|%s", x.cfg, x.cfg, x.cfg, &x.cfg),
		fmt.Sprintf("%v|%+v|%#v|%s|%q|%x|%d", x.cfg.apiKey, x.cfg.apiKey, x.cfg.apiKey, x.cfg.apiKey,
			x.cfg.apiKey, x.cfg.apiKey, x.cfg.apiKey))
	for _, v := range []any{x, x.cfg, &x.cfg, x.cfg.apiKey} {
		raw, err := json.Marshal(v)
		require.NoError(t, err)
		dumps = append(dumps, string(raw))
	}
	log.Info("dump", zap.Any("exporter", x), zap.Reflect("config", x.cfg), zap.Object("config_object", &x.cfg),
		zap.Stringer("config_string", &x.cfg))
	assert.Contains(t, x.String(), "api_key: [REDACTED]")
	assert.Contains(t, logs.String(), `"config":{"api_key":"[REDACTED]"`, "New logs its configuration, redacted")

	// A dial error and a shutdown that runs out of time.
	closed := closedPort(t)
	y, err := New(testKey, WithLogger(log), WithSessionsEndpoint("http://"+closed+"/s"),
		WithNotifyEndpoint("http://"+closed+"/n"), WithRetry(fastRetry), WithSummaryInterval(time.Hour))
	require.NoError(t, err)
	startSessions(y, 1)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Millisecond)
	defer cancel()
	flushErr := y.ForceFlush(ctx)
	require.Error(t, flushErr)
	shutdownErr := y.Shutdown(ctx)
	require.Error(t, shutdownErr)
	dumps = append(dumps, flushErr.Error(), shutdownErr.Error(), fmt.Sprintf("%+v|%#v", flushErr, shutdownErr))
	assert.Contains(t, logs.String(), "connection refused", "the dial error is logged")

	require.NoError(t, x.Shutdown(t.Context()))
	for i, d := range dumps {
		assertNoKey(t, d, fmt.Sprint("dump ", i))
	}
	assertNoKey(t, logs.String(), "the log")
	assert.Greater(t, strings.Count(logs.String(), "\n"), 5, "the paths above did log")
}

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return addr
}
