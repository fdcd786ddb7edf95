package tracefile

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/bits"
)

// Fast, allocation-light scanning used to find where JSON values end, classify JSON documents and walk them.
// None of it validates JSON: it runs only where validity is known or does not matter,
// and errors are left to encoding/json to locate.

var errScan = errors.New("malformed JSON")

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }

// skipSpace returns the index of the first non-blank byte of b at or after i.
func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// firstByte returns the first non-blank byte of b, or 0.
func firstByte(b []byte) byte {
	if i := skipSpace(b, 0); i < len(b) {
		return b[i]
	}
	return 0
}

// skipString returns the index just past the JSON string starting at b[i] == '"'.
func skipString(b []byte, i int) (int, error) {
	for i++; i < len(b); {
		q := bytes.IndexByte(b[i:], '"')
		if q < 0 {
			return 0, errScan
		}
		i += q
		bs := 0 // backslashes right before the quote: an odd count escapes it
		for j := i - 1; j >= 0 && b[j] == '\\'; j-- {
			bs++
		}
		i++
		if bs%2 == 0 {
			return i, nil
		}
	}
	return 0, errScan
}

// structural marks the bytes skipNested must look at.
var structural = [256]bool{'"': true, '{': true, '}': true, '[': true, ']': true}

// skipValue returns the index just past the JSON value starting at or after b[i].
func skipValue(b []byte, i int) (int, error) {
	i = skipSpace(b, i)
	if i >= len(b) {
		return 0, errScan
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		return skipNested(b, i)
	}
	start := i
	for i < len(b) && !isSpace(b[i]) && b[i] != ',' && b[i] != '}' && b[i] != ']' {
		i++
	}
	if i == start {
		return 0, errScan
	}
	return i, nil
}

// skipNested returns the index just past the object or array starting at b[i].
func skipNested(b []byte, i int) (int, error) {
	depth := 0
	for ; i < len(b); i++ {
		if !structural[b[i]] {
			continue
		}
		switch b[i] {
		case '"':
			end, err := skipString(b, i)
			if err != nil {
				return 0, err
			}
			i = end - 1
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1, nil
			}
		}
	}
	return 0, errScan
}

// scanValue returns the index just past the object or array starting at b[i], checking that its brackets
// match; ok is false when they do not or the value is cut short. It does not validate what lies between the
// brackets: it is the cheap scan that finds where a value ends, before a decoder reads it. It appends where
// the top-level keys of an object are (without their quotes) to keys, and returns the result.
func scanValue(b []byte, i int, keys []rng) (end int, _ []rng, ok bool) {
	var buf [64]byte
	closers := buf[:0] // the closing bracket each open one wants
	for ; i < len(b); i++ {
		c := b[i]
		if !structural[c] {
			continue
		}
		switch c {
		case '"':
			e := stringEnd(b, i+1)
			if e < 0 {
				return 0, keys, false
			}
			if len(closers) == 1 && closers[0] == '}' {
				if p := lastNonSpace(b, i); p >= 0 && (b[p] == '{' || b[p] == ',') {
					keys = append(keys, rng{i + 1, e})
				}
			}
			i = e
		case '{':
			closers = append(closers, '}')
		case '[':
			closers = append(closers, ']')
		default:
			n := len(closers) - 1
			if n < 0 || closers[n] != c {
				return 0, keys, false
			}
			if n == 0 {
				return i + 1, keys, true
			}
			closers = closers[:n]
		}
	}
	return 0, keys, false
}

// Constants for reading 8 bytes at a time.
const (
	ones8  = 0x0101010101010101
	highs8 = 0x8080808080808080
	quote8 = '"' * ones8
	bslash = '\\' * ones8
)

// stringEnd returns the index of the quote that ends the JSON string whose content starts at b[i], or -1.
// It looks at 8 bytes at a time for a quote or a backslash.
func stringEnd(b []byte, i int) int {
	for {
		for i+8 <= len(b) {
			x := binary.LittleEndian.Uint64(b[i:])
			q, e := x^quote8, x^bslash
			if m := ((q-ones8)&^q | (e-ones8)&^e) & highs8; m != 0 { // a zero byte in q or e
				i += bits.TrailingZeros64(m) / 8
				break
			}
			i += 8
		}
		for i < len(b) && b[i] != '"' && b[i] != '\\' {
			i++
		}
		switch {
		case i >= len(b):
			return -1
		case b[i] == '"':
			return i
		}
		i += 2 // an escaped character
	}
}

// lastNonSpace returns the index of the last non-blank byte of b before i, or -1.
func lastNonSpace(b []byte, i int) int {
	i--
	for i >= 0 && isSpace(b[i]) {
		i--
	}
	return i
}

// firstKeyBytes returns the first key of the JSON object in doc, escapes included, or nil.
func firstKeyBytes(doc []byte) []byte {
	i := skipSpace(doc, 0)
	if i >= len(doc) || doc[i] != '{' {
		return nil
	}
	i = skipSpace(doc, i+1)
	if i >= len(doc) || doc[i] != '"' {
		return nil
	}
	end, err := skipString(doc, i)
	if err != nil {
		return nil
	}
	return doc[i+1 : end-1]
}

// topKeys returns the keys of the JSON object in doc, without looking into their values.
// Keys are returned as written, escapes included.
func topKeys(doc []byte) ([]string, error) {
	i := skipSpace(doc, 0)
	if i >= len(doc) || doc[i] != '{' {
		return nil, errScan
	}
	var keys []string
	for i++; ; {
		i = skipSpace(doc, i)
		if i < len(doc) && doc[i] == '}' && len(keys) == 0 {
			return keys, nil
		}
		if i >= len(doc) || doc[i] != '"' {
			return nil, errScan
		}
		end, err := skipString(doc, i)
		if err != nil {
			return nil, err
		}
		keys = append(keys, string(doc[i+1:end-1]))
		i = skipSpace(doc, end)
		if i >= len(doc) || doc[i] != ':' {
			return nil, errScan
		}
		if i, err = skipValue(doc, i+1); err != nil {
			return nil, err
		}
		i = skipSpace(doc, i)
		if i >= len(doc) {
			return nil, errScan
		}
		switch doc[i] {
		case ',':
			i++
		case '}':
			return keys, nil
		default:
			return nil, errScan
		}
	}
}
