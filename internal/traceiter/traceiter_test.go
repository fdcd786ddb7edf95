package traceiter

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

func TestSpansInOrderWithTheirResources(t *testing.T) {
	td := ptrace.NewTraces()
	for r, counts := range [][]int{{2, 0, 1}, {}, {3}} {
		rs := td.ResourceSpans().AppendEmpty()
		rs.Resource().Attributes().PutInt("r", int64(r))
		for _, n := range counts {
			spans := rs.ScopeSpans().AppendEmpty().Spans()
			for range n {
				spans.AppendEmpty().SetName(string(rune('a' + td.SpanCount() - 1)))
			}
		}
	}
	var got []string
	for res, span := range Spans(td) {
		r, _ := res.Attributes().Get("r")
		got = append(got, r.AsString()+span.Name())
		span.SetName(span.Name() + "!")
	}
	assert.Equal(t, []string{"0a", "0b", "0c", "2d", "2e", "2f"}, got)
	assert.Equal(t, "a!", td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).Name(), "spans are td's own")
}

func TestSpansStopsWhenAsked(t *testing.T) {
	td := ptrace.NewTraces()
	spans := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans()
	for range 5 {
		spans.AppendEmpty()
	}
	n := 0
	for range Spans(td) {
		n++
		if n == 2 {
			break
		}
	}
	assert.Equal(t, 2, n)
	for range Spans(ptrace.NewTraces()) {
		t.Fatal("an empty batch has no span")
	}
}
