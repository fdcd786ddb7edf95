// Package telemetrygen drives the otelcol-sessions binary with the contrib load generator telemetrygen, an
// independent OTLP source that the project did not write, and checks that what the Collector delivers counts
// exactly what telemetrygen sent (issue 6, item 5). telemetrygen is built from the nested module in tool/, so
// that its dependencies stay out of the repository's go.mod. It holds tests only.
package telemetrygen
