package processor

import (
	"crypto/sha1" //nolint:gosec // UUID version 5 is defined on SHA-1; no security rests on it

	"github.com/google/uuid"
	"go.opentelemetry.io/otel/trace"
)

// idNamespace is the UUID namespace of session IDs derived from spans ("otelsessions" in ASCII, padded). It
// is the one docs/semantics.md gives, so that the processor, the Collector components and replay agree.
var idNamespace = uuid.MustParse("6f74656c-7365-5373-696f-6e7300000000")

// sessionID returns the ID of the session whose entry span is spanID in trace traceID: the version 5 UUID of
// the trace ID followed by the span ID in idNamespace, as uuid.NewSHA1 computes it, without allocating.
func sessionID(traceID trace.TraceID, spanID trace.SpanID) uuid.UUID {
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
