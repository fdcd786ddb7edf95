package tracefile

import (
	"fmt"
	"strings"
)

// maxLocateDepth bounds how deep locate looks into nested values.
const maxLocateDepth = 32

// fault is where in a value pdata's problem lies.
type fault struct {
	path  string // JSON path from the value down to the offending one
	val   rng    // the offending value
	err   error  // pdata's error for it
	arr   *rng   // the attributes array holding the innermost attribute on the way, if any,
	elems []rng  // its elements
	idx   int    // and the attribute's index
}

// locate finds the innermost part of the value v that pdata rejects where wrap places it in a document: the
// first member or element that pdata rejects on its own, recursively. key is the key of v in its object.
// Ids are left alone: fixIDs checked them. It runs pdata on small documents, on error paths only.
func (s *salvager) locate(v rng, wrap func([]byte) []byte, key string, depth int) fault {
	if depth < maxLocateDepth {
		switch s.doc[v.off] {
		case '{':
			fields, _ := objectFields(s.doc, v.off)
			for _, f := range fields {
				if _, isID := idSizes[f.key]; isID {
					continue
				}
				rawKey := string(s.doc[f.keyRaw.off:f.keyRaw.end])
				inner := func(x []byte) []byte { return wrap(concat("{"+rawKey+":", x, "}")) }
				if probe(inner(s.raw(f.val))) != nil {
					ft := s.locate(f.val, inner, f.key, depth+1)
					ft.path = "." + f.key + ft.path
					return ft
				}
			}
		case '[':
			elems, _ := arrayElems(s.doc, v.off)
			dropped := s.dropped(v)
			for i, el := range elems {
				if dropped[i] {
					continue
				}
				inner := func(x []byte) []byte { return wrap(concat("[", x, "]")) }
				if probe(inner(s.raw(el))) != nil {
					ft := s.locate(el, inner, "", depth+1)
					ft.path = fmt.Sprintf("[%d]", i) + ft.path
					if ft.arr == nil && key == "attributes" {
						ft.arr, ft.elems, ft.idx = &v, elems, i
					}
					return ft
				}
			}
		}
	}
	return fault{val: v, err: probe(wrap(s.raw(v)))}
}

// dropped returns which elements of the array at v are left out.
func (s *salvager) dropped(v rng) map[int]bool {
	if e := s.arrayEdit(v); e != nil {
		return e.drop
	}
	return nil
}

// invalid words the error of a fault: the offending value, shortened, and pdata's reason.
func (s *salvager) invalid(ft fault) error {
	raw := s.doc[ft.val.off:ft.val.end]
	var shown string
	switch firstByte(raw) {
	case '{', '[':
		shown = "(" + jsonKindOf(raw) + ")"
	default:
		shown = clip(string(raw))
	}
	if ft.err == nil { // only the whole is rejected, not any piece of it
		return fmt.Errorf("invalid value %s", shown)
	}
	return fmt.Errorf("invalid value %s: %w", shown, ft.err)
}

// probe returns pdata's error for doc, if any.
func probe(doc []byte) error {
	_, err := unmarshalOTLP(doc)
	return err
}

// pdataError is an error of pdata's JSON decoder without the excerpts of the input that jsoniter appends
// ("error found in #10 byte of ...|…|..., bigger context ...|…|..."), which span lines.
type pdataError struct{ err error }

func (e pdataError) Error() string {
	msg := e.err.Error()
	if i := strings.Index(msg, ", error found in #"); i >= 0 {
		msg = msg[:i]
	}
	return strings.ReplaceAll(msg, "\n", " ")
}

func (e pdataError) Unwrap() error { return e.err }

// array returns the elements of the array at v; null has none, and another value is reported.
func (s *salvager) array(v rng, path string) []rng {
	switch s.doc[v.off] {
	case '[':
		elems, err := arrayElems(s.doc, v.off)
		if err == nil {
			return elems
		}
	case 'n':
		return nil
	}
	s.fail(v.off, fmt.Errorf("invalid OTLP/JSON traces: %s: want an array, got %s", path,
		jsonKindOf(s.doc[v.off:v.end])))
	return nil
}

// object returns the members of the object at v; another value is reported.
func (s *salvager) object(v rng, path string) ([]jfield, bool) {
	if s.doc[v.off] == '{' {
		if fields, err := objectFields(s.doc, v.off); err == nil {
			return fields, true
		}
	}
	s.fail(v.off, fmt.Errorf("invalid OTLP/JSON traces: %s: want an object, got %s", path,
		jsonKindOf(s.doc[v.off:v.end])))
	return nil, false
}

// concat joins pieces of a document.
func concat(pre string, x []byte, post string) []byte {
	b := make([]byte, 0, len(pre)+len(x)+len(post))
	return append(append(append(b, pre...), x...), post...)
}
