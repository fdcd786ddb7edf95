package tracefile

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelsessions/otelsessions/internal/traceiter"
)

// summary is what the tests compare about the traces Read delivered.
type summary struct {
	traces     map[string]bool
	kinds      map[ptrace.SpanKind]int
	errors     int // spans with error status
	exceptions int // events named "exception"
	spans      int
}

func newSummary() *summary {
	return &summary{traces: map[string]bool{}, kinds: map[ptrace.SpanKind]int{}}
}

func (s *summary) add(td ptrace.Traces) {
	for _, span := range traceiter.Spans(td) {
		s.spans++
		s.traces[span.TraceID().String()] = true
		s.kinds[span.Kind()]++
		if span.Status().Code() == ptrace.StatusCodeError {
			s.errors++
		}
		for e := range span.Events().Len() {
			if span.Events().At(e).Name() == "exception" {
				s.exceptions++
			}
		}
	}
}

// readBytes runs Read on data and returns its results with every batch collected.
func readBytes(tb testing.TB, name string, data []byte) (Stats, []ptrace.Traces, error) {
	tb.Helper()
	var got []ptrace.Traces
	st, err := Read(name, bytes.NewReader(data), func(td ptrace.Traces) { got = append(got, td) })
	return st, got, err
}

// fileErrors returns the *Errors joined in err.
func fileErrors(tb testing.TB, err error) []*Error {
	tb.Helper()
	if err == nil {
		return nil
	}
	var out []*Error
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range joined.Unwrap() {
			var fe *Error
			require.ErrorAs(tb, e, &fe, "%T is not *Error: %v", e, e)
			out = append(out, fe)
		}
		return out
	}
	var fe *Error
	require.ErrorAs(tb, err, &fe, "%T is not *Error: %v", err, err)
	return append(out, fe)
}

// allSpans flattens the spans of some batches.
func allSpans(tds []ptrace.Traces) []ptrace.Span {
	var out []ptrace.Span
	for _, td := range tds {
		for _, span := range traceiter.Spans(td) {
			out = append(out, span)
		}
	}
	return out
}
