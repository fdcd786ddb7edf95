package exporter

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// connectProxy is an HTTPS proxy written for the tests: it serves CONNECT only, records the host asked for,
// and dials target whatever that host is, then relays bytes both ways.
type connectProxy struct {
	*httptest.Server
	target string
	mu     sync.Mutex
	hosts  []string
	conns  []net.Conn
	wg     sync.WaitGroup
}

func newConnectProxy(t *testing.T, target string) *connectProxy {
	t.Helper()
	p := &connectProxy{target: target}
	p.Server = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(func() {
		p.Close()
		p.mu.Lock()
		for _, c := range p.conns {
			_ = c.Close()
		}
		p.mu.Unlock()
		p.wg.Wait()
	})
	return p
}

func (p *connectProxy) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodConnect {
		http.Error(w, "CONNECT only", http.StatusMethodNotAllowed)
		return
	}
	up, err := net.Dial("tcp", p.target)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	down, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		_ = up.Close()
		return
	}
	p.mu.Lock()
	p.hosts = append(p.hosts, r.Host)
	p.conns = append(p.conns, up, down)
	p.mu.Unlock()
	_, _ = down.Write([]byte("HTTP/1.1 200 Connection established\r\n\r\n"))
	relay := func(dst, src net.Conn) {
		defer p.wg.Done()
		_, _ = io.Copy(dst, src)
		_ = dst.Close()
		_ = src.Close()
	}
	p.wg.Add(2)
	go relay(up, down)
	go relay(down, up)
}

func (p *connectProxy) connectHosts() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.hosts...)
}

// setProxyEnv points HTTPS_PROXY (both spellings) at proxyURL ("" for none) and clears the other variables.
func setProxyEnv(t *testing.T, proxyURL string) {
	t.Helper()
	for _, k := range []string{"HTTPS_PROXY", "https_proxy"} {
		t.Setenv(k, proxyURL)
	}
	for _, k := range []string{"HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy"} {
		t.Setenv(k, "")
	}
}

// trusting returns a TLS config that trusts f's certificate, checked against the name example.com.
func trusting(f *fakeBugsnag) *tls.Config {
	pool := x509.NewCertPool()
	pool.AddCert(f.Certificate())
	return &tls.Config{RootCAs: pool, ServerName: "example.com", MinVersion: tls.VersionTLS12}
}

// TestHTTPSProxyFromEnvironmentIsUsed sends through a proxy named by HTTPS_PROXY. Go never proxies requests
// to localhost or a loopback IP, so the endpoints name hosts under .invalid (RFC 2606), which no resolver
// knows: only the proxy, which dials the fake Bugsnag whatever host it is asked for, can deliver them. The
// custom TLS config makes the fake's certificate trusted; without it the handshake fails.
func TestHTTPSProxyFromEnvironmentIsUsed(t *testing.T) {
	f := startFakeBugsnag(t, nil, true, nil, nil)
	p := newConnectProxy(t, f.Listener.Addr().String())
	setProxyEnv(t, p.URL)
	opts := []Option{
		WithSessionsEndpoint("https://sessions.bugsnag.invalid"), WithNotifyEndpoint("https://notify.bugsnag.invalid"),
		WithSummaryInterval(time.Hour), WithRetry(RetryConfig{}),
	}

	x, err := New(testKey, append(opts, WithTLSConfig(trusting(f)))...)
	require.NoError(t, err)
	s := newSession("shop", webApp, webDevice, t0)
	x.SessionStarted(s)
	x.ErrorEvent(unhandledEvent(s))
	require.NoError(t, x.ForceFlush(t.Context()))
	require.NoError(t, x.Shutdown(t.Context()))

	assert.Equal(t, []string{"sessions.bugsnag.invalid:443", "notify.bugsnag.invalid:443"}, p.connectHosts())
	reqs := f.accepted("/")
	require.Len(t, reqs, 2)
	assertHeaders(t, reqs[0], "1.0")
	assertHeaders(t, reqs[1], "4")
	assert.Equal(t, Stats{SessionsCounted: 1, SessionsSent: 1, EventsCounted: 1, EventsSent: 1}, x.Stats())

	// The same through the proxy without the custom TLS config: the certificate is not trusted.
	var logs lockedBuffer
	y, err := New(testKey, append(opts, WithLogger(jsonLogger(&logs)))...)
	require.NoError(t, err)
	startSessions(y, 1)
	require.NoError(t, y.ForceFlush(t.Context()))
	require.NoError(t, y.Shutdown(t.Context()))
	assert.Contains(t, logs.String(), "tls: failed to verify certificate")
	assert.Equal(t, int64(1), y.Stats().SessionsDropped)
	assert.Len(t, f.requests(""), 2)
}

// TestHTTPSProxyAtClosedPortFailsWithoutDirectBypass points HTTPS_PROXY at a port nobody listens on. The
// fake Bugsnag listens on a non-loopback address (Go would not proxy a loopback one) and is first reached
// directly, with no proxy set, to show that a bypass would succeed; through the dead proxy delivery must
// fail, the fake must see no connection at all, and the logged error must not hold the key.
func TestHTTPSProxyAtClosedPortFailsWithoutDirectBypass(t *testing.T) {
	ip := nonLoopbackIPv4(t)
	l, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
	require.NoError(t, err)
	var conns atomic.Int64
	f := startFakeBugsnag(t, l, true, func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}, nil)
	endpoint := "https://" + f.Listener.Addr().String()
	opts := []Option{
		WithSessionsEndpoint(endpoint + "/sessions"), WithNotifyEndpoint(endpoint + "/notify"),
		WithTLSConfig(trusting(f)), WithSummaryInterval(time.Hour), WithRetry(RetryConfig{}),
	}

	setProxyEnv(t, "")
	direct, err := New(testKey, opts...)
	require.NoError(t, err)
	startSessions(direct, 1)
	require.NoError(t, direct.ForceFlush(t.Context()))
	require.NoError(t, direct.Shutdown(t.Context()))
	require.Len(t, f.accepted("/sessions"), 1, "the endpoint is reachable directly")
	require.Equal(t, int64(1), conns.Load())

	setProxyEnv(t, "http://"+closedPort(t))
	var logs lockedBuffer
	x, err := New(testKey, append(opts, WithLogger(jsonLogger(&logs)))...)
	require.NoError(t, err)
	startSessions(x, 2)
	require.NoError(t, x.ForceFlush(t.Context()))
	require.NoError(t, x.Shutdown(t.Context()))

	assert.Equal(t, int64(1), conns.Load(), "no direct connection")
	assert.Len(t, f.requests(""), 1)
	assert.Equal(t, Stats{SessionsCounted: 2, SessionsDropped: 2}, x.Stats())
	assert.Contains(t, logs.String(), "proxyconnect")
	assert.Contains(t, logs.String(), "connection refused")
	assertNoKey(t, logs.String(), "the log")
}

// nonLoopbackIPv4 returns an IPv4 address of this machine that is not loopback, or skips the test.
func nonLoopbackIPv4(t *testing.T) string {
	t.Helper()
	addrs, err := net.InterfaceAddrs()
	require.NoError(t, err)
	for _, a := range addrs {
		n, ok := a.(*net.IPNet)
		if ok && n.IP.To4() != nil && !n.IP.IsLoopback() && !n.IP.IsLinkLocalUnicast() {
			return n.IP.String()
		}
	}
	t.Skip("no non-loopback IPv4 address to listen on; Go never proxies loopback targets")
	return ""
}
