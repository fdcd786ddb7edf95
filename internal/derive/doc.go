// Package derive is the session derivation engine shared by the Collector components, replay and tests: it
// reads ptrace.Traces, finds the entry spans where sessions start, assigns every span to the session of its
// nearest entry ancestor, and classifies exception events and error statuses as handled or unhandled error
// events. The rules are written down in docs/semantics.md.
package derive
