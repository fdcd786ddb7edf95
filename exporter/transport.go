package exporter

import (
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/http/httpproxy"
)

// maxResponseBody is how much of a response body is read (and then discarded) so that the connection can be
// reused; a longer body is cut off and the connection closed.
const maxResponseBody = 64 << 10

// maxLoggedBody is how much of a refused response body a log line quotes.
const maxLoggedBody = 256

// newHTTPClient returns the client every request goes through. Proxies come from HTTPS_PROXY, HTTP_PROXY and
// NO_PROXY (either case), read when New runs: the same rules as http.ProxyFromEnvironment, which however
// reads the environment once per process and would ignore a change made after the first request anywhere
// in it. Redirects are not followed: a POST must not silently turn into a GET or go elsewhere.
func newHTTPClient(cfg *config) (*http.Client, *http.Transport) {
	proxy := httpproxy.FromEnvironment().ProxyFunc()
	tr := &http.Transport{
		Proxy:                 func(r *http.Request) (*url.URL, error) { return proxy(r.URL) },
		DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:       cfg.tlsConfig.Clone(),
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          4,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
	client := &http.Client{
		Transport:     tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return client, tr
}

// retryable tells whether a response status asks for the payload to be sent again later.
func retryable(status int) bool {
	return status == http.StatusRequestTimeout || status == http.StatusTooManyRequests || status >= 500
}

// parseRetryAfter reads a Retry-After header given as seconds or as an HTTP date; it returns 0 when the
// header is absent, malformed or in the past.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		const maxSecs = int64(24 * time.Hour / time.Second)
		return time.Duration(min(max(secs, 0), maxSecs)) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// backoff yields capped exponential waits with ±50% jitter.
type backoff struct {
	next, max time.Duration
}

const backoffMultiplier = 1.5

func newBackoff(rc RetryConfig) *backoff {
	return &backoff{next: rc.InitialInterval, max: rc.MaxInterval}
}

func (b *backoff) wait() time.Duration {
	d := b.next
	b.next = min(time.Duration(float64(b.next)*backoffMultiplier), b.max)
	jittered := time.Duration((0.5 + rand.Float64()) * float64(d)) //nolint:gosec // jitter needs no secure randomness
	return min(jittered, b.max)
}
