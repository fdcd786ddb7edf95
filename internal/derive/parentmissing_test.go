package derive

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// TestParentMissing: a session says when its entry span is one only because its parent is not in the data,
// which the sessions processor uses to hold such sessions for a late enclosing entry span.
func TestParentMissing(t *testing.T) {
	server := ptrace.SpanKindServer
	tests := []struct {
		name string
		span sp
		want bool
	}{
		{"root", sp{svc: "a", id: "01", kind: server}, false},
		{"parent missing, flags unknown", sp{svc: "a", id: "02", parent: "01", kind: server}, true},
		{"parent missing, flagged remote", sp{svc: "a", id: "02", parent: "01", kind: server, flags: 0x300}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eng := New(Config{})
			eng.Add(build(tt.span))
			tr, ok := eng.Resolve(traceID(""))
			require.True(t, ok)
			require.Len(t, tr.Sessions, 1)
			assert.Equal(t, tt.want, tr.Sessions[0].ParentMissing)
		})
	}

	eng := New(Config{})
	eng.Add(build(sp{svc: "a", id: "01", kind: server}, sp{svc: "b", id: "02", parent: "01", kind: server}))
	tr, _ := eng.Resolve(traceID(""))
	require.Len(t, tr.Sessions, 2)
	assert.False(t, tr.Sessions[1].ParentMissing, "an entry span under another service's span has its parent")
}
