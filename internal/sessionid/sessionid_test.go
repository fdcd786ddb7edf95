package sessionid

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOfIsUUIDv5: the allocation-free Of gives what the uuid package's NewSHA1 gives.
func TestOfIsUUIDv5(t *testing.T) {
	for i := range 256 {
		tid := [16]byte{byte(i), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, byte(255 - i)}
		sid := [8]byte{7, byte(i), 5, 4, 3, 2, 1, byte(i * 7)}
		name := append(append([]byte{}, tid[:]...), sid[:]...)
		id := Of(tid, sid)
		assert.Equal(t, uuid.NewSHA1(Namespace, name), id)
		assert.Equal(t, uuid.Version(5), id.Version())
		assert.Equal(t, uuid.RFC4122, id.Variant())
	}
}

// TestOfIsAPureFunctionOfTraceAndEntrySpan: the ID depends on the trace and the span ID, and agrees with a
// vector computed outside this code (Python's uuid.uuid5 with the documented namespace, for the routing entry
// span of the Yelp Zipkin recording; docs/derivations.md).
func TestOfIsAPureFunctionOfTraceAndEntrySpan(t *testing.T) {
	require.Equal(t, "6f74656c-7365-5373-696f-6e7300000000", Namespace.String())
	tid := [16]byte{0x5b, 0x8e, 0xff, 0xf7, 0x98, 0x03, 0x81, 0x03, 0xd2, 0x69, 0xb6, 0x33, 0x81, 0x3f, 0xc6, 0x0c}
	sid := [8]byte{0xee, 0xe1, 0x9b, 0x7e, 0xc3, 0xc1, 0xb1, 0x74}
	id := Of(tid, sid)
	assert.Equal(t, id, Of(tid, sid))
	assert.NotEqual(t, id, Of(tid, [8]byte{1}))
	assert.NotEqual(t, id, Of([16]byte{1}, sid))
	yelpTrace := [16]byte{0, 0, 0, 0, 0, 0, 0, 0, 0xa0, 0x3e, 0xe8, 0xff, 0xf1, 0xdc, 0xd9, 0xb9}
	yelpSpan := [8]byte{0x2e, 0x8c, 0xfb, 0x15, 0x4b, 0x59, 0xa4, 0x1f}
	assert.Equal(t, "210bc6ba-a671-5dd7-892f-39d280f1b7ff", Of(yelpTrace, yelpSpan).String())
}

func TestOfAllocatesNothing(t *testing.T) {
	tid, sid := [16]byte{1, 2, 3}, [8]byte{4, 5, 6}
	assert.Zero(t, testing.AllocsPerRun(100, func() { Of(tid, sid) }))
}

func BenchmarkOf(b *testing.B) {
	tid, sid := [16]byte{1, 2, 3}, [8]byte{4, 5, 6}
	b.ReportAllocs()
	for b.Loop() {
		Of(tid, sid)
	}
}
