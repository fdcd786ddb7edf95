// Package harness runs the end-to-end tests of integration/: it builds the otelcol-sessions binary once per
// test binary, starts it as a real process, feeds it real OTLP traffic over HTTP and gRPC, and captures what
// its bugsnag exporter delivers on a real HTTP server whose faults the tests switch at run time. ReplayFigures
// gives the figures `otelsessions replay` derives from the same input, which the delivered ones must equal.
//
// A package that uses the harness calls Main from its TestMain, so that the built binary is removed and
// leaked goroutines fail the run.
package harness
