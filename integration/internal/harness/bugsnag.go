package harness

import (
	"crypto/sha256"
	"crypto/tls"
	"encoding/pem"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// APIKey is the Bugsnag project API key the tests configure and the capture server expects.
const APIKey = "0123456789abcdef0123456789abcdef"

// Fault is how the capture server answers.
type Fault int

// The faults a test switches at run time.
const (
	// FaultNone accepts and records every request: 202 from the Sessions API, 200 from the Notify API.
	FaultNone Fault = iota
	// FaultStatus answers every request with the status given to SetStatus and records nothing.
	FaultStatus
	// FaultRefuse closes the listener and every connection: connections are refused until the next
	// SetFault, which listens again on the same port.
	FaultRefuse
	// FaultHang holds every request, unanswered and unrecorded, until the client gives up or the fault
	// changes; requests held when the fault changes are then answered 503, never recorded, so that a held
	// request can never be both accepted and timed out by its client.
	FaultHang
)

// Bugsnag is a real HTTP server that captures what the Sessions API (path /sessions) and the Notify API
// (path /notify) receive, checks the Bugsnag-Api-Key header, and fails on demand.
type Bugsnag struct {
	tb     testing.TB
	key    string
	tls    bool
	addr   string // host:port, kept across FaultRefuse
	handle http.Handler

	tlsConfig *tls.Config // the first server's, with its certificate; nil for HTTP
	caFile    string

	mu           sync.Mutex
	srv          *httptest.Server // nil while connections are refused
	fault        Fault
	status       int
	released     chan struct{} // closed when FaultHang ends
	rec          Capture
	bodies       map[[sha256.Size]byte]int // accepted request bodies (with their path)
	events       map[[sha256.Size]byte]int // accepted events
	sessionIDs   map[string]int            // events per session id
	unhandledIDs map[string]bool           // the session ids with an unhandled event
	payloads     []Payload                 // accepted requests, in order
}

// NewBugsnag starts a capture server on a free 127.0.0.1 port; it expects the API key APIKey and is closed
// when tb ends.
func NewBugsnag(tb testing.TB) *Bugsnag {
	tb.Helper()
	return newBugsnag(tb, false)
}

// NewBugsnagTLS starts a capture server that serves HTTPS with a self-signed certificate for 127.0.0.1; see
// CAFile.
func NewBugsnagTLS(tb testing.TB) *Bugsnag {
	tb.Helper()
	return newBugsnag(tb, true)
}

func newBugsnag(tb testing.TB, useTLS bool) *Bugsnag {
	tb.Helper()
	b := &Bugsnag{
		tb: tb, key: APIKey, tls: useTLS, released: make(chan struct{}),
		bodies: map[[sha256.Size]byte]int{}, events: map[[sha256.Size]byte]int{}, sessionIDs: map[string]int{},
		unhandledIDs: map[string]bool{},
	}
	b.rec.Releases = map[Release]int64{}
	b.handle = http.HandlerFunc(b.serve)
	b.srv = httptest.NewUnstartedServer(b.handle)
	b.start(b.srv)
	b.addr = b.srv.Listener.Addr().String()
	if useTLS {
		b.tlsConfig = b.srv.TLS
		pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: b.srv.Certificate().Raw})
		b.caFile = filepath.Join(tb.TempDir(), "bugsnag-ca.pem")
		if err := os.WriteFile(b.caFile, pemBytes, 0o600); err != nil {
			tb.Fatalf("capture server: write the CA file: %v", err)
		}
	}
	tb.Cleanup(b.close)
	return b
}

// start starts srv as HTTP or HTTPS; a restarted server keeps the first one's certificate.
func (b *Bugsnag) start(srv *httptest.Server) {
	if b.tls {
		srv.StartTLS()
		return
	}
	srv.Start()
}

// CAFile is the path of a PEM file holding the certificate of a server started by NewBugsnagTLS, to
// configure as the exporter's tls ca_file; empty for an HTTP server.
func (b *Bugsnag) CAFile() string { return b.caFile }

// Addr is the server's 127.0.0.1:port, the same across FaultRefuse.
func (b *Bugsnag) Addr() string { return b.addr }

// URL is the server's base URL (http:// or https://127.0.0.1:port).
func (b *Bugsnag) URL() string {
	if b.tls {
		return "https://" + b.addr
	}
	return "http://" + b.addr
}

// SessionsURL is the Sessions API endpoint to configure as sessions_endpoint.
func (b *Bugsnag) SessionsURL() string { return b.URL() + "/sessions" }

// NotifyURL is the Notify API endpoint to configure as notify_endpoint.
func (b *Bugsnag) NotifyURL() string { return b.URL() + "/notify" }

// SetFault switches how the server answers from now on.
func (b *Bugsnag) SetFault(f Fault) { b.setFault(f, 0) }

// SetStatus answers every request from now on with status (such as 503) and records nothing.
func (b *Bugsnag) SetStatus(status int) { b.setFault(FaultStatus, status) }

func (b *Bugsnag) setFault(f Fault, status int) {
	b.tb.Helper()
	b.mu.Lock()
	prev := b.fault
	b.fault, b.status = f, status
	if prev == FaultHang && f != FaultHang {
		close(b.released)
		b.released = make(chan struct{})
	}
	srv := b.srv
	if f == FaultRefuse {
		b.srv = nil
	}
	b.mu.Unlock()

	switch {
	case f == FaultRefuse && srv != nil:
		// Close waits for the requests being served; none is held, since a hang was released above.
		srv.Close()
	case f != FaultRefuse && srv == nil:
		b.relisten()
	}
}

// relisten serves again on the same port, retrying for a while in case the port is briefly unavailable.
func (b *Bugsnag) relisten() {
	b.tb.Helper()
	var l net.Listener
	var err error
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if l, err = net.Listen("tcp", b.addr); err == nil || time.Now().After(deadline) {
			break
		}
	}
	if err != nil {
		b.tb.Errorf("capture server: listen again on %s: %v", b.addr, err)
		return
	}
	srv := httptest.NewUnstartedServer(b.handle)
	_ = srv.Listener.Close()
	srv.Listener = l
	b.mu.Lock()
	srv.TLS = b.tlsConfig
	b.srv = srv
	b.mu.Unlock()
	b.start(srv)
}

func (b *Bugsnag) close() {
	b.mu.Lock()
	srv := b.srv
	b.srv = nil
	if b.fault == FaultHang {
		close(b.released)
		b.released = make(chan struct{})
	}
	b.fault = FaultNone
	b.mu.Unlock()
	if srv != nil {
		srv.Close()
	}
}

func (b *Bugsnag) serve(w http.ResponseWriter, r *http.Request) {
	body, readErr := io.ReadAll(r.Body)
	b.mu.Lock()
	fault, status, released := b.fault, b.status, b.released
	b.mu.Unlock()
	switch fault {
	case FaultHang:
		b.count(func(c *Capture) { c.Held++ })
		defer b.count(func(c *Capture) { c.Held-- })
		select {
		case <-released:
			b.count(func(c *Capture) { c.Failed++ })
			w.WriteHeader(http.StatusServiceUnavailable)
		case <-r.Context().Done():
			b.count(func(c *Capture) { c.Abandoned++ })
		}
		return
	case FaultStatus, FaultRefuse:
		b.count(func(c *Capture) { c.Failed++ })
		if status == 0 { // a request already on its way when the listener closed
			status = http.StatusServiceUnavailable
		}
		w.WriteHeader(status)
		return
	}
	if readErr != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	w.WriteHeader(b.record(r, body))
}

func (b *Bugsnag) count(fn func(*Capture)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	fn(&b.rec)
}
