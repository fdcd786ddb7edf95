// Command otelcol-sessions is an OpenTelemetry Collector distribution with otelsessions built in: the OTLP
// receiver, the batch processor, the debug, OTLP and OTLP/HTTP exporters, the file_storage extension, and
// otelsessions' own components, the sessions processor, the sessions connector and the bugsnag exporter.
//
// It runs like any Collector:
//
//	otelcol-sessions --config config.yaml
//	otelcol-sessions validate --config config.yaml
//	otelcol-sessions components
//
// The same set of components is described for the Collector builder in builder-config.yaml.
package main
