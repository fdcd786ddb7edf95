package derive

import (
	"github.com/google/uuid"
	"go.opentelemetry.io/collector/pdata/pcommon"
)

// idNamespace is the UUID namespace of session IDs derived from data ("otelsessions" in ASCII, padded).
var idNamespace = uuid.MustParse("6f74656c-7365-5373-696f-6e7300000000")

// SessionID returns the ID of the session whose entry span is spanID in trace traceID: a version 5 UUID of
// the trace ID followed by the span ID, so that replays, retries and Collector replicas agree.
func SessionID(traceID pcommon.TraceID, spanID pcommon.SpanID) uuid.UUID {
	var b [24]byte
	copy(b[:16], traceID[:])
	copy(b[16:], spanID[:])
	return uuid.NewSHA1(idNamespace, b[:])
}
