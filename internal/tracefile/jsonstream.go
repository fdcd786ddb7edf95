package tracefile

import (
	"encoding/json"
	"errors"
	"fmt"
)

// maxErrsPerDoc bounds the errors one document reports element by element; the rest are summed up.
const maxErrsPerDoc = 20

// valueStart returns the offset of the next value in data at or after off, past blanks and a comma.
func valueStart(data []byte, off int) int {
	off = skipSpace(data, off)
	if off < len(data) && data[off] == ',' {
		off = skipSpace(data, off+1)
	}
	return off
}

// errLimiter reports up to maxErrsPerDoc errors of one document and then counts the rest.
type errLimiter struct {
	rd    *reader
	c     chunk
	n     int
	lastC chunk
	last  int
}

// fail reports err at off of the document, or counts it once the limit is reached.
func (l *errLimiter) fail(off int, err error) { l.failIn(l.c, off, err) }

// failIn reports err at off of c, a part of the document, or counts it once the limit is reached.
func (l *errLimiter) failIn(c chunk, off int, err error) {
	l.n++
	if l.n <= maxErrsPerDoc {
		l.rd.fail(c, off, err)
		return
	}
	l.lastC, l.last = c, off
}

// done reports how many errors were left out, at the place of the last one.
func (l *errLimiter) done(what string) {
	if extra := l.n - maxErrsPerDoc; extra > 0 {
		l.rd.fail(l.lastC, l.last, fmt.Errorf("%d more %s not reported", extra, what))
	}
}

// walkObject reads a JSON object from dec and calls fn with each key; fn must consume the value.
func walkObject(dec *json.Decoder, fn func(key string) error) error {
	if err := wantDelim(dec, '{', "an object"); err != nil {
		return err
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fmt.Errorf("reading key: %w", err)
		}
		key, _ := tok.(string)
		if err := fn(key); err != nil {
			return fmt.Errorf("%q: %w", key, err)
		}
	}
	if _, err := dec.Token(); err != nil {
		return fmt.Errorf("reading object end: %w", err)
	}
	return nil
}

// walkArray reads a JSON array from dec and calls fn with the offset in data of each element;
// fn must consume the element.
func walkArray(dec *json.Decoder, data []byte, fn func(off int)) error {
	if err := wantDelim(dec, '[', "an array"); err != nil {
		return err
	}
	for dec.More() {
		before := dec.InputOffset()
		fn(valueStart(data, int(before)))
		if dec.InputOffset() == before {
			return errors.New("cannot decode past an array element")
		}
	}
	if _, err := dec.Token(); err != nil {
		return fmt.Errorf("reading array end: %w", err)
	}
	return nil
}

// wantDelim reads the next token and checks it opens what the caller wants.
func wantDelim(dec *json.Decoder, d json.Delim, what string) error {
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("reading %s: %w", what, err)
	}
	if got, ok := tok.(json.Delim); !ok || got != d {
		return fmt.Errorf("want %s, got %s", what, tokenKind(tok))
	}
	return nil
}

// tokenKind names a JSON token for an error message.
func tokenKind(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			return "an object"
		}
		return "an array"
	case json.Number:
		return "a number"
	default:
		return jsonKind(t)
	}
}
