package bugsnagexporter

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/collector/config/configopaque"
)

// fakeBugsnag is an httptest Bugsnag that accepts every payload and counts, per API key, the sessions
// started and the error events it received.
type fakeBugsnag struct {
	srv *httptest.Server

	mu       sync.Mutex
	sessions map[string]int64
	events   map[string]int64
}

func newFakeBugsnag(t *testing.T) *fakeBugsnag {
	t.Helper()
	fb := &fakeBugsnag{sessions: map[string]int64{}, events: map[string]int64{}}
	fb.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		assert.NoError(t, err)
		var p struct {
			SessionCounts []struct {
				SessionsStarted int64 `json:"sessionsStarted"`
			} `json:"sessionCounts"`
			Events []json.RawMessage `json:"events"`
		}
		assert.NoError(t, json.Unmarshal(body, &p))
		key := r.Header.Get("Bugsnag-Api-Key")
		fb.mu.Lock()
		for _, c := range p.SessionCounts {
			fb.sessions[key] += c.SessionsStarted
		}
		fb.events[key] += int64(len(p.Events))
		fb.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(fb.srv.Close)
	return fb
}

func (fb *fakeBugsnag) sessionsOf(key string) int64 {
	fb.mu.Lock()
	defer fb.mu.Unlock()
	return fb.sessions[key]
}

func (fb *fakeBugsnag) eventsOf(key string) int64 {
	fb.mu.Lock()
	defer fb.mu.Unlock()
	return fb.events[key]
}

// configFor returns a configuration that sends to fb with api_key key.
func (fb *fakeBugsnag) configFor(key string) *Config {
	cfg := newDefaultConfig()
	cfg.APIKey = "" // set below, so that an empty key stays empty
	if key != "" {
		cfg.APIKey = configopaque.String(key)
	}
	cfg.SessionsEndpoint = fb.srv.URL + "/sessions"
	cfg.NotifyEndpoint = fb.srv.URL + "/notify"
	return cfg
}
