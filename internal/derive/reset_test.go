package derive

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestResetEngineDerivesAsANewOne checks that an engine reset after one batch derives the next as a new
// engine does, and that a trace resolved before the reset keeps its resource.
func TestResetEngineDerivesAsANewOne(t *testing.T) {
	first := build(
		sp{svc: "api", id: "01", kind: server},
		sp{svc: "api", id: "02", parent: "01", kind: internal, err: true},
	)
	second := build(
		sp{svc: "web", id: "03", kind: server, err: true},
		sp{svc: "web", id: "04", parent: "03", kind: client},
		sp{svc: "web", id: "04", parent: "03", kind: client},
	)
	reused := New(Config{SpanSessions: true})
	reused.Add(first)
	before, ok := reused.Resolve(traceID("t1"))
	require.True(t, ok)
	reused.Add(build(sp{svc: "db", id: "09", kind: server})) // left pending: Reset drops it
	reused.Reset()
	assert.Zero(t, reused.Pending())
	assert.Zero(t, reused.Stats())
	assert.Equal(t, "api", before.Sessions[0].Resource.Service)

	reused.Add(second)
	got, ok := reused.Resolve(traceID("t1"))
	require.True(t, ok)
	fresh := New(Config{SpanSessions: true})
	fresh.Add(second)
	want, _ := fresh.Resolve(traceID("t1"))
	assert.Equal(t, want, got)
	assert.Equal(t, fresh.Stats(), reused.Stats())
	assert.Equal(t, int64(1), reused.Stats().DuplicateSpans)
	assert.Equal(t, "web", got.Sessions[0].Resource.Service)
}
