// Package processor derives Bugsnag-style sessions from live spans in the OpenTelemetry Go SDK.
//
// A Processor is a SpanProcessor. Registered with a TracerProvider, it starts a session at every entry
// span (a SERVER span with no parent or a remote parent: one incoming request), gives every span started
// below it the session.id attribute, and when a span ends classifies its exception events and Error status
// as handled or unhandled error events of that session, by the rules of docs/semantics.md. Each session is
// handed to a session.Sink once when it starts, and each error event once when its span ends; errors of
// spans outside any session are handed on with a nil Session and change no figure.
//
// Sessions can also be managed by hand, bound to a context as Go code passes state: StartSession,
// PauseSession and ResumeSession, with OnSession callbacks that amend or discard new sessions.
//
// Two helpers make the figures right where the SDK alone cannot:
//   - Sampler wraps the TracerProvider's sampler so that spans of unsampled traces are still recorded (not
//     exported), and their sessions counted;
//   - PanicHandler (and package grpcpanic for gRPC) records a panic that escapes a request handler as an
//     unhandled exception, which the SDK's own panic event cannot express.
//
// The processor's state is bounded: a span's state is forgotten a grace period after it ends
// (WithGracePeriod), and its memory freed at most half a grace period later; a cap (WithMaxSpans) drops
// and counts spans beyond it.
package processor
