package tracefile

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
)

// edit changes the document where the salvager copies it: an id rewritten to hex (repl), or an array
// without the elements left out (elems and drop).
type edit struct {
	rng
	repl  []byte
	elems []rng
	drop  map[int]bool
}

// appendRaw appends doc[r.off:r.end] to b with the edits inside r applied.
func (s *salvager) appendRaw(b []byte, r rng) []byte {
	pos := r.off
	i, _ := slices.BinarySearchFunc(s.edits, r.off, func(e *edit, off int) int { return e.off - off })
	for ; i < len(s.edits) && s.edits[i].off < r.end; i++ {
		e := s.edits[i]
		if e.off < pos || e.end > r.end { // inside an edit already applied
			continue
		}
		b = append(b, s.doc[pos:e.off]...)
		pos = e.end
		if e.elems == nil {
			b = append(b, e.repl...)
			continue
		}
		b = append(b, '[')
		n := 0
		for k, el := range e.elems {
			if e.drop[k] {
				continue
			}
			if n > 0 {
				b = append(b, ',')
			}
			n++
			b = s.appendRaw(b, el)
		}
		b = append(b, ']')
	}
	return append(b, s.doc[pos:r.end]...)
}

// raw returns doc[r.off:r.end] with the edits inside r applied.
func (s *salvager) raw(r rng) []byte { return s.appendRaw(nil, r) }

// addEdit records e, keeping the edits sorted by offset.
func (s *salvager) addEdit(e *edit) {
	i, _ := slices.BinarySearchFunc(s.edits, e.off, func(e *edit, off int) int { return e.off - off })
	s.edits = slices.Insert(s.edits, i, e)
}

// dropElem leaves element k of the array arr (whose elements are elems) out of the copies.
func (s *salvager) dropElem(arr rng, elems []rng, k int) {
	e := s.arrayEdit(arr)
	if e == nil {
		e = &edit{rng: arr, elems: elems, drop: map[int]bool{}}
		s.addEdit(e)
	}
	e.drop[k] = true
}

// arrayEdit returns the edit of the array at arr, if there is one.
func (s *salvager) arrayEdit(arr rng) *edit {
	i, found := slices.BinarySearchFunc(s.edits, arr.off, func(e *edit, off int) int { return e.off - off })
	if found && s.edits[i].elems != nil {
		return s.edits[i]
	}
	return nil
}

// idSizes gives the size in bytes of the id fields of a span or link, in both spellings.
var idSizes = map[string]int{
	"traceId": 16, "trace_id": 16, "spanId": 8, "span_id": 8, "parentSpanId": 8, "parent_span_id": 8,
}

// fixIDs checks the id fields of a span or link and records edits rewriting base64 ids to hex. It returns the
// offset and error of the first bad id.
func (s *salvager) fixIDs(fields []jfield, path string) (int, error) {
	for _, f := range fields {
		size, ok := idSizes[f.key]
		if !ok {
			continue
		}
		raw := s.doc[f.val.off:f.val.end]
		var id string
		if raw[0] != '"' || json.Unmarshal(raw, &id) != nil {
			return f.val.off, fmt.Errorf("%s.%s: want a string, got %s", path, f.key, jsonKindOf(raw))
		}
		h, err := hexID(id, size)
		if err != nil {
			return f.val.off, fmt.Errorf("%s.%s: %w", path, f.key, err)
		}
		if h != id {
			s.addEdit(&edit{rng: f.val, repl: []byte(`"` + h + `"`)})
		}
	}
	return 0, nil
}

// hexID returns id as hex: unchanged if it already is hex of size bytes (or empty), decoded if base64.
func hexID(id string, size int) (string, error) {
	if id == "" {
		return id, nil
	}
	if len(id) == 2*size {
		if _, err := hex.DecodeString(id); err == nil {
			return id, nil
		}
	}
	for _, enc := range []*base64.Encoding{
		base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding,
	} {
		if enc.DecodedLen(len(id)) < size || len(id) > enc.EncodedLen(size) {
			continue
		}
		b, err := enc.DecodeString(id)
		if err == nil && len(b) == size {
			return hex.EncodeToString(b), nil
		}
	}
	return "", fmt.Errorf("id %q is neither %d hex digits nor base64 of %d bytes", clip(id), 2*size, size)
}

// jsonKindOf names the JSON type of the valid JSON value raw.
func jsonKindOf(raw []byte) string {
	switch firstByte(raw) {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	default:
		return "a number"
	}
}

// jsonKind names the JSON type of a decoded value.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number, float64:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	default:
		return "an object"
	}
}
