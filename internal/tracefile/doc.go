// Package tracefile reads trace files for otelsessions replay.
//
// Read detects the format of a file from its content and delivers its spans as
// ptrace.Traces batches. It understands OTLP/JSON (one document, JSON Lines, or
// several documents one after another in any layout, including the base64-id,
// enum-name and "batches" variants written by other tools), OTLP protobuf,
// Zipkin v2 JSON and the Jaeger query API / UI JSON.
package tracefile
