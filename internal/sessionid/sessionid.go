// Package sessionid derives a session's ID from its entry span: the one rule that the SDK processor, the
// Collector components and replay share, so that they agree on every session whatever path its spans took.
package sessionid

import (
	"crypto/sha1" //nolint:gosec // UUID version 5 is defined on SHA-1; no security rests on it

	"github.com/google/uuid"
)

// Namespace is the UUID namespace of session IDs derived from spans ("otelsessions" in ASCII, padded), the
// one docs/semantics.md gives.
var Namespace = uuid.MustParse("6f74656c-7365-5373-696f-6e7300000000")

// Of returns the ID of the session whose entry span is spanID in trace traceID: the version 5 UUID of the
// trace ID followed by the span ID in Namespace, as uuid.NewSHA1 computes it, without allocating, since it
// runs for every entry span and every span that carries a session.id. The OTel SDK's and pdata's trace and
// span IDs are both accepted as they are.
func Of(traceID [16]byte, spanID [8]byte) uuid.UUID {
	var b [16 + 16 + 8]byte
	copy(b[:16], Namespace[:])
	copy(b[16:32], traceID[:])
	copy(b[32:], spanID[:])
	sum := sha1.Sum(b[:]) //nolint:gosec // see the import
	var id uuid.UUID
	copy(id[:], sum[:16])
	id[6] = id[6]&0x0f | 0x50 // version 5
	id[8] = id[8]&0x3f | 0x80 // RFC 4122 variant
	return id
}
