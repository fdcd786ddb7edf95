package demo

import (
	"context"
	"encoding/binary"
	"math/rand/v2"
	"sync"

	"go.opentelemetry.io/otel/trace"
)

// seededIDs is an IDGenerator that makes the demo reproducible: trace IDs come from one seeded stream and
// child span IDs from another, so that however the concurrent requests interleave, the demo draws the
// same set of trace IDs, and head sampling keeps the same number of traces.
type seededIDs struct {
	mu            sync.Mutex
	traces, spans *rand.Rand
}

func newSeededIDs(seed uint64) *seededIDs {
	return &seededIDs{
		traces: rand.New(rand.NewPCG(seed, 1)), //nolint:gosec // reproducible IDs are the point
		spans:  rand.New(rand.NewPCG(seed, 2)), //nolint:gosec // reproducible IDs are the point
	}
}

// NewIDs returns a new trace ID and the ID of its root span.
func (g *seededIDs) NewIDs(context.Context) (trace.TraceID, trace.SpanID) {
	g.mu.Lock()
	defer g.mu.Unlock()
	var tid trace.TraceID
	var sid trace.SpanID
	for !tid.IsValid() || !sid.IsValid() {
		binary.BigEndian.PutUint64(tid[:8], g.traces.Uint64())
		binary.BigEndian.PutUint64(tid[8:], g.traces.Uint64())
		binary.BigEndian.PutUint64(sid[:], g.traces.Uint64())
	}
	return tid, sid
}

// NewSpanID returns the ID of a child span.
func (g *seededIDs) NewSpanID(context.Context, trace.TraceID) trace.SpanID {
	g.mu.Lock()
	defer g.mu.Unlock()
	var sid trace.SpanID
	for !sid.IsValid() {
		binary.BigEndian.PutUint64(sid[:], g.spans.Uint64())
	}
	return sid
}
