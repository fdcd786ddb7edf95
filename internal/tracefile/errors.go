package tracefile

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
)

// Error is a problem at a position in a file. It prints as "name:line:col: msg",
// "name:line: msg" when only the line is known, or "name: msg" without position.
// Lines and columns count from 1; columns count bytes.
type Error struct {
	File   string
	Line   int
	Column int
	Err    error
}

// Error formats the error with its position.
func (e *Error) Error() string {
	var b []byte
	b = append(b, e.File...)
	if e.Line > 0 {
		b = append(b, ':')
		b = strconv.AppendInt(b, int64(e.Line), 10)
		if e.Column > 0 {
			b = append(b, ':')
			b = strconv.AppendInt(b, int64(e.Column), 10)
		}
	}
	b = append(b, ": "...)
	if e.Err != nil {
		b = append(b, e.Err.Error()...)
	} else {
		b = append(b, "unknown error"...)
	}
	return string(b)
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// errNotTrace is wrapped by every error that says the content is not trace data.
var errNotTrace = errors.New("not trace data")

// chunk is a piece of the file decoded as one unit (a whole document or one JSON line).
// line is the number of the line data starts on.
type chunk struct {
	data []byte
	line int
}

// pos converts a byte offset in c.data to a line and column of the file.
func (c chunk) pos(off int) (line, col int) {
	off = min(max(off, 0), len(c.data))
	before := c.data[:off]
	line = c.line + bytes.Count(before, []byte{'\n'})
	col = off - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}

// syntaxError returns the offset and error of the first JSON syntax error in c.data,
// or a nil error when c.data is valid JSON. It is only called on error paths.
func (c chunk) syntaxError() (off int, err error) {
	var raw json.RawMessage
	var se *json.SyntaxError
	if !errors.As(json.Unmarshal(c.data, &raw), &se) {
		return 0, nil
	}
	off = int(se.Offset) - 1 // Offset counts the bad byte
	if off < 0 || strings.HasPrefix(se.Error(), "unexpected end") {
		// truncated input: point just after the last non-blank byte
		off = len(bytes.TrimRight(c.data, " \t\r\n"))
	}
	return off, se
}
