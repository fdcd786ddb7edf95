package examples

import (
	"encoding/json"
	"os"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelsessions/otelsessions/integration/internal/harness"
)

// wireApp and wireDevice are the app and device of both APIs' payloads.
type wireApp struct {
	Version      string `json:"version"`
	ReleaseStage string `json:"releaseStage"`
	Type         string `json:"type"`
}

type wireDevice struct {
	Hostname        string            `json:"hostname"`
	OSName          string            `json:"osName"`
	RuntimeVersions map[string]string `json:"runtimeVersions"`
}

// sessionsBody is a Sessions API payload.
type sessionsBody struct {
	App           wireApp    `json:"app"`
	Device        wireDevice `json:"device"`
	SessionCounts []struct {
		StartedAt       string `json:"startedAt"`
		SessionsStarted int64  `json:"sessionsStarted"`
	} `json:"sessionCounts"`
}

// notifyBody is a Notify API payload.
type notifyBody struct {
	APIKey         string        `json:"apiKey"`
	PayloadVersion string        `json:"payloadVersion"`
	Events         []notifyEvent `json:"events"`
}

// notifyEvent is one event of a Notify API payload.
type notifyEvent struct {
	PayloadVersion string `json:"payloadVersion"`
	Exceptions     []struct {
		ErrorClass string `json:"errorClass"`
		Message    string `json:"message"`
	} `json:"exceptions"`
	Severity       string `json:"severity"`
	SeverityReason struct {
		Type string `json:"type"`
	} `json:"severityReason"`
	Unhandled bool       `json:"unhandled"`
	Context   string     `json:"context"`
	App       wireApp    `json:"app"`
	Device    wireDevice `json:"device"`
	User      *struct {
		ID string `json:"id"`
	} `json:"user"`
	Request *struct {
		HTTPMethod string `json:"httpMethod"`
		URL        string `json:"url"`
	} `json:"request"`
	Session *struct {
		ID        string `json:"id"`
		StartedAt string `json:"startedAt"`
		Events    struct {
			Handled   int64 `json:"handled"`
			Unhandled int64 `json:"unhandled"`
		} `json:"events"`
	} `json:"session"`
}

// delivered is what a capture server received, decoded, after the checks every payload must pass.
type delivered struct {
	sessions []sessionsBody
	events   []notifyEvent
}

// decode checks the headers and bodies of every payload b accepted and decodes them. The capture server
// itself refuses a wrong Bugsnag-Api-Key header, and counts it.
func decode(t *testing.T, b *harness.Bugsnag) delivered {
	t.Helper()
	c := b.Capture()
	assert.Zero(t, c.BadKeys, "requests with a wrong API key")
	assert.Zero(t, c.Malformed, "malformed requests")
	assert.Zero(t, c.DuplicatePayloads+c.DuplicateEvents, "doubled payloads or events")

	var d delivered
	for _, p := range b.Payloads() {
		assert.Equal(t, "application/json", p.Header.Get("Content-Type"))
		assert.Equal(t, harness.APIKey, p.Header.Get("Bugsnag-Api-Key"))
		assert.NotEmpty(t, p.Header.Get("Bugsnag-Sent-At"))
		switch p.Path {
		case "/sessions":
			assert.Equal(t, "1.0", p.Header.Get("Bugsnag-Payload-Version"))
			var s sessionsBody
			require.NoError(t, json.Unmarshal(p.Body, &s))
			d.sessions = append(d.sessions, s)
		case "/notify":
			assert.Equal(t, "4", p.Header.Get("Bugsnag-Payload-Version"))
			var n notifyBody
			require.NoError(t, json.Unmarshal(p.Body, &n))
			assert.Equal(t, harness.APIKey, n.APIKey)
			d.events = append(d.events, n.Events...)
		default:
			t.Errorf("a payload to %s", p.Path)
		}
	}
	return d
}

// figures are the numbers a stability score is made of, as the payloads give them.
type figures struct {
	SessionsStarted                    int64
	SessionsUnhandled, SessionsHandled int
	UnhandledEvents, HandledEvents     int
	EventsOutsideSessions              int
}

// figures adds up what d holds: sessions started from the Sessions API; unhandled sessions (those with an
// unhandled event) and handled ones (handled events only) from the session ids of the Notify API's events.
func (d delivered) figures() figures {
	var f figures
	for _, s := range d.sessions {
		for _, sc := range s.SessionCounts {
			f.SessionsStarted += sc.SessionsStarted
		}
	}
	unhandled := map[string]bool{}
	for _, e := range d.events {
		if e.Unhandled {
			f.UnhandledEvents++
		} else {
			f.HandledEvents++
		}
		if e.Session == nil {
			f.EventsOutsideSessions++
			continue
		}
		unhandled[e.Session.ID] = unhandled[e.Session.ID] || e.Unhandled
	}
	for _, u := range unhandled {
		if u {
			f.SessionsUnhandled++
		} else {
			f.SessionsHandled++
		}
	}
	return f
}

// sessionIDs returns the session ids of d's events, each once.
func (d delivered) sessionIDs() map[string]bool {
	ids := map[string]bool{}
	for _, e := range d.events {
		if e.Session != nil {
			ids[e.Session.ID] = true
		}
	}
	return ids
}

// checkApp checks the app and device of every payload in d against the example's resource: app for the
// Sessions payloads, eventApp for the events.
func checkApp(t *testing.T, d delivered, app, eventApp wireApp) {
	t.Helper()
	host, err := os.Hostname()
	require.NoError(t, err)
	device := wireDevice{
		Hostname: host, OSName: runtime.GOOS, RuntimeVersions: map[string]string{"go": runtime.Version()},
	}
	for _, s := range d.sessions {
		assert.Equal(t, app, s.App, "app of a Sessions payload")
		assert.Equal(t, device, s.Device, "device of a Sessions payload")
	}
	for _, e := range d.events {
		assert.Equal(t, eventApp, e.App, "app of an event")
		assert.Equal(t, device, e.Device, "device of an event")
		assert.Equal(t, "4", e.PayloadVersion)
	}
}

// checkSeverity checks that every event's severity matches its unhandled flag, as Bugsnag's notifiers set it.
func checkSeverity(t *testing.T, d delivered) {
	t.Helper()
	for _, e := range d.events {
		if e.Unhandled {
			assert.Equal(t, "error", e.Severity)
			assert.Equal(t, "unhandledException", e.SeverityReason.Type)
			continue
		}
		assert.Equal(t, "warning", e.Severity)
		assert.Equal(t, "handledException", e.SeverityReason.Type)
	}
}
