package harness

import (
	"net/http"
	"slices"
)

// Payload is one request the capture server accepted, for tests that check the wire fields themselves.
type Payload struct {
	// Path is /sessions or /notify.
	Path string
	// Header holds the request's headers.
	Header http.Header
	// Body is the request's JSON body.
	Body []byte
}

// Payloads returns the requests accepted so far, in the order they arrived.
func (b *Bugsnag) Payloads() []Payload {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.payloads)
}
