package demo

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelsessions/otelsessions/session"
)

func TestCount(t *testing.T) {
	assert.Equal(t, "0 spans", count(0, "span", "spans"))
	assert.Equal(t, "1 span", count(1, "span", "spans"))
	assert.Equal(t, "2 spans", count(int64(2), "span", "spans"))
}

// TestTableCountsInSingular checks that the table's last line writes counts of one in the singular.
func TestTableCountsInSingular(t *testing.T) {
	res := &Result{ExportedSpans: 1, ExportedTraces: 1, Load: LoadStats{Answered: 1, Crashed: 1}}
	var buf bytes.Buffer
	require.NoError(t, res.WriteTable(&buf))
	assert.Contains(t, buf.String(),
		"the span exporter got 1 span of 1 trace; the load got 1 answer and 1 connection closed by a panic\n")

	res = &Result{ExportedSpans: 4, ExportedTraces: 2, Load: LoadStats{Answered: 2}}
	buf.Reset()
	require.NoError(t, res.WriteTable(&buf))
	assert.Contains(t, buf.String(),
		"the span exporter got 4 spans of 2 traces; the load got 2 answers and 0 connections closed by a panic\n")
}

func TestFlushCountsOutsideErrorsInSingular(t *testing.T) {
	var out bytes.Buffer
	f := newFlusher(&out, time.Hour)
	f.ErrorEvent(session.Event{})
	f.flush(time.Date(2026, 12, 3, 15, 4, 5, 0, time.UTC))
	assert.Equal(t, "flushed 15:04:05  1 error event outside sessions\n", out.String())
}

func TestValidateCountsRequestsInSingular(t *testing.T) {
	err := (&Options{Requests: 1, HandledRate: 1, UnhandledRate: 1}).Validate()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ask for 1 and 1 of 1 request (")
}
