package tracefile

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

func TestErrorString(t *testing.T) {
	inner := errors.New("boom")
	tests := []struct {
		name string
		err  *Error
		want string
	}{
		{
			name: "line and column", err: &Error{File: "a.json", Line: 3, Column: 7, Err: inner},
			want: "a.json:3:7: boom",
		},
		{name: "line only", err: &Error{File: "a.json", Line: 3, Err: inner}, want: "a.json:3: boom"},
		{name: "no position", err: &Error{File: "-", Err: inner}, want: "-: boom"},
		{name: "nil error", err: &Error{File: "a"}, want: "a: unknown error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.err.Error())
			assert.Equal(t, tt.err.Err, errors.Unwrap(tt.err))
		})
	}
}

func TestFormatString(t *testing.T) {
	for f, want := range map[Format]string{
		FormatUnknown: "unknown", FormatOTLPJSON: "otlp-json", FormatOTLPProto: "otlp-proto",
		FormatZipkinJSON: "zipkin-json", FormatJaegerJSON: "jaeger-json", Format(99): "unknown",
	} {
		assert.Equal(t, want, f.String())
	}
}

// TestReadBadInput: each input gives exactly one clear *Error, no batch and no panic.
func TestReadBadInput(t *testing.T) {
	truncated := "{\n  \"resourceSpans\": [\n    {\"scopeSpans\": [{\"spans\": [{\"name\": \"x\""
	tests := []struct {
		name     string
		input    string
		want     string
		line     int
		col      int
		notTrace bool
	}{
		{name: "empty", input: "", want: "in: empty input"},
		{name: "blank", input: " \n\t\r\n", want: "in: empty input"},
		{
			name: "garbage bytes", input: "\x00\x01\x02\xffgarbage",
			want: "not trace data (tried OTLP protobuf:", notTrace: true,
		},
		{name: "plain text", input: "hello, world\n", want: "not trace data (tried OTLP protobuf:", notTrace: true},
		{
			name: "empty object", input: "{}",
			want: "in:1:1: not trace data: an empty JSON object", line: 1, col: 1, notTrace: true,
		},
		{
			name: "empty array", input: " []",
			want: "in:1:2: not trace data: an empty JSON array", line: 1, col: 2, notTrace: true,
		},
		{
			name: "foreign object", input: `{"foo":1}`,
			want: `not trace data: a JSON object with keys "foo"`, line: 1, col: 1, notTrace: true,
		},
		{
			name: "truncated document", input: truncated,
			want: "in:3:44: invalid JSON: unexpected end of JSON input", line: 3, col: 44,
		},
		{
			name: "syntax error", input: "{\n \"resourceSpans\": [}\n",
			want: "in:2:20: invalid JSON: invalid character '}'", line: 2, col: 20,
		},
		{name: "truncated array", input: `[{"traceId":"a"`, want: "in:1:16: invalid JSON", line: 1, col: 16},
		{
			name:  "bad OTLP id",
			input: `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"zz","spanId":"0000000000000001"}]}]}]}`,
			want: "in:1:55: bad OTLP span: " +
				`resourceSpans[0].scopeSpans[0].spans[0].traceId: id "zz" is neither`,
			line: 1, col: 55,
		},
		{
			name:  "wrong type of id",
			input: `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":5}]}]}]}`,
			want:  "traceId: want a string, got a number", line: 1, col: 55,
		},
		{
			name: "BOM then empty object", input: "\xef\xbb\xbf{}",
			want: "in:1:1: not trace data", line: 1, col: 1, notTrace: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			called := false
			st, err := Read("in", strings.NewReader(tt.input), func(ptrace.Traces) { called = true })
			assert.False(t, called)
			assert.Zero(t, st.Batches)
			errs := fileErrors(t, err)
			require.Len(t, errs, 1, "%v", err)
			assert.Contains(t, errs[0].Error(), tt.want)
			assert.Equal(t, "in", errs[0].File)
			assert.Equal(t, tt.line, errs[0].Line, "%v", errs[0])
			assert.Equal(t, tt.col, errs[0].Column, "%v", errs[0])
			assert.Equal(t, tt.notTrace, errors.Is(err, errNotTrace), "%v", err)
		})
	}
}

// TestReadNonSeekable reads through a reader that hands out one byte at a time.
func TestReadNonSeekable(t *testing.T) {
	input := `[{"traceId":"a03ee8fff1dcd9b9","id":"15fc03927f0f68df","name":"get","localEndpoint":{"serviceName":"a"}}]`
	st, err := Read("-", iotest.OneByteReader(strings.NewReader(input)), nil)
	require.NoError(t, err)
	assert.Equal(t, Stats{Format: FormatZipkinJSON, Batches: 1, Spans: 1}, st)
}

func TestReadReaderError(t *testing.T) {
	_, err := Read("-", iotest.ErrReader(io.ErrUnexpectedEOF), nil)
	errs := fileErrors(t, err)
	require.Len(t, errs, 1)
	require.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.Equal(t, "-: reading: unexpected EOF", errs[0].Error())
}
