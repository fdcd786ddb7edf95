// Package session holds the model of otelsessions: a Session with its app, device and user, the per-session
// counts of handled and unhandled error events, and the per-release, per-minute aggregation from which
// stability scores are computed. It does no I/O.
package session
