package derive

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// TestStatusEventTime: an Error status is known when its span ends, so its event is timed there, as the SDK
// processor times it; a span without an end falls back to its start.
func TestStatusEventTime(t *testing.T) {
	td := build(sp{svc: "a", id: "01", kind: ptrace.SpanKindServer, err: true})
	s := td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0)
	end := base.Add(250 * time.Millisecond)
	s.SetEndTimestamp(pcommon.NewTimestampFromTime(end))
	tr := resolveOne(t, Config{}, td)
	require.Len(t, tr.Events, 1)
	assert.True(t, tr.Events[0].Time.Equal(end), "got %s", tr.Events[0].Time)

	s.SetEndTimestamp(0)
	tr = resolveOne(t, Config{}, td)
	require.Len(t, tr.Events, 1)
	assert.True(t, tr.Events[0].Time.Equal(s.StartTimestamp().AsTime()), "got %s", tr.Events[0].Time)
}
