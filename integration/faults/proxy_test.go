package faults

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelsessions/otelsessions/integration/internal/harness"
)

// proxy is a real forward proxy: it tunnels CONNECT requests and forwards absolute-form ones. Whatever host
// a request names, it connects to target, on the request's port, so that the tests can name a host that
// only the proxy can reach.
type proxy struct {
	target    string // host to dial, such as 127.0.0.1
	connects  atomic.Int64
	forwarded atomic.Int64
	transport *http.Transport
}

func newProxy(t *testing.T, target string) (*proxy, string) {
	t.Helper()
	p := &proxy{target: target, transport: &http.Transport{Proxy: nil}}
	srv := httptest.NewServer(p)
	t.Cleanup(func() {
		srv.Close()
		p.transport.CloseIdleConnections()
	})
	return p, srv.URL
}

func (p *proxy) dialAddr(hostport string) string {
	_, port, err := net.SplitHostPort(hostport)
	if err != nil {
		return hostport
	}
	return net.JoinHostPort(p.target, port)
}

func (p *proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodConnect {
		p.tunnel(w, r)
		return
	}
	p.forwarded.Add(1)
	out := r.Clone(r.Context())
	out.RequestURI = ""
	out.URL.Host = p.dialAddr(r.URL.Host)
	resp, err := p.transport.RoundTrip(out)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer func() { _ = resp.Body.Close() }()
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
}

func (p *proxy) tunnel(w http.ResponseWriter, r *http.Request) {
	p.connects.Add(1)
	upstream, err := net.DialTimeout("tcp", p.dialAddr(r.Host), 5*time.Second)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		_ = upstream.Close()
		return
	}
	_, _ = conn.Write([]byte("HTTP/1.1 200 Connection established\r\n\r\n"))
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		_, _ = io.Copy(dst, src)
		_ = dst.Close()
		done <- struct{}{}
	}
	go pipe(upstream, conn)
	go pipe(conn, upstream)
	<-done
	<-done
}

// TestProxyFromEnvironment: the bugsnag exporter reaches its endpoint through the proxy named by HTTP_PROXY
// (plain HTTP, forwarded) and HTTPS_PROXY (TLS, tunneled with CONNECT) in the Collector's environment. The
// endpoints name hosts that only the proxy resolves, so delivery without it would fail.
func TestProxyFromEnvironment(t *testing.T) {
	t.Parallel()
	harness.BuildCollector(t)
	for _, tc := range []struct {
		name   string
		tls    bool
		host   string // the endpoint's host; the proxy maps it to 127.0.0.1
		envVar string
	}{
		// bugsnag.invalid never resolves; example.com is in httptest's certificate, and only the proxy takes
		// it to the capture server
		{name: "HTTP_PROXY", host: "bugsnag.invalid", envVar: "HTTP_PROXY"},
		{name: "HTTPS_PROXY", tls: true, host: "example.com", envVar: "HTTPS_PROXY"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			bs, scheme, exporter := harness.NewBugsnag(t), "http", ""
			if tc.tls {
				bs, scheme = harness.NewBugsnagTLS(t), "https"
				exporter = "    http:\n      tls:\n        ca_file: " + bs.CAFile() + "\n"
			}
			p, proxyURL := newProxy(t, "127.0.0.1")
			_, port, err := net.SplitHostPort(bs.Addr())
			require.NoError(t, err)
			base := scheme + "://" + net.JoinHostPort(tc.host, port)
			cfg := harness.Config{
				HTTPAddr: harness.FreeAddr(t), SessionsURL: base + "/sessions", NotifyURL: base + "/notify",
				Exporter: exporter,
			}
			col := harness.StartCollector(t, cfg.YAML(), harness.KeyEnv, tc.envVar+"="+proxyURL,
				"NO_PROXY=", "no_proxy=")
			var s sent
			s.send(t, cfg.HTTPAddr)
			col.Stop(t)

			got := bs.Capture()
			t.Logf("%s; proxy: %d CONNECT tunnels, %d forwarded requests", describe(got), p.connects.Load(),
				p.forwarded.Load())
			assertExact(t, s.figures(), got)
			if tc.tls {
				assert.Positive(t, p.connects.Load(), "CONNECT tunnels through the proxy")
			} else {
				assert.EqualValues(t, got.SessionsPayloads+got.NotifyPayloads, p.forwarded.Load(),
					"every delivery forwarded by the proxy")
			}
			assert.NotContains(t, col.Logs(), harness.APIKey, "the API key must never be logged")
		})
	}
}
