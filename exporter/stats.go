package exporter

import (
	"errors"
	"fmt"
	"sync/atomic"
)

// Stats are an Exporter's counters since New. Sessions are counted as sessions started; a session and its
// events are counted once each, however many payloads or attempts carry them.
type Stats struct {
	// SessionsCounted is the number of sessions given to SessionStarted before Shutdown.
	SessionsCounted int64
	// SessionsSent is the number of sessions in payloads the Sessions API accepted.
	SessionsSent int64
	// SessionsSkipped is the number of sessions not sent by configuration: a release stage not enabled, or
	// session delivery disabled by a custom notify endpoint. They are still in the JSON summaries.
	SessionsSkipped int64
	// SessionsDropped is the number of sessions lost: queue full, payload refused (4xx), retries exhausted,
	// Shutdown's context ended, or given after Shutdown.
	SessionsDropped int64
	// EventsCounted is the number of error events given to ErrorEvent before Shutdown.
	EventsCounted int64
	// EventsSent is the number of error events in payloads the Notify API accepted.
	EventsSent int64
	// EventsSkipped is the number of error events of a release stage not enabled.
	EventsSkipped int64
	// EventsDropped is the number of error events lost, for the same reasons as sessions, or because the
	// event buffer was full.
	EventsDropped int64
	// Retries is the number of requests sent again after a retryable failure.
	Retries int64
}

type counters struct {
	sessionsCounted, sessionsSent, sessionsSkipped, sessionsDropped atomic.Int64
	eventsCounted, eventsSent, eventsSkipped, eventsDropped         atomic.Int64
	retries                                                         atomic.Int64
}

func (c *counters) snapshot() Stats {
	return Stats{
		SessionsCounted: c.sessionsCounted.Load(), SessionsSent: c.sessionsSent.Load(),
		SessionsSkipped: c.sessionsSkipped.Load(), SessionsDropped: c.sessionsDropped.Load(),
		EventsCounted: c.eventsCounted.Load(), EventsSent: c.eventsSent.Load(),
		EventsSkipped: c.eventsSkipped.Load(), EventsDropped: c.eventsDropped.Load(),
		Retries: c.retries.Load(),
	}
}

// ErrUndelivered is the Err of the *IncompleteError that Shutdown returns when what was pending at Shutdown
// was dropped although its context did not end: refused by Bugsnag, or its last attempt failed.
var ErrUndelivered = errors.New("exporter: not delivered (refused, or its last attempt failed)")

// IncompleteError is returned by ForceFlush when its context ends before everything queued was delivered,
// and by Shutdown whenever something pending at Shutdown was not delivered. It wraps the context's error (or
// ErrUndelivered), so errors.Is(err, context.DeadlineExceeded) holds when the context's deadline passed.
type IncompleteError struct {
	// Shutdown is true for Shutdown, whose undelivered payloads are dropped; after ForceFlush they stay
	// queued and delivery goes on in the background.
	Shutdown bool
	// Sessions and Events count what was not delivered: for ForceFlush what is still queued, for Shutdown
	// what was pending when it started and was dropped after (drops before Shutdown are only in Stats).
	Sessions int64
	Events   int64
	// Err is the context's error, or ErrUndelivered when Shutdown's context did not end.
	Err error
}

// Error tells what was left undelivered; it never contains the API key.
func (e *IncompleteError) Error() string {
	if e.Shutdown {
		return fmt.Sprintf("exporter: shutdown: %d sessions and %d error events dropped: %v",
			e.Sessions, e.Events, e.Err)
	}
	return fmt.Sprintf("exporter: flush: %d sessions and %d error events still queued: %v",
		e.Sessions, e.Events, e.Err)
}

// Unwrap returns the context's error, or ErrUndelivered.
func (e *IncompleteError) Unwrap() error { return e.Err }
