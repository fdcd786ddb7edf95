package tracefile

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// normalizeOTLP rewrites OTLP/JSON as other tools write it into the spec encoding pdata reads:
// a top-level "batches" key becomes "resourceSpans", "instrumentationLibrarySpans" becomes
// "scopeSpans", "instrumentationLibrary" becomes "scope", and base64 trace and span ids (of
// spans and links) become hex. changed tells whether anything was rewritten.
func normalizeOTLP(data []byte) (out []byte, changed bool, err error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var root map[string]any
	if err := dec.Decode(&root); err != nil {
		return nil, false, fmt.Errorf("decoding JSON: %w", err)
	}
	n := &normalizer{}
	key := n.rename(root, "resourceSpans", "resource_spans", "batches")
	for i, rs := range objects(root[key]) {
		ssKey := n.rename(rs, "scopeSpans", "scope_spans",
			"instrumentationLibrarySpans", "instrumentation_library_spans")
		for j, ss := range objects(rs[ssKey]) {
			n.rename(ss, "scope", "scope", "instrumentationLibrary", "instrumentation_library")
			for k, span := range objects(ss["spans"]) {
				at := func() string { return fmt.Sprintf("%s[%d].%s[%d].spans[%d]", key, i, ssKey, j, k) }
				if err := n.fixIDs(span, at); err != nil {
					return nil, false, err
				}
				for l, link := range objects(span["links"]) {
					linkAt := func() string { return fmt.Sprintf("%s.links[%d]", at(), l) }
					if err := n.fixIDs(link, linkAt); err != nil {
						return nil, false, err
					}
				}
			}
		}
	}
	if !n.changed {
		return data, false, nil
	}
	out, err = json.Marshal(root)
	if err != nil {
		return nil, false, fmt.Errorf("re-encoding JSON: %w", err)
	}
	return out, true, nil
}

// normalizer remembers whether it rewrote anything.
type normalizer struct{ changed bool }

// rename moves the first of the old keys present in m to want unless want or alt (its snake_case
// spelling) is there already. It returns the key the value is now under.
func (n *normalizer) rename(m map[string]any, want, alt string, old ...string) string {
	if _, ok := m[want]; ok {
		return want
	}
	if _, ok := m[alt]; ok {
		return alt
	}
	for _, o := range old {
		if v, ok := m[o]; ok {
			delete(m, o)
			m[want] = v
			n.changed = true
			return want
		}
	}
	return want
}

// idFields lists the id fields of a span or link, with both spellings and their size in bytes.
var idFields = []struct {
	keys [2]string
	size int
}{
	{[2]string{"traceId", "trace_id"}, 16},
	{[2]string{"spanId", "span_id"}, 8},
	{[2]string{"parentSpanId", "parent_span_id"}, 8},
}

// fixIDs rewrites the base64 ids of one span or link to hex.
func (n *normalizer) fixIDs(m map[string]any, at func() string) error {
	for _, f := range idFields {
		for _, key := range f.keys {
			v, ok := m[key]
			if !ok {
				continue
			}
			s, ok := v.(string)
			if !ok {
				return fmt.Errorf("%s.%s: want a string, got %s", at(), key, jsonKind(v))
			}
			h, err := hexID(s, f.size)
			if err != nil {
				return fmt.Errorf("%s.%s: %w", at(), key, err)
			}
			if h != s {
				m[key] = h
				n.changed = true
			}
		}
	}
	return nil
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
	if len(id) > 48 {
		id = id[:48] + "…"
	}
	return "", fmt.Errorf("id %q is neither %d hex digits nor base64 of %d bytes", id, 2*size, size)
}

// objects returns the JSON objects in v when v is an array, skipping other elements.
func objects(v any) []map[string]any {
	arr, _ := v.([]any)
	out := make([]map[string]any, 0, len(arr))
	for _, e := range arr {
		if m, ok := e.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
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
