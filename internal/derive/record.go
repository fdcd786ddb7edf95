package derive

import (
	"cmp"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelsessions/otelsessions/internal/sessionid"
)

// Span and event attribute keys the rules read.
const (
	// AttrUnhandled is the override attribute: on an exception event it decides that event, on a span every
	// error event of that span. A bool, or the string "true" or "false".
	AttrUnhandled = "otelsessions.unhandled"
	// AttrSessionID is the span attribute that carries a span's session (OpenTelemetry semantic conventions).
	AttrSessionID = "session.id"

	eventException      = "exception"
	attrExcType         = "exception.type"
	attrExcMessage      = "exception.message"
	attrExcStacktrace   = "exception.stacktrace"
	attrExcEscaped      = "exception.escaped"
	attrErrorType       = "error.type"
	attrErrorTag        = "error"
	attrHTTPRoute       = "http.route"
	attrHTTPStatus      = "http.response.status_code"
	attrHTTPStatusOld   = "http.status_code"
	attrZipkinNoStart   = "otel.zipkin.absentField.startTime"
	flagHasIsRemote     = 0x100
	flagIsRemote        = 0x200
	overrideNone        = 0
	overrideHandled     = 1
	overrideUnhandled   = 2
	defaultStatusErrMsg = "error"
)

// spanRec is the little the engine keeps of a span until its trace is resolved.
type spanRec struct {
	id, parent pcommon.SpanID
	start, end pcommon.Timestamp
	res        int32
	kind       ptrace.SpanKind
	flags      uint32
	statusErr  bool // the status is Error and the span yields a status event if it has no exception event
	untimed    bool // the span has no start time
	override   uint8
	nexc       int32     // exception events of this span in the trace's exc list
	err        *spanErr  // what error events need of the span; only for spans with errors
	joined     uuid.UUID // with Config.JoinTagged: the session another component placed the span in
}

// spanErr is what the error events of a span take from it. Few spans have errors, so it is kept apart:
// a spanRec stays small for the copies that sorting and growing a trace's spans make.
type spanErr struct {
	name, context, statusMsg string
	request                  map[string]string // request attributes
}

// excRec is an exception event kept until its trace is resolved.
type excRec struct {
	span                     int32
	escaped                  bool
	override                 uint8
	time                     pcommon.Timestamp
	class, message, stackTxt string
}

// record turns the span at index idx of its trace into a spanRec and appends its exception events to exc.
// Malformed attributes are counted in st.
func record(sp ptrace.Span, res, idx int32, exc []excRec, cfg *Config, st *Stats) (spanRec, []excRec) {
	rec := spanRec{
		id: sp.SpanID(), parent: sp.ParentSpanID(), start: sp.StartTimestamp(), end: sp.EndTimestamp(), res: res,
		kind: sp.Kind(), flags: sp.Flags(),
	}
	attrs := sp.Attributes()
	if cfg.JoinTagged {
		rec.joined = joinedSession(sp, attrs)
	}
	rec.untimed = rec.start == 0 || isTrue(attrs, attrZipkinNoStart)
	rec.override = readOverride(attrs, st)
	events := sp.Events()
	for i := range events.Len() {
		ev := events.At(i)
		if ev.Name() != eventException {
			continue
		}
		ea := ev.Attributes()
		exc = append(exc, excRec{
			span: idx, escaped: isTrue(ea, attrExcEscaped), override: readOverride(ea, st), time: ev.Timestamp(),
			class: attrString(ea, attrExcType), message: attrString(ea, attrExcMessage),
			stackTxt: attrString(ea, attrExcStacktrace),
		})
		rec.nexc++
	}
	statusMsg := ""
	if sp.Status().Code() == ptrace.StatusCodeError {
		rec.statusErr = cfg.ServerClientErrors || rec.kind != ptrace.SpanKindServer || !isClientError(attrs)
		statusMsg = statusName(sp, attrs)
	}
	if rec.nexc > 0 || rec.statusErr {
		name := sp.Name()
		rec.err = &spanErr{
			name: name, context: cmp.Or(errorContext(attrs), name), statusMsg: statusMsg, request: requestAttrs(attrs),
		}
	}
	return rec, exc
}

// joinedSession returns the session a span's session.id places it in when that is a version 5 UUID (one
// derived from an entry span, as every otelsessions component derives them) other than the span's own.
func joinedSession(sp ptrace.Span, attrs pcommon.Map) uuid.UUID {
	v, ok := attrs.Get(AttrSessionID)
	if !ok || v.Type() != pcommon.ValueTypeStr {
		return uuid.Nil
	}
	id, err := uuid.Parse(v.Str())
	if err != nil || id.Version() != 5 || id == sessionid.Of(sp.TraceID(), sp.SpanID()) {
		return uuid.Nil
	}
	return id
}

// errorContext names where an error of the span happened, as the SDK processor does: its http.route; else
// the request's method and path ("GET /orders"); else "".
func errorContext(attrs pcommon.Map) string {
	if r := attrString(attrs, attrHTTPRoute); r != "" {
		return r
	}
	path := attrString(attrs, "url.path")
	if path == "" {
		path, _, _ = strings.Cut(attrString(attrs, "http.target"), "?")
	}
	if path == "" {
		return ""
	}
	if m := cmp.Or(attrString(attrs, "http.request.method"), attrString(attrs, "http.method")); m != "" {
		return m + " " + path
	}
	return path
}

// requestPrefixes are the attribute namespaces that describe the request a span served or made.
var requestPrefixes = []string{"http.", "url.", "client.", "server.", "user_agent.", "net."}

// requestAttrs copies the span's request attributes as strings, or returns nil when there are none.
func requestAttrs(attrs pcommon.Map) map[string]string {
	var out map[string]string
	for k, v := range attrs.All() {
		for _, p := range requestPrefixes {
			if strings.HasPrefix(k, p) {
				if out == nil {
					out = make(map[string]string)
				}
				out[k] = v.AsString()
				break
			}
		}
	}
	return out
}

// statusName names the failure behind an Error status: error.type, the status message, the Zipkin or Jaeger
// error tag, or "error".
func statusName(sp ptrace.Span, attrs pcommon.Map) string {
	if s := attrString(attrs, attrErrorType); s != "" {
		return s
	}
	if s := sp.Status().Message(); s != "" {
		return s
	}
	if s := attrString(attrs, attrErrorTag); s != "" && s != "true" {
		return s
	}
	return defaultStatusErrMsg
}

// isClientError reports whether the span's HTTP response status is 4xx.
func isClientError(attrs pcommon.Map) bool {
	for _, key := range []string{attrHTTPStatus, attrHTTPStatusOld} {
		v, ok := attrs.Get(key)
		if !ok {
			continue
		}
		var code int64
		switch v.Type() {
		case pcommon.ValueTypeInt:
			code = v.Int()
		case pcommon.ValueTypeDouble:
			code = int64(v.Double())
		default:
			n, err := strconv.ParseInt(strings.TrimSpace(v.AsString()), 10, 64)
			if err != nil {
				continue
			}
			code = n
		}
		return code >= 400 && code < 500
	}
	return false
}

// isTrue reports whether the attribute is the bool true or the string "true" in any case.
func isTrue(attrs pcommon.Map, key string) bool {
	v, ok := attrs.Get(key)
	if !ok {
		return false
	}
	switch v.Type() {
	case pcommon.ValueTypeBool:
		return v.Bool()
	case pcommon.ValueTypeStr:
		return strings.EqualFold(strings.TrimSpace(v.Str()), "true")
	default:
		return false
	}
}

// readOverride reads the override attribute; a value that is neither a bool nor "true"/"false" is ignored
// and counted.
func readOverride(attrs pcommon.Map, st *Stats) uint8 {
	v, ok := attrs.Get(AttrUnhandled)
	if !ok {
		return overrideNone
	}
	switch v.Type() {
	case pcommon.ValueTypeBool:
		if v.Bool() {
			return overrideUnhandled
		}
		return overrideHandled
	case pcommon.ValueTypeStr:
		switch strings.ToLower(strings.TrimSpace(v.Str())) {
		case "true":
			return overrideUnhandled
		case "false":
			return overrideHandled
		}
	}
	st.MalformedAttributes++
	return overrideNone
}
