// Package examples holds the end-to-end tests of the example programs in examples/: each test builds one,
// runs it as a real process configured from the environment, drives it with a real client, stops it with
// SIGTERM and checks what it delivered to a Bugsnag capture server (integration/internal/harness). One test
// feeds the otelcol-sessions Collector from the example services over OTLP/HTTP and OTLP/gRPC and checks that
// it delivers the same sessions as the services' own SDK processors. The tests skip under -short.
package examples
