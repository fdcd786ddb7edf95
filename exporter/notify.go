package exporter

import (
	"cmp"
	"encoding/json"
	"net"
	"net/http"
	"strings"

	"github.com/otelsessions/otelsessions/session"
)

// maxNotifyBody is the size at which a Notify batch is cut, below the 1 MB Bugsnag's notifiers treat as the
// largest payload worth sending.
const maxNotifyBody = 900 << 10

// rawJSONEvent is one event as json.Marshal encoded it: valid, compact JSON.
type rawJSONEvent = []byte

// pendingEvent is an error event waiting for the next flush, with the session's user as it was when the
// event arrived.
type pendingEvent struct {
	ev   session.Event
	user session.User
}

func newPendingEvent(e session.Event) pendingEvent {
	p := pendingEvent{ev: e}
	if e.Session != nil {
		p.user = e.Session.User()
	}
	return p
}

// toEventJSON maps one error event onto Bugsnag's event object (payload version 4).
func toEventJSON(p pendingEvent) eventJSON {
	e := p.ev
	frames, raw := parseStacktrace(e.Stacktrace)
	out := eventJSON{
		PayloadVersion: notifyPayloadVersion,
		Exceptions: []exceptionJSON{{
			ErrorClass: cmp.Or(e.Class, "error"), Message: e.Message, Stacktrace: frames,
		}},
		Severity:       "warning",
		SeverityReason: severityReasonJSON{Type: "handledException", UnhandledOverridden: e.Overridden},
		Unhandled:      e.Unhandled,
		Context:        e.Context,
		App:            newAppJSON(e.App),
		Device:         newDeviceJSON(e.Device),
	}
	if e.Unhandled {
		out.Severity, out.SeverityReason.Type = "error", "unhandledException"
	}
	if !e.Time.IsZero() {
		out.Device.Time = formatTime(e.Time)
	}
	if u := p.user; u != (session.User{}) {
		out.User = &userJSON{ID: u.ID, Email: u.Email, Name: u.Name}
	}
	out.Request = requestFromAttributes(e.Attributes)
	out.MetaData = metaData(e, raw)
	if s := e.Session; s != nil {
		// TODO(#4): e.Counts are the session's counts when the event was classified; they include events
		// that were later dropped because the event buffer (or the queue) was full, and never got to Bugsnag.
		out.Session = &eventSessionJSON{
			ID: s.ID.String(), StartedAt: formatTime(s.StartedAt),
			Events: eventCountsJSON{Handled: e.Counts.Handled, Unhandled: e.Counts.Unhandled},
		}
	}
	return out
}

// metaData keeps what has no Bugsnag field: the service, the span attributes (sensitive headers redacted),
// and a stack trace no parser understood.
func metaData(e session.Event, rawTrace bool) map[string]metaTab {
	otel := metaTab{}
	if e.Service != "" {
		otel["service.name"] = e.Service
	}
	for k, v := range e.Attributes {
		if name, ok := strings.CutPrefix(k, headerAttrPrefix); ok && sensitiveHeader(name) {
			v = redacted
		}
		otel[k] = v
	}
	md := map[string]metaTab{}
	if len(otel) > 0 {
		md["otel"] = otel
	}
	if rawTrace {
		md["exception"] = metaTab{"stacktrace": e.Stacktrace}
	}
	if len(md) == 0 {
		return nil
	}
	return md
}

const headerAttrPrefix = "http.request.header."

// requestFromAttributes fills Bugsnag's request object from OpenTelemetry HTTP attributes, current
// semantic conventions first, older names second.
func requestFromAttributes(attrs map[string]string) *requestJSON {
	if len(attrs) == 0 {
		return nil
	}
	first := func(keys ...string) string {
		for _, k := range keys {
			if v := attrs[k]; v != "" {
				return v
			}
		}
		return ""
	}
	r := requestJSON{
		HTTPMethod: first("http.request.method", "http.method"),
		URL:        first("url.full", "http.url"),
		ClientIP:   first("client.address", "http.client_ip"),
	}
	if r.URL == "" {
		r.URL = composeURL(first("url.scheme", "http.scheme"), first("server.address", "http.host", "net.host.name"),
			first("server.port", "net.host.port"), first("url.path", "http.target"), first("url.query"))
	}
	for k, v := range attrs {
		name, ok := strings.CutPrefix(k, headerAttrPrefix)
		if !ok {
			continue
		}
		if sensitiveHeader(name) {
			v = redacted
		}
		if r.Headers == nil {
			r.Headers = map[string]string{}
		}
		r.Headers[http.CanonicalHeaderKey(name)] = v
	}
	if ua := first("user_agent.original", "http.user_agent"); ua != "" && r.Headers["User-Agent"] == "" {
		if r.Headers == nil {
			r.Headers = map[string]string{}
		}
		r.Headers["User-Agent"] = ua
	}
	r.Referer = r.Headers["Referer"]
	if r.HTTPMethod == "" && r.URL == "" && r.ClientIP == "" && r.Headers == nil {
		return nil
	}
	return &r
}

// composeURL builds the request URL when url.full (or http.url) is absent, as for otelhttp server spans:
// scheme (http when unknown), host, the port unless it is the scheme's default or the host already holds
// one, path and query. Without a host only the path (and query) is known.
func composeURL(scheme, host, port, path, query string) string {
	if path != "" && !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	if query != "" && !strings.Contains(path, "?") {
		path += "?" + query
	}
	if host == "" {
		return path
	}
	scheme = strings.ToLower(cmp.Or(scheme, "http"))
	if _, _, err := net.SplitHostPort(host); err == nil {
		port = "" // http.host may be "host:port" already
	} else if strings.Contains(host, ":") && !strings.HasPrefix(host, "[") {
		host = "[" + host + "]" // an IPv6 literal
	}
	defaultPort := (scheme == "http" && port == "80") || (scheme == "https" && port == "443")
	if port != "" && !defaultPort {
		host += ":" + port
	}
	return scheme + "://" + host + path
}

// sensitiveHeader tells whether a captured request header is replaced by "[REDACTED]" before it leaves.
func sensitiveHeader(name string) bool {
	n := strings.ToLower(name)
	switch n {
	case "authorization", "proxy-authorization", "cookie", "set-cookie":
		return true
	}
	for _, part := range []string{"key", "token", "secret", "password"} {
		if strings.Contains(n, part) {
			return true
		}
	}
	return false
}

// notifyBodies encodes events into Notify request bodies of at most maxEvents events and about maxNotifyBody
// bytes each, and returns each body with its event count. An event that cannot be encoded is skipped and
// counted in skipped.
func notifyBodies(key string, events []pendingEvent, maxEvents int) (bodies [][]byte, counts []int, skipped int) {
	var batch []rawJSONEvent
	size := 0
	cut := func() {
		if len(batch) == 0 {
			return
		}
		body, err := notifyBody(key, batch)
		if err != nil {
			skipped += len(batch)
		} else {
			bodies, counts = append(bodies, body), append(counts, len(batch))
		}
		batch, size = nil, 0
	}
	for _, p := range events {
		raw, err := encodeEvent(p)
		if err != nil {
			skipped++
			continue
		}
		if len(batch) == maxEvents || (len(batch) > 0 && size+len(raw) > maxNotifyBody) {
			cut()
		}
		batch = append(batch, raw)
		size += len(raw) + 1
	}
	cut()
	return bodies, counts, skipped
}

// notifyBody encodes a Notify request body around events encoded beforehand. The events are spliced in as
// they are: json.Marshal made them valid and compact, and encoding them again would only check and copy
// every byte a second time.
func notifyBody(key string, events []rawJSONEvent) ([]byte, error) {
	//nolint:gosec // the Notify API requires the key in the body; the body is never logged
	head, err := json.Marshal(notifyHeadJSON{APIKey: key, PayloadVersion: notifyPayloadVersion, Notifier: notifier()})
	if err != nil {
		return nil, err
	}
	size := len(head) + len(`,"events":[]`)
	for _, raw := range events {
		size += len(raw) + 1
	}
	body := make([]byte, 0, size)
	body = append(body, head[:len(head)-1]...) // without its closing brace
	body = append(body, `,"events":[`...)
	for i, raw := range events {
		if i > 0 {
			body = append(body, ',')
		}
		body = append(body, raw...)
	}
	return append(body, "]}"...), nil
}
