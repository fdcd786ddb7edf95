package tracefile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/translator/zipkin/zipkinv2"
	zipkinmodel "github.com/openzipkin/zipkin-go/model"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
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
	rss := td.ResourceSpans()
	for i := range rss.Len() {
		sss := rss.At(i).ScopeSpans()
		for j := range sss.Len() {
			spans := sss.At(j).Spans()
			for k := range spans.Len() {
				if spans.At(k).TraceID().IsEmpty() {
					return true
				}
			}
		}
	}
	return false
}

// readZipkinSpans decodes and translates the spans of a valid JSON array one at a time.
func (rd *reader) readZipkinSpans(c chunk) {
	lim := &errLimiter{rd: rd, c: c}
	var good []*zipkinmodel.SpanModel
	tr := zipkinv2.ToTranslator{ParseStringTags: false}
	dec := json.NewDecoder(bytes.NewReader(c.data))
	err := walkArray(dec, c.data, func(off int) {
		span := new(zipkinmodel.SpanModel)
		if err := dec.Decode(span); err != nil {
			lim.fail(off, zipkinError(len(good) == 0, err))
			return
		}
		if err := checkZipkinSpan(span); err != nil {
			lim.fail(off, zipkinError(len(good) == 0, err))
			return
		}
		if _, err := tr.ToTraces([]*zipkinmodel.SpanModel{span}); err != nil {
			// The translator parses OTel-encoded annotations ("name|json|dropped") and otlp.link.* tags;
			// plain Zipkin data can trip it. Keep the span and its annotations as plain events.
			span = withPlainAnnotations(span)
		}
		good = append(good, span)
	})
	lim.done("Zipkin spans")
	if err != nil {
		rd.fail(c, -1, fmt.Errorf("reading Zipkin spans: %w", err))
	}
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
	rss := td.ResourceSpans()
	for i := range rss.Len() {
		sss := rss.At(i).ScopeSpans()
		for j := range sss.Len() {
			spans := sss.At(j).Spans()
			for k := range spans.Len() {
				restoreSpanAnnotations(spans.At(k))
			}
		}
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
