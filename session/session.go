package session

import (
	"sync"
	"time"

	"github.com/google/uuid"
)

// App describes the application a session ran in, as Bugsnag's payloads name it.
type App struct {
	// Version is the release version, from the resource attribute service.version.
	Version string
	// ReleaseStage is the deployment stage, from deployment.environment.name.
	ReleaseStage string
	// Type is an optional kind of application, such as "http" or "worker".
	Type string
}

// Device describes the host a session ran on, as Bugsnag's payloads name it.
type Device struct {
	// Hostname comes from the resource attribute host.name.
	Hostname string
	// OSName comes from the resource attribute os.type.
	OSName string
	// RuntimeVersions maps a runtime name to its version, from process.runtime.*.
	RuntimeVersions map[string]string
}

// User identifies the user a session served.
type User struct {
	ID    string
	Email string
	Name  string
}

// EventCounts are the error events attributed to one session.
type EventCounts struct {
	Handled   int64
	Unhandled int64
}

// Session is one unit of work whose stability is measured: on a server, one request.
// App and Device may be amended before the session is shared; User and the event counts are safe to use
// from several goroutines.
type Session struct {
	ID        uuid.UUID
	StartedAt time.Time
	// Service is the service.name of the resource the session started in.
	Service string
	App     App
	Device  Device

	mu     sync.Mutex
	user   User
	events EventCounts
}

// New returns a session with the given id that started at startedAt.
func New(id uuid.UUID, startedAt time.Time) *Session {
	return &Session{ID: id, StartedAt: startedAt}
}

// Release returns the release the session counts towards.
func (s *Session) Release() Release {
	return Release{Service: s.Service, Version: s.App.Version, ReleaseStage: s.App.ReleaseStage}
}

// User returns the session's user.
func (s *Session) User() User {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.user
}

// SetUser replaces the session's user.
func (s *Session) SetUser(id, email, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.user = User{ID: id, Email: email, Name: name}
}

// AddEvent counts one error event against the session and returns the counts including it, which is what
// Bugsnag's Notify API expects on the event. Concurrent calls are ordered: each returns a distinct snapshot,
// so exactly one call sees the first unhandled event.
func (s *Session) AddEvent(unhandled bool) EventCounts {
	s.mu.Lock()
	defer s.mu.Unlock()
	if unhandled {
		s.events.Unhandled++
	} else {
		s.events.Handled++
	}
	return s.events
}

// Events returns the error events counted so far.
func (s *Session) Events() EventCounts {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.events
}
