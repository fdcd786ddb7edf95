// Package sessionsprocessor is a Collector traces processor, of type sessions, that tags every span with the
// session.id of the session it belongs to (docs/semantics.md of this module) and otherwise passes traces on
// unchanged. It holds each trace's spans for a configurable wait, so that children exported before their
// entry span still join its session, and bounds what it holds.
//
// The telemetry declared in metadata.yaml is written by hand in internal/metadata: mdatagen v0.165.0 is not
// served by the module proxy this project builds with.
package sessionsprocessor
