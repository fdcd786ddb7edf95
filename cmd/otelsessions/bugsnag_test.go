package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testKey = "0123456789abcdef0123456789abcdef"

// bugsnagServer is a real HTTP server that accepts Sessions and Notify payloads and keeps them.
type bugsnagServer struct {
	mu       sync.Mutex
	sessions []map[string]any
	events   []map[string]any
	headers  []http.Header
}

func (b *bugsnagServer) handler(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var payload map[string]any
		if err := json.Unmarshal(body, &payload); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		b.mu.Lock()
		defer b.mu.Unlock()
		b.headers = append(b.headers, r.Header.Clone())
		if kind == "sessions" {
			b.sessions = append(b.sessions, payload)
		} else {
			evs, _ := payload["events"].([]any)
			for _, e := range evs {
				m, _ := e.(map[string]any)
				b.events = append(b.events, m)
			}
		}
		w.WriteHeader(http.StatusAccepted)
	}
}

func (b *bugsnagServer) sessionsStarted() float64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	var n float64
	for _, p := range b.sessions {
		counts, _ := p["sessionCounts"].([]any)
		for _, c := range counts {
			m, _ := c.(map[string]any)
			v, _ := m["sessionsStarted"].(float64)
			n += v
		}
	}
	return n
}

// TestReplaySendsToBugsnag replays the example with the key from the environment and checks that Bugsnag
// receives the sessions and the three error events replay counted (two in sessions, one outside), while the
// JSON report is printed as before and the key appears in no output.
func TestReplaySendsToBugsnag(t *testing.T) {
	var b bugsnagServer
	sessions := httptest.NewServer(b.handler("sessions"))
	defer sessions.Close()
	notify := httptest.NewServer(b.handler("notify"))
	defer notify.Close()
	t.Setenv(apiKeyEnv, testKey)

	code, out, errOut := runCmd(t, nil, "replay", "--format", "json", "--bugsnag-sessions", sessions.URL,
		"--bugsnag-notify", notify.URL, example)
	require.Equal(t, exitOK, code, errOut)
	r := decode(t, out)
	assert.Equal(t, int64(5), r.SessionsStarted)
	assert.InDelta(t, 5, b.sessionsStarted(), 0)
	require.Len(t, b.events, 3)
	var unhandled, withSession int
	for _, e := range b.events {
		if u, _ := e["unhandled"].(bool); u {
			unhandled++
		}
		if _, ok := e["session"]; ok {
			withSession++
		}
	}
	assert.Equal(t, 1, unhandled)
	assert.Equal(t, 2, withSession)
	for _, h := range b.headers {
		assert.Equal(t, testKey, h.Get("Bugsnag-Api-Key"))
	}
	assert.Contains(t, errOut, "5 of 5 sessions and 3 of 3 error events sent")
	assert.NotContains(t, out+errOut, testKey)
}

func TestReplayBugsnagUsageErrors(t *testing.T) {
	t.Setenv(apiKeyEnv, "")
	code, _, errOut := runCmd(t, nil, "replay", "--bugsnag-notify", "http://127.0.0.1:1", example)
	assert.Equal(t, exitBadUsage, code)
	assert.Contains(t, errOut, "need an API key")

	for _, args := range [][]string{
		{"--api-key", testKey, "--bugsnag-sessions", "", "--bugsnag-notify", "http://127.0.0.1:1"},
		{"--api-key", ""},
		{"--api-key", testKey, "--send-timeout", "0s"},
		{"--api-key", testKey, "--send-timeout", "-1s"},
	} {
		code, _, errOut := runCmd(t, nil, append(append([]string{"replay"}, args...), example)...)
		assert.Equal(t, exitBadUsage, code, "%v", args)
		assert.NotEmpty(t, errOut)
	}

	bad := "  " + testKey
	code, out, errOut := runCmd(t, nil, "replay", "--api-key", bad, example)
	assert.Equal(t, exitBadUsage, code)
	assert.NotContains(t, out+errOut, testKey, "the refused key is not printed")
}

// TestDemoSendsToBugsnag runs the demo of the issue with the Bugsnag flags: Bugsnag receives the 1000
// sessions and the 120 error events (100 handled, 20 unhandled) the demo counts.
func TestDemoSendsToBugsnag(t *testing.T) {
	var b bugsnagServer
	sessions := httptest.NewServer(b.handler("sessions"))
	defer sessions.Close()
	notify := httptest.NewServer(b.handler("notify"))
	defer notify.Close()
	code, out, errOut := runCmd(t, nil, "demo", "--requests", "1000", "--handled-rate", "0.1",
		"--unhandled-rate", "0.02", "--seed", "7", "--format", "json", "--api-key", testKey,
		"--bugsnag-sessions", sessions.URL, "--bugsnag-notify", notify.URL)
	require.Equal(t, exitOK, code, errOut)
	assert.Equal(t, int64(1000), decode(t, out).SessionsStarted)
	assert.InDelta(t, 1000, b.sessionsStarted(), 0)
	b.mu.Lock()
	defer b.mu.Unlock()
	require.Len(t, b.events, 120)
	unhandled := 0
	for _, e := range b.events {
		if u, _ := e["unhandled"].(bool); u {
			unhandled++
		}
	}
	assert.Equal(t, 20, unhandled)
	assert.NotContains(t, out+errOut, testKey)
}

// TestReplayWritesJSONSummariesWithoutAKey writes the exporter's JSON summaries to a file with no Bugsnag
// account: the summed sessionsStarted equal replay's figure.
func TestReplayWritesJSONSummariesWithoutAKey(t *testing.T) {
	t.Setenv(apiKeyEnv, "")
	path := filepath.Join(t.TempDir(), "summaries.json")
	code, _, errOut := runCmd(t, nil, "replay", "--summaries", path, example)
	require.Equal(t, exitOK, code, errOut)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var started float64
	for line := range strings.Lines(string(data)) {
		var obj struct {
			Groups []struct {
				Minutes []struct {
					SessionsStarted float64 `json:"sessionsStarted"`
				} `json:"minutes"`
			} `json:"groups"`
		}
		require.NoError(t, json.Unmarshal([]byte(line), &obj))
		for _, g := range obj.Groups {
			for _, m := range g.Minutes {
				started += m.SessionsStarted
			}
		}
	}
	assert.InDelta(t, 5, started, 0)
}
