package harness

import (
	"crypto/sha256"
	"encoding/json"
	"maps"
	"net/http"
)

// Release names a release as the Sessions API payload does: app.version and app.releaseStage.
type Release struct {
	Version, Stage string
}

// Capture is what the capture server accepted, and how often it refused.
type Capture struct {
	// SessionsStarted sums sessionCounts[].sessionsStarted over every accepted Sessions API payload.
	SessionsStarted int64
	// Releases splits SessionsStarted by release.
	Releases map[Release]int64
	// SessionsPayloads and NotifyPayloads count the accepted requests of each API.
	SessionsPayloads, NotifyPayloads int
	// Events counts the error events of every accepted Notify API payload; UnhandledEvents and
	// HandledEvents split them by their unhandled flag.
	Events, UnhandledEvents, HandledEvents int
	// EventsInSessions counts the events that carry a session; Sessions counts the distinct session ids
	// among them.
	EventsInSessions, Sessions int
	// SessionsUnhandled counts the session ids with an unhandled event, and SessionsHandled those with handled
	// events only, as replay counts unhandled and handled sessions.
	SessionsUnhandled, SessionsHandled int
	// DuplicatePayloads counts accepted Notify API bodies that were byte for byte accepted before;
	// DuplicateEvents counts events identical to one accepted before. Either means a delivery was doubled.
	// Sessions API bodies are not compared: two flushes may rightly send the same counts for the same
	// release and minute, so only SessionsStarted, summed, tells a doubled one.
	DuplicatePayloads, DuplicateEvents int
	// BadKeys counts requests whose Bugsnag-Api-Key header was not the expected key (refused with 401).
	BadKeys int
	// Malformed counts requests refused with 400 or 404: an unknown path or a body that is not the API's JSON.
	Malformed int
	// Failed counts requests answered with a fault status; Abandoned counts held requests the client gave up;
	// Held is the number of requests held right now.
	Failed, Abandoned, Held int
}

// sessionsPayload is the part of a Sessions API body the capture reads.
type sessionsPayload struct {
	App struct {
		Version      string `json:"version"`
		ReleaseStage string `json:"releaseStage"`
	} `json:"app"`
	SessionCounts []struct {
		StartedAt       string `json:"startedAt"`
		SessionsStarted int64  `json:"sessionsStarted"`
	} `json:"sessionCounts"`
}

// notifyPayload is the part of a Notify API body the capture reads.
type notifyPayload struct {
	APIKey string            `json:"apiKey"`
	Events []json.RawMessage `json:"events"`
}

type notifyEvent struct {
	Unhandled bool `json:"unhandled"`
	Session   *struct {
		ID string `json:"id"`
	} `json:"session"`
}

// Capture returns a copy of what the server captured so far.
func (b *Bugsnag) Capture() Capture {
	b.mu.Lock()
	defer b.mu.Unlock()
	c := b.rec
	c.Releases = maps.Clone(b.rec.Releases)
	c.Sessions = len(b.sessionIDs)
	for id := range b.sessionIDs {
		if b.unhandledIDs[id] {
			c.SessionsUnhandled++
		} else {
			c.SessionsHandled++
		}
	}
	return c
}

// record checks and records one request that reached an answering server, and returns its status.
func (b *Bugsnag) record(r *http.Request, body []byte) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	if r.Method != http.MethodPost {
		b.rec.Malformed++
		return http.StatusMethodNotAllowed
	}
	if r.Header.Get("Bugsnag-Api-Key") != b.key {
		b.rec.BadKeys++
		return http.StatusUnauthorized
	}
	var status int
	switch r.URL.Path {
	case "/sessions":
		status = b.recordSessions(body)
	case "/notify":
		status = b.recordNotify(body)
	default:
		status = http.StatusNotFound
	}
	if status >= http.StatusBadRequest {
		b.rec.Malformed++
		return status
	}
	if r.URL.Path == "/notify" {
		sum := sha256.Sum256(body)
		if b.bodies[sum]++; b.bodies[sum] > 1 {
			b.rec.DuplicatePayloads++
		}
	}
	b.payloads = append(b.payloads, Payload{Path: r.URL.Path, Header: r.Header.Clone(), Body: body})
	return status
}

func (b *Bugsnag) recordSessions(body []byte) int {
	var p sessionsPayload
	if json.Unmarshal(body, &p) != nil || len(p.SessionCounts) == 0 {
		return http.StatusBadRequest
	}
	rel := Release{Version: p.App.Version, Stage: p.App.ReleaseStage}
	for _, sc := range p.SessionCounts {
		b.rec.SessionsStarted += sc.SessionsStarted
		b.rec.Releases[rel] += sc.SessionsStarted
	}
	b.rec.SessionsPayloads++
	return http.StatusAccepted
}

func (b *Bugsnag) recordNotify(body []byte) int {
	var p notifyPayload
	if json.Unmarshal(body, &p) != nil || len(p.Events) == 0 {
		return http.StatusBadRequest
	}
	events := make([]notifyEvent, len(p.Events))
	for i, raw := range p.Events {
		if json.Unmarshal(raw, &events[i]) != nil {
			return http.StatusBadRequest
		}
	}
	for i, ev := range events {
		b.rec.Events++
		if ev.Unhandled {
			b.rec.UnhandledEvents++
		} else {
			b.rec.HandledEvents++
		}
		if ev.Session != nil {
			b.rec.EventsInSessions++
			b.sessionIDs[ev.Session.ID]++
			if ev.Unhandled {
				b.unhandledIDs[ev.Session.ID] = true
			}
		}
		sum := sha256.Sum256(p.Events[i])
		if b.events[sum]++; b.events[sum] > 1 {
			b.rec.DuplicateEvents++
		}
	}
	b.rec.NotifyPayloads++
	return http.StatusOK
}
