// Package sessionsconnector is a Collector traces-to-metrics connector, of type sessions, that derives
// sessions and error events from each traces batch with otelsessions' derivation engine and emits them as
// OTel delta sums per service, version and release stage: sessions started, unhandled and handled, and
// error events by error.handled, optionally split by low-cardinality entry-span attributes such as
// http.route.
//
// The telemetry declared in metadata.yaml is written by hand in internal/metadata: mdatagen v0.165.0 is not
// served by the module proxy this project builds with.
package sessionsconnector
