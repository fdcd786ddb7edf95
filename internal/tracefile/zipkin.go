package tracefile

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/translator/zipkin/zipkinv2"
	zipkinmodel "github.com/openzipkin/zipkin-go/model"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelsessions/otelsessions/internal/traceiter"
)

// readZipkin reads a JSON array of Zipkin v2 spans with the contrib translator. When the translator
// rejects the array, the spans are decoded one by one so that each bad span gets an error at its
// position and the good ones are still delivered.
func (rd *reader) readZipkin(c chunk) {
	td, err := zipkinv2.NewJSONTracesUnmarshaler(false).UnmarshalTraces(c.data)
	if err == nil && !hasEmptyTraceID(td) {
		if td.SpanCount() == 0 {
			rd.fail(c, skipSpace(c.data, 0), fmt.Errorf("%w: an empty JSON array (no Zipkin spans)", errNotTrace))
			return
		}
		rd.emit(FormatZipkinJSON, td)
		return
	}
	if rd.failSyntax(c) {
		return
	}
	rd.readZipkinSpans(c)
}

// hasEmptyTraceID reports whether a span lacks its trace id (Zipkin's decoder lets a missing traceId through).
func hasEmptyTraceID(td ptrace.Traces) bool {
	for _, span := range traceiter.Spans(td) {
		if span.TraceID().IsEmpty() {
			return true
		}
	}
	return false
}

// readZipkinSpans decodes and translates the spans of a valid JSON array one at a time.
func (rd *reader) readZipkinSpans(c chunk) {
	start := skipSpace(c.data, 0)
	elems, err := arrayElems(c.data, start)
	if err != nil { // cannot happen: c is valid JSON
		rd.fail(c, start, fmt.Errorf("reading Zipkin spans: %w", err))
		return
	}
	if !slices.ContainsFunc(elems, func(e rng) bool { return c.data[e.off] == '{' }) {
		rd.fail(c, start, fmt.Errorf("%w: a JSON array whose elements are not Zipkin spans (the first is %s)",
			errNotTrace, jsonKindOf(c.data[elems[0].off:elems[0].end])))
		return
	}
	lim := &errLimiter{rd: rd, c: c}
	var good []*zipkinmodel.SpanModel
	tr := zipkinv2.ToTranslator{ParseStringTags: false}
	for _, e := range elems {
		span, err := decodeZipkinSpan(c.data[e.off:e.end])
		if err != nil {
			lim.fail(e.off, zipkinError(len(good) == 0, err))
			continue
		}
		if _, err := tr.ToTraces([]*zipkinmodel.SpanModel{span}); err != nil {
			// The translator parses OTel-encoded annotations ("name|json|dropped") and otlp.link.* tags;
			// plain Zipkin data can trip it. Keep the span and its annotations as plain events.
			span = withPlainAnnotations(span)
		}
		good = append(good, span)
	}
	lim.done("bad Zipkin spans")
	if len(good) == 0 {
		return
	}
	td, err := tr.ToTraces(good)
	if err != nil {
		rd.fail(c, -1, fmt.Errorf("translating Zipkin spans: %w", err))
		return
	}
	restorePlainAnnotations(td)
	rd.emit(FormatZipkinJSON, td)
}

// zipkinError words the error of a bad span; while no span was good the array may not be Zipkin at all.
func zipkinError(first bool, err error) error {
	if first {
		return fmt.Errorf("%w (tried Zipkin v2: %w)", errNotTrace, err)
	}
	return fmt.Errorf("bad Zipkin span: %w", err)
}

// decodeZipkinSpan decodes one element of a Zipkin array, naming the field at fault when it cannot.
func decodeZipkinSpan(raw []byte) (*zipkinmodel.SpanModel, error) {
	if raw[0] != '{' {
		return nil, fmt.Errorf("want a span object, got %s", jsonKindOf(raw))
	}
	if err := checkZipkinIDs(raw); err != nil {
		return nil, err
	}
	span := new(zipkinmodel.SpanModel)
	if err := json.Unmarshal(raw, span); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return nil, zipkinTypeError{te}
		}
		return nil, err
	}
	if err := checkZipkinSpan(span); err != nil {
		return nil, err
	}
	return span, nil
}

// checkZipkinIDs checks the ids of a span object: hex strings of up to 32 (traceId) or 16 digits.
func checkZipkinIDs(raw []byte) error {
	var ids struct {
		TraceID  json.RawMessage `json:"traceId"`
		ID       json.RawMessage `json:"id"`
		ParentID json.RawMessage `json:"parentId"`
	}
	if json.Unmarshal(raw, &ids) != nil {
		return nil // the full decode reports it
	}
	for _, f := range []struct {
		name   string
		val    json.RawMessage
		digits int
	}{{"traceId", ids.TraceID, 32}, {"id", ids.ID, 16}, {"parentId", ids.ParentID, 16}} {
		if len(f.val) == 0 || string(f.val) == "null" {
			continue
		}
		var s string
		if err := json.Unmarshal(f.val, &s); err != nil {
			return fmt.Errorf("%s: want a hex string, got %s", f.name, jsonKindOf(f.val))
		}
		if s == "" && f.name == "parentId" {
			continue
		}
		if s == "" || len(s) > f.digits || !isHex(s) {
			return fmt.Errorf("%s %q is not an id of 1 to %d hex digits", f.name, clip(s), f.digits)
		}
	}
	return nil
}

// zipkinTypeError words a JSON type mismatch in a Zipkin span without Go type names.
type zipkinTypeError struct{ err *json.UnmarshalTypeError }

func (e zipkinTypeError) Error() string {
	want := "another type"
	switch e.err.Type.Kind() {
	case reflect.String:
		want = "a string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		want = "an integer"
	case reflect.Float32, reflect.Float64:
		want = "a number"
	case reflect.Bool:
		want = "a boolean"
	case reflect.Map, reflect.Struct, reflect.Pointer:
		want = "an object"
	case reflect.Slice, reflect.Array:
		want = "an array"
	}
	var path []string // the Go field path, spelled as the JSON keys are
	for f := range strings.SplitSeq(e.err.Field, ".") {
		switch {
		case f == "Alias" || f == "":
		case len(f) > 1 && unicode.IsUpper(rune(f[1])): // IPv4
			path = append(path, strings.ToLower(f))
		default:
			path = append(path, strings.ToLower(f[:1])+f[1:])
		}
	}
	field := strings.Join(path, ".")
	if field == "" {
		return fmt.Sprintf("want %s, got a JSON %s", want, e.err.Value)
	}
	return fmt.Sprintf("%s: want %s, got a JSON %s", field, want, e.err.Value)
}

func (e zipkinTypeError) Unwrap() error { return e.err }

// checkZipkinSpan rejects what zipkin-go lets through but a span cannot do without.
func checkZipkinSpan(s *zipkinmodel.SpanModel) error {
	switch {
	case s.TraceID.Empty():
		return errors.New("missing or zero traceId")
	case s.ID == 0:
		return zipkinmodel.ErrValidIDRequired
	}
	return nil
}

// plainAnnotationsTag carries annotations the translator could not parse, as "timestamp\tvalue" lines; the
// timestamp is the event's pcommon.Timestamp (unsigned ns since the epoch).
const plainAnnotationsTag = "otelsessions.zipkin.annotations"

// withPlainAnnotations returns a copy of s whose annotations and otlp.link.* tags cannot trip the translator:
// annotations move into a tag that restorePlainAnnotations turns back into events; link tags are dropped.
func withPlainAnnotations(s *zipkinmodel.SpanModel) *zipkinmodel.SpanModel {
	cp := *s
	cp.Annotations = nil
	cp.Tags = make(map[string]string, len(s.Tags)+1)
	for k, v := range s.Tags {
		if !strings.HasPrefix(k, "otlp.link.") {
			cp.Tags[k] = v
		}
	}
	var b strings.Builder
	for _, a := range s.Annotations {
		// Written as the translator converts annotation times, so that it reads back with no conversion.
		ts := uint64(pcommon.NewTimestampFromTime(a.Timestamp))
		fmt.Fprintf(&b, "%d\t%s\n", ts, strings.ReplaceAll(a.Value, "\n", " "))
	}
	if b.Len() > 0 {
		cp.Tags[plainAnnotationsTag] = b.String()
	}
	return &cp
}

// restorePlainAnnotations turns the tag withPlainAnnotations left into span events.
func restorePlainAnnotations(td ptrace.Traces) {
	for _, span := range traceiter.Spans(td) {
		restoreSpanAnnotations(span)
	}
}

func restoreSpanAnnotations(span ptrace.Span) {
	v, ok := span.Attributes().Get(plainAnnotationsTag)
	if !ok {
		return
	}
	for line := range strings.Lines(v.Str()) {
		line = strings.TrimSuffix(line, "\n")
		ts, name, ok := strings.Cut(line, "\t")
		ns, err := strconv.ParseUint(ts, 10, 64) // rejects a negative or too large timestamp
		if !ok || err != nil {
			ns, name = 0, line
		}
		ev := span.Events().AppendEmpty()
		ev.SetTimestamp(pcommon.Timestamp(ns))
		ev.SetName(name)
	}
	span.Attributes().Remove(plainAnnotationsTag)
}
