package processor

import (
	"cmp"
	"strconv"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
)

// Attribute keys that otelsessions defines or reads beyond the semantic conventions it imports.
const (
	// UnhandledKey is the override attribute: a bool (or the string "true" or "false") that, on an exception
	// event, decides whether that event is unhandled, and on a span decides it for every error event of the
	// span, its status event included. The event's attribute wins over the span's; both win over every
	// other rule. Values of other types are ignored.
	//
	// Set it to false to keep an error recorded on an entry span handled when the response is a 5xx:
	// otelhttp then sets the span's status to Error, and an exception on an entry span that ends in Error,
	// or that status alone, is unhandled.
	UnhandledKey = attribute.Key("otelsessions.unhandled")
	// ExceptionEscapedKey marks an exception event whose exception escaped the span's scope: a bool, or the
	// string "true" in any case. The semantic conventions dropped it; otelsessions reads it as unhandled.
	ExceptionEscapedKey = attribute.Key("exception.escaped")
	// SessionIDKey is the span attribute that carries the ID of the span's session.
	SessionIDKey = semconv.SessionIDKey

	httpStatusCodeOldKey = attribute.Key("http.status_code")
	httpMethodOldKey     = attribute.Key("http.method")
	httpTargetOldKey     = attribute.Key("http.target")
	errorTagKey          = attribute.Key("error")
)

// override is what an override attribute says.
type override uint8

const (
	overrideNone override = iota
	overrideHandled
	overrideUnhandled
)

func readOverride(v attribute.Value) override {
	switch v.Type() {
	case attribute.BOOL:
		if v.AsBool() {
			return overrideUnhandled
		}
		return overrideHandled
	case attribute.STRING:
		switch strings.ToLower(strings.TrimSpace(v.AsString())) {
		case "true":
			return overrideUnhandled
		case "false":
			return overrideHandled
		}
	}
	return overrideNone
}

// decide applies the overrides, the event's first, then the span's, to what the rules say.
func decide(event, span override, rule bool) (unhandled, overridden bool) {
	switch {
	case event != overrideNone:
		return event == overrideUnhandled, true
	case span != overrideNone:
		return span == overrideUnhandled, true
	}
	return rule, false
}

func isTrue(v attribute.Value) bool {
	switch v.Type() {
	case attribute.BOOL:
		return v.AsBool()
	case attribute.STRING:
		return strings.EqualFold(strings.TrimSpace(v.AsString()), "true")
	}
	return false
}

// isClientErrorStatus reports whether an HTTP response status attribute value is 4xx.
func isClientErrorStatus(v attribute.Value) bool {
	var code int64
	switch v.Type() {
	case attribute.INT64:
		code = v.AsInt64()
	case attribute.FLOAT64:
		code = int64(v.AsFloat64())
	case attribute.STRING:
		n, err := strconv.ParseInt(strings.TrimSpace(v.AsString()), 10, 64)
		if err != nil {
			return false
		}
		code = n
	default:
		return false
	}
	return code >= 400 && code < 500
}

// requestPrefixes are the attribute namespaces that describe the request, as internal/derive reads them:
// server.* gives the exporter the host and port of the request's URL.
var requestPrefixes = []string{"http.", "url.", "client.", "server.", "user_agent.", "net."}

// isRequestAttr reports whether an attribute describes the request, and goes on the error event.
func isRequestAttr(k attribute.Key) bool {
	for _, p := range requestPrefixes {
		if strings.HasPrefix(string(k), p) {
			return true
		}
	}
	return false
}

// spanFacts is what the error rules read of a span's attributes, in one pass.
type spanFacts struct {
	override    override
	clientError bool // the HTTP response status is 4xx
	errorType   string
	errorTag    string
	route       string
	method      string // http.request.method, or the older http.method
	path        string // url.path, or the older http.target without its query
	request     map[string]string
}

// context names where an error of the span happened: its http.route; else the request's method and path
// ("GET /orders"), as otelhttp names a span once routed, since a panic escapes before otelhttp renames the
// span and sets the route; else "".
func (f *spanFacts) context() string {
	switch {
	case f.route != "":
		return f.route
	case f.path == "":
		return ""
	case f.method != "":
		return f.method + " " + f.path
	default:
		return f.path
	}
}

func readSpanFacts(attrs []attribute.KeyValue) spanFacts {
	var f spanFacts
	statusSeen := false
	for _, kv := range attrs {
		switch kv.Key {
		case UnhandledKey:
			f.override = readOverride(kv.Value)
		case semconv.HTTPResponseStatusCodeKey:
			f.clientError, statusSeen = isClientErrorStatus(kv.Value), true
		case httpStatusCodeOldKey:
			if !statusSeen {
				f.clientError = isClientErrorStatus(kv.Value)
			}
		case semconv.ErrorTypeKey:
			f.errorType = kv.Value.String()
		case errorTagKey:
			f.errorTag = kv.Value.String()
		case semconv.HTTPRouteKey:
			f.route = kv.Value.String()
		case semconv.HTTPRequestMethodKey:
			f.method = kv.Value.String()
		case httpMethodOldKey:
			f.method = cmp.Or(f.method, kv.Value.String())
		case semconv.URLPathKey:
			f.path = kv.Value.String()
		case httpTargetOldKey:
			f.path = cmp.Or(f.path, targetPath(kv.Value.String()))
		}
		if isRequestAttr(kv.Key) {
			if f.request == nil {
				f.request = make(map[string]string)
			}
			f.request[string(kv.Key)] = kv.Value.String()
		}
	}
	return f
}

// exceptionFacts is what the error rules read of an exception event's attributes.
type exceptionFacts struct {
	override                  override
	escaped                   bool
	class, message, stackText string
}

func readExceptionFacts(attrs []attribute.KeyValue) exceptionFacts {
	var f exceptionFacts
	for _, kv := range attrs {
		switch kv.Key {
		case UnhandledKey:
			f.override = readOverride(kv.Value)
		case ExceptionEscapedKey:
			f.escaped = isTrue(kv.Value)
		case semconv.ExceptionTypeKey:
			f.class = kv.Value.String()
		case semconv.ExceptionMessageKey:
			f.message = kv.Value.String()
		case semconv.ExceptionStacktraceKey:
			f.stackText = kv.Value.String()
		}
	}
	return f
}

// targetPath returns the path of an http.target: the target without its query or fragment.
func targetPath(target string) string {
	if i := strings.IndexAny(target, "?#"); i >= 0 {
		return target[:i]
	}
	return target
}
