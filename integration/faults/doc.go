// Package faults runs the otelcol-sessions binary against a capture server that fails (an outage, refused
// connections, a Collector killed with SIGKILL and restarted, a proxy, a TLS endpoint with its own CA) and
// checks that the bugsnag exporter loses nothing and doubles nothing (issue 6, item 3). It holds tests only.
package faults
