// Package bugsnagexporter is a Collector traces exporter, of type bugsnag, that derives sessions and error
// events from the traces it receives (docs/semantics.md of this module) and delivers them through the
// module's exporter package to the Bugsnag Sessions and Notify APIs, with one Bugsnag project per API key.
//
// Each batch is derived on its own: place the batch processor, or the sessions processor, before it so that
// a trace's spans arrive together (see the README).
//
// The telemetry declared in metadata.yaml is written by hand in internal/metadata: mdatagen v0.165.0 is not
// served by the module proxy this project builds with.
package bugsnagexporter
