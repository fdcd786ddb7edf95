package derive

import (
	"crypto/sha1" //nolint:gosec // UUID version 5 is defined on SHA-1; no security rests on it

	"github.com/google/uuid"
	"go.opentelemetry.io/collector/pdata/pcommon"
)

// idNamespace is the UUID namespace of session IDs derived from data ("otelsessions" in ASCII, padded).
var idNamespace = uuid.MustParse("6f74656c-7365-5373-696f-6e7300000000")

// SessionID returns the ID of the session whose entry span is spanID in trace traceID: a version 5 UUID of
// the trace ID followed by the span ID, so that replays, retries and Collector replicas agree. It computes
// what uuid.NewSHA1(idNamespace, traceID+spanID) does, without allocating: it runs for every entry span and
// every span that carries a session.id.
func SessionID(traceID pcommon.TraceID, spanID pcommon.SpanID) uuid.UUID {
	var b [16 + 16 + 8]byte
	copy(b[:16], idNamespace[:])
	copy(b[16:32], traceID[:])
	copy(b[32:], spanID[:])
	sum := sha1.Sum(b[:]) //nolint:gosec // see the import
	var id uuid.UUID
	copy(id[:], sum[:16])
	id[6] = id[6]&0x0f | 0x50 // version 5
	id[8] = id[8]&0x3f | 0x80 // RFC 4122 variant
	return id
}
