// Package realfiles feeds the otelcol-sessions binary every real trace recording of ../shared/data/traces,
// over OTLP/HTTP and over OTLP/gRPC, and checks that what its bugsnag exporter delivers equals what
// `otelsessions replay` derives from the same file (issue 6, item 2). It holds tests only.
package realfiles
