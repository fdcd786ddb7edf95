package derive_test

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelsessions/otelsessions/internal/derive"
	"github.com/otelsessions/otelsessions/internal/realdata"
	"github.com/otelsessions/otelsessions/internal/tracefile"
	"github.com/otelsessions/otelsessions/internal/traceiter"
)

// TestSessionAtIsSessionOf: for every span of every real recording, and for copies of spans and spans
// without a span id added to them, the session SessionAt gives by order of arrival is the one SessionOf
// gives by span id and kind.
func TestSessionAtIsSessionOf(t *testing.T) {
	for _, rel := range realdata.Files(t) {
		t.Run(rel, func(t *testing.T) {
			path := realdata.File(t, rel)
			f, err := os.Open(path)
			require.NoError(t, err)
			defer f.Close()
			var batches []ptrace.Traces
			_, err = tracefile.Read(path, f, func(td ptrace.Traces) { batches = append(batches, td) })
			require.NoError(t, err)
			// The first batch again, with its spans' ids cleared in every other span: duplicates and
			// malformed spans among the rest.
			again := ptrace.NewTraces()
			batches[0].CopyTo(again)
			n := 0
			for _, s := range traceiter.Spans(again) {
				if n%2 == 1 {
					s.SetSpanID(pcommon.SpanID{})
				}
				n++
			}
			batches = append(batches, again)

			eng := derive.New(derive.Config{SpanSessions: true})
			arrived := map[pcommon.TraceID][]derive.SpanRef{}
			for _, td := range batches {
				eng.Add(td)
				for _, s := range traceiter.Spans(td) {
					if !s.SpanID().IsEmpty() {
						ref := derive.SpanRef{ID: s.SpanID(), Kind: s.Kind()}
						arrived[s.TraceID()] = append(arrived[s.TraceID()], ref)
					}
				}
			}
			checked := 0
			eng.ResolveAll(func(tr derive.Trace) {
				for k, ref := range arrived[tr.ID] {
					want, wantOK := tr.SessionOf(ref)
					got, ok := tr.SessionAt(k)
					assert.Equal(t, wantOK, ok, "span %d (%s)", k, ref.ID)
					assert.Equal(t, want, got, "span %d (%s)", k, ref.ID)
					checked++
				}
				_, ok := tr.SessionAt(len(arrived[tr.ID]))
				assert.False(t, ok, "no span beyond the last")
			})
			assert.Positive(t, checked)
		})
	}
}
