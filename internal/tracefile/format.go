package tracefile

// Format names a trace file format.
type Format int

// The formats Read understands.
const (
	// FormatUnknown is the zero Format: nothing was recognized.
	FormatUnknown Format = iota
	// FormatOTLPJSON is OTLP/JSON, one ExportTraceServiceRequest per document or per line.
	FormatOTLPJSON
	// FormatOTLPProto is one OTLP protobuf ExportTraceServiceRequest.
	FormatOTLPProto
	// FormatZipkinJSON is a Zipkin v2 JSON array of spans.
	FormatZipkinJSON
	// FormatJaegerJSON is the Jaeger query API / UI JSON: {"data":[{"traceID","spans","processes"}]}.
	FormatJaegerJSON
)

// String returns the format's name as the command line spells it.
func (f Format) String() string {
	switch f {
	case FormatOTLPJSON:
		return "otlp-json"
	case FormatOTLPProto:
		return "otlp-proto"
	case FormatZipkinJSON:
		return "zipkin-json"
	case FormatJaegerJSON:
		return "jaeger-json"
	default:
		return "unknown"
	}
}
