package tracefile

import (
	"bytes"
	"fmt"

	"go.opentelemetry.io/collector/pdata/ptrace"
	"google.golang.org/protobuf/encoding/protowire"
)

// readProto reads the whole content as one OTLP protobuf ExportTraceServiceRequest.
func (rd *reader) readProto(data []byte) {
	defer func() {
		if p := recover(); p != nil {
			rd.fail(chunk{}, -1, fmt.Errorf("%w (tried OTLP protobuf: panic: %v)", errNotTrace, p))
		}
	}()
	var u ptrace.ProtoUnmarshaler
	td, err := u.UnmarshalTraces(data)
	switch {
	case err != nil:
		if where, ok := protoProblem(data, 0, "", otlpTraceFields); ok {
			rd.fail(chunk{}, -1, fmt.Errorf("%w (tried OTLP protobuf: truncated or not OTLP protobuf at %s)",
				errNotTrace, where))
			return
		}
		rd.fail(chunk{}, -1, fmt.Errorf("%w (tried OTLP protobuf: truncated or not OTLP protobuf: %w)",
			errNotTrace, err))
	case td.SpanCount() == 0:
		rd.fail(chunk{}, -1, fmt.Errorf("%w (tried OTLP protobuf: no spans in %d bytes)", errNotTrace, len(data)))
	default:
		rd.emit(FormatOTLPProto, td)
	}
}

// protoField names a field of a protobuf message that holds a message, and that message's own such fields.
type protoField struct {
	name   string
	fields map[protowire.Number]protoField
}

// otlpTraceFields are the message fields of ExportTraceServiceRequest down to Span.
var otlpTraceFields = map[protowire.Number]protoField{
	1: {"resource_spans", map[protowire.Number]protoField{
		1: {"resource", nil},
		2: {"scope_spans", map[protowire.Number]protoField{1: {"scope", nil}, 2: {"spans", nil}}},
	}},
}

// protoProblem walks the protobuf message data (at offset base of the file; in names it), and the fields that
// hold messages as far as fields tells, and describes the first tag or length that does not fit: where a
// truncated or corrupt file goes wrong. A field cut short is looked into for the innermost one. Error paths only.
func protoProblem(data []byte, base int, in string, fields map[protowire.Number]protoField) (string, bool) {
	for off := 0; off < len(data); {
		num, typ, n := protowire.ConsumeTag(data[off:])
		if n < 0 {
			return fmt.Sprintf("byte offset %d: bad field tag: %v", base+off, protowire.ParseError(n)), true
		}
		f, known := fields[num]
		name := f.name
		if !known {
			name = fmt.Sprintf("field %d", num)
		}
		if in != "" {
			name = in + "." + name
		}
		if typ != protowire.BytesType {
			m := protowire.ConsumeFieldValue(num, typ, data[off+n:])
			if m < 0 {
				return fmt.Sprintf("byte offset %d: %s: %v", base+off, name, protowire.ParseError(m)), true
			}
			off += n + m
			continue
		}
		size, m := protowire.ConsumeVarint(data[off+n:])
		if m < 0 {
			return fmt.Sprintf("byte offset %d: %s: bad length: %v", base+off, name, protowire.ParseError(m)), true
		}
		start := off + n + m
		left := len(data) - start // >= 0
		end, cut := len(data), true
		if size <= uint64(left) { //nolint:gosec // left is not negative
			end, cut = start+int(size), false //nolint:gosec // size is at most left
		}
		if known {
			if where, bad := protoProblem(data[start:end], base+start, name, f.fields); bad {
				return where, true
			}
		}
		if cut {
			return fmt.Sprintf("byte offset %d: %s declares %d bytes, only %d remain", base+off, name, size, left), true
		}
		off = end
	}
	return "", false
}

// compressed names the compression of data when it starts with the magic bytes of a compressed file or archive.
func compressed(data []byte) string {
	for _, c := range []struct {
		magic, name string
	}{
		{"\x1f\x8b", "gzip-compressed"},
		{"\x28\xb5\x2f\xfd", "zstd-compressed"},
		{"\xfd7zXZ\x00", "xz-compressed"},
		{"PK\x03\x04", "a zip archive"},
	} {
		if bytes.HasPrefix(data, []byte(c.magic)) {
			return c.name
		}
	}
	if len(data) >= 10 && bytes.HasPrefix(data, []byte("BZh")) && bytes.Equal(data[4:10], []byte("1AY&SY")) {
		return "bzip2-compressed"
	}
	return ""
}
