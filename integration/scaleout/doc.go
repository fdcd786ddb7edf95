// Package scaleout runs otelcol-sessions scaled out as users do when one Collector is not enough: a gateway
// Collector with the contrib loadbalancing exporter (routing_key: traceID, built from the nested module
// integration/gateway) in front of three otelcol-sessions instances, and checks that their summed figures equal
// one instance's and replay's on the same real traces, exactly (issue 6, item 4). It holds tests only.
package scaleout
