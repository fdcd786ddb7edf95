package exporter

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"go.uber.org/zap"
)

// attempt is the result of one request: a status, or the error that kept a response from arriving.
type attempt struct {
	status     int
	err        error
	retryAfter time.Duration
	body       string // the start of a refused response body, API key redacted, for the log line
}

func (a attempt) ok() bool { return a.err == nil && a.status >= 200 && a.status < 300 }

// work is the delivery worker: it takes payloads in order and delivers each, until Shutdown cancels ctx.
func (ex *Exporter) work(ctx context.Context) {
	defer close(ex.workerDone)
	for {
		p, ok := ex.queue.next(ctx)
		if !ok {
			return
		}
		ex.deliver(ctx, p)
		ex.queue.done(p)
	}
}

// deliver sends p until it is accepted, refused, out of retries, or ctx ends, and counts the outcome. A
// payload is sent again only after a failure that carried no 2xx status: a 408, 429 or 5xx, or a network
// error (a reset connection, a timeout), so an accepted payload is never sent twice. Once Shutdown has
// started, an attempt is the payload's last, and a backoff sleep ends at once for that last attempt.
func (ex *Exporter) deliver(ctx context.Context, p *payload) {
	rc := ex.cfg.retry
	bo := newBackoff(rc)
	start := time.Now()
	for n := 1; ; n++ {
		last := ex.shutdownStarted.Load()
		a := ex.send(ctx, p)
		switch {
		case a.ok():
			ex.stats.sessionsSent.Add(p.sessions)
			ex.stats.eventsSent.Add(p.events)
			return
		case ctx.Err() != nil:
			ex.drop(p)
			return
		case a.err == nil && !retryable(a.status):
			ex.logger.Error("bugsnag refused the payload; dropped, not retried", ex.fields(p, n, a)...)
			ex.drop(p)
			return
		case last:
			// Shutdown logs one Error line with the totals; one line per payload here is enough at Info.
			ex.logger.Info("delivery failed during shutdown; payload dropped after its last attempt",
				ex.fields(p, n, a)...)
			ex.drop(p)
			return
		}
		wait := max(bo.wait(), a.retryAfter)
		if !rc.Enabled || (rc.MaxElapsedTime > 0 && time.Since(start)+wait > rc.MaxElapsedTime) {
			ex.logger.Error("delivery failed; payload dropped, retries exhausted", ex.fields(p, n, a)...)
			ex.drop(p)
			return
		}
		ex.logger.Info("delivery failed; retrying", append(ex.fields(p, n, a), zap.Duration("retry_in", wait))...)
		ex.stats.retries.Add(1)
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ex.draining: // Shutdown started: the last attempt goes now
			t.Stop()
		case <-ctx.Done():
			t.Stop()
			ex.drop(p)
			return
		}
	}
}

// send makes one request for p, bounded by the request timeout, and reads at most maxResponseBody of the
// response so that the connection can be reused.
func (ex *Exporter) send(ctx context.Context, p *payload) attempt {
	ctx, cancel := context.WithTimeout(ctx, ex.cfg.requestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.endpoint, bytes.NewReader(p.body))
	if err != nil {
		return attempt{err: fmt.Errorf("exporter: build request: %w", err)}
	}
	h := req.Header
	h.Set("Content-Type", "application/json")
	h.Set("Bugsnag-Api-Key", ex.cfg.apiKey.reveal())
	h.Set("Bugsnag-Payload-Version", p.kind.payloadVersion())
	h.Set("Bugsnag-Sent-At", time.Now().UTC().Format(time.RFC3339))
	h.Set("User-Agent", notifierName+"/"+notifier().Version)
	resp, err := ex.client.Do(req)
	if err != nil {
		return attempt{err: err}
	}
	defer resp.Body.Close()
	a := attempt{status: resp.StatusCode, retryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody))
	if !a.ok() {
		a.body = ex.quote(body)
	}
	return a
}

// quote returns the start of a response body fit for a log line: valid UTF-8, without the API key. The key
// is removed before the body is cut, so that no part of a key echoed across the cut is logged.
func (ex *Exporter) quote(body []byte) string {
	s := ex.redact(strings.ToValidUTF8(string(body), "?"))
	return strings.ToValidUTF8(s[:min(len(s), maxLoggedBody)], "")
}

// fields describe one payload's attempt for a log line.
func (ex *Exporter) fields(p *payload, n int, a attempt) []zap.Field {
	f := []zap.Field{
		zap.String("payload", p.kind.String()), zap.String("endpoint", p.endpoint),
		zap.Int64("sessions", p.sessions), zap.Int64("events", p.events), zap.Int("attempt", n),
	}
	if a.err != nil {
		return append(f, zap.String("error", ex.redact(a.err.Error())))
	}
	f = append(f, zap.Int("status_code", a.status))
	if a.body != "" {
		f = append(f, zap.String("response_body", a.body))
	}
	return f
}

// redact removes the API key from a message; no error built here contains it, but a proxy or a server may
// echo what it was sent.
func (ex *Exporter) redact(s string) string {
	key := ex.cfg.apiKey.reveal()
	if key == "" {
		return s
	}
	return strings.ReplaceAll(s, key, redacted)
}

func (k payloadKind) payloadVersion() string {
	if k == kindSessions {
		return sessionsPayloadVersion
	}
	return notifyPayloadVersion
}
