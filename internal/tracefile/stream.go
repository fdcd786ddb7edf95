package tracefile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// readValues reads the JSON values of c one after another: JSON Lines, one document, or several documents
// separated by blanks only, in any layout (pretty-printed documents written one after another, files joined
// with cat). Each value is read as a document of its own.
//
// A value's end is found by a cheap scan that stops at the next line starting a top-level document (see
// nextDocStart), so that a bad value, such as a JSON line cut short, spoils nothing after that line. Anything
// else after a value (other text, a comma, a value cut short) is an error at the place it starts; reading
// resumes at the next line that starts a document.
func (rd *reader) readValues(c chunk) {
	pt := posTracker{c: c, line: c.line, col: max(c.col, 1)}
	lim := &errLimiter{rd: rd, c: c}
	data := c.data
	after, prevEnd := false, 0 // whether a value was read before off, and where it ended
	retries := 3               // budget of whole-file scans that found no end either
	for off := skipSpace(data, 0); off < len(data); off = skipSpace(data, off) {
		switch b := data[off]; {
		case b == utf8BOM[0] && bytes.HasPrefix(data[off:], utf8BOM): // files joined with cat
			off += len(utf8BOM)
			continue
		case b == '{' || b == '[':
			region := nextDocStart(data, off+1)
			var buf [4]rng
			keys := buf[:0]
			end, keys, ok := scanValue(data[:region], off, keys)
			if !ok && region < len(data) && retries > 0 {
				// Rare: a document whose own lines look like the start of a document.
				if end, keys, ok = scanValue(data, off, keys[:0]); !ok {
					retries--
				}
			}
			for i := range keys { // offsets in the value
				keys[i].off, keys[i].end = keys[i].off-off, keys[i].end-off
			}
			if !ok {
				sameLine := after && bytes.IndexByte(data[prevEnd:off], '\n') < 0
				badValue(lim, pt.sub(off, region), sameLine)
				off = region
				continue
			}
			rd.readDoc(pt.sub(off, end), keys)
			off = end
		case b == ',' && after:
			lim.failIn(pt.sub(off, len(data)), 0, errors.New(
				"invalid JSON: unexpected ',' after a JSON value (concatenated values must be separated by blanks)",
			))
			off++
			continue
		default:
			if end, ok := scalarEnd(data, off); ok {
				lim.failIn(pt.sub(off, end), 0, fmt.Errorf("%w: a JSON %s, not an object or array",
					errNotTrace, jsonType(data[off:end])))
				off = end
				break
			}
			badText(lim, pt.sub(off, len(data)), after)
			off = nextDocStart(data, off+1)
			continue
		}
		after, prevEnd = true, off
	}
	lim.done("bad JSON values")
}

// badValue reports the object or array that starts c and is cut short or malformed; c runs to the next line
// that starts a document. after tells whether a value ended before it on the same line: then a value cut
// short is reported where it starts, else where it is cut, as for a JSON line.
func badValue(lim *errLimiter, c chunk, after bool) {
	errOff, err := c.syntaxError()
	if err == nil { // the value is whole but runs past the next line that starts a document
		err = errors.New("unexpected end of JSON input")
		errOff = len(bytes.TrimRight(c.data, " \t\r\n"))
	}
	if truncated := errOff >= len(bytes.TrimRight(c.data, " \t\r\n")); truncated && after {
		line, col := c.pos(errOff)
		lim.failIn(c, 0, fmt.Errorf("invalid JSON: a JSON value cut short (cut off at %d:%d)", line, col))
		return
	}
	lim.failIn(c, errOff, fmt.Errorf("invalid JSON: %w", err))
}

// badText reports the text that starts c and is not JSON; after tells whether a value came before it.
func badText(lim *errLimiter, c chunk, after bool) {
	if !after {
		if off, err := c.syntaxError(); err != nil {
			lim.failIn(c, off, fmt.Errorf("invalid JSON: %w", err))
			return
		}
	}
	text := c.data
	if i := bytes.IndexByte(text, '\n'); i >= 0 {
		text = text[:i]
	}
	text = bytes.TrimRight(text, " \t\r")
	if len(text) > 24 {
		text = append(text[:24:24], "…"...)
	}
	lim.failIn(c, 0, fmt.Errorf("invalid JSON: unexpected text after a JSON value: %q", text))
}

// topDocKeys are the first keys of the documents readValues resumes at after an error.
var topDocKeys = map[string]bool{
	"resourceSpans": true, "resource_spans": true, "batches": true, "data": true,
	"resourceLogs": true, "resource_logs": true, "resourceMetrics": true, "resource_metrics": true,
	"resourceProfiles": true, "resource_profiles": true,
}

// nextDocStart returns the offset of the first line at or after off that starts, in column 1, a top-level
// document: an array, or an object whose first key is one of topDocKeys. It returns len(data) if none does.
func nextDocStart(data []byte, off int) int {
	if off > 0 && off < len(data) && data[off-1] != '\n' {
		i := bytes.IndexByte(data[off:], '\n')
		if i < 0 {
			return len(data)
		}
		off += i + 1
	}
	for off < len(data) {
		p := off
		if bytes.HasPrefix(data[p:], utf8BOM) {
			p += len(utf8BOM)
		}
		if p < len(data) && (data[p] == '[' || (data[p] == '{' && topDocKeys[string(firstKeyBytes(data[p:]))])) {
			return off
		}
		i := bytes.IndexByte(data[off:], '\n')
		if i < 0 {
			break
		}
		off += i + 1
	}
	return len(data)
}

// scalarEnd returns the index just past the JSON string, number, boolean or null at data[off], if there is a
// valid one there.
func scalarEnd(data []byte, off int) (int, bool) {
	var end int
	if data[off] == '"' {
		var err error
		if end, err = skipString(data, off); err != nil {
			return 0, false
		}
	} else {
		end = off
		for end < len(data) && !isSpace(data[end]) && !structural[data[end]] && data[end] != ',' {
			end++
		}
	}
	return end, end > off && json.Valid(data[off:end])
}

// posTracker positions sub-chunks at increasing offsets of a chunk, counting lines only once.
type posTracker struct {
	c         chunk
	off       int // the offset line and col are the position of
	line, col int
}

// sub returns the part of pt.c from off to end, positioned in the file.
func (pt *posTracker) sub(off, end int) chunk {
	if off < pt.off {
		pt.off, pt.line, pt.col = 0, pt.c.line, max(pt.c.col, 1)
	}
	seg := pt.c.data[pt.off:off]
	if nl := bytes.LastIndexByte(seg, '\n'); nl >= 0 {
		pt.line += bytes.Count(seg, []byte{'\n'})
		pt.col = off - (pt.off + nl)
	} else {
		pt.col += off - pt.off
	}
	pt.off = off
	return chunk{data: pt.c.data[off:end], line: pt.line, col: pt.col}
}

// readDoc reads one JSON document, guarding against panics in the decoders. keys are where the top-level keys
// of an object are in c.data, as the scan that found its end saw them.
func (rd *reader) readDoc(c chunk, keys []rng) {
	defer func() {
		if p := recover(); p != nil {
			rd.fail(c, -1, fmt.Errorf("internal error decoding trace data: %v", p))
		}
	}()
	switch firstByte(c.data) {
	case '{':
		rd.readObject(c, keys)
	case '[':
		rd.readZipkin(c)
	default:
		rd.notJSON(c)
	}
}

// notJSON reports a document that does not start like an object or array.
func (rd *reader) notJSON(c chunk) {
	if rd.failSyntax(c) {
		return
	}
	rd.fail(c, skipSpace(c.data, 0), fmt.Errorf("%w: a JSON %s, not an object or array", errNotTrace, jsonType(c.data)))
}

// jsonType names the type of the valid JSON value in b.
func jsonType(b []byte) string {
	switch firstByte(b) {
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	default:
		return "number"
	}
}
