package tracefile

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"
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

// chunk is a piece of the file decoded as one unit: a whole document, one JSON line or one of several
// concatenated values. line and col are the position of data[0] in the file; col 0 means column 1.
type chunk struct {
	data []byte
	line int
	col  int
}

// pos converts a byte offset in c.data to a line and column of the file.
func (c chunk) pos(off int) (line, col int) {
	off = min(max(off, 0), len(c.data))
	before := c.data[:off]
	nl := bytes.LastIndexByte(before, '\n')
	if nl < 0 {
		return c.line, max(c.col, 1) + off
	}
	return c.line + bytes.Count(before, []byte{'\n'}), off - nl
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

// clip shortens s for an error message, cutting it between characters.
func clip(s string) string {
	if len(s) <= 48 {
		return s
	}
	n := 48
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
