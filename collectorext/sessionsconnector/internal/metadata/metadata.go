// Package metadata holds the sessions connector's type, stability and telemetry, as declared in the
// component's metadata.yaml. It is written by hand in the shape mdatagen generates, since mdatagen v0.165.0
// is not served by the module proxy this project builds with.
package metadata

import (
	"go.opentelemetry.io/collector/component"
)

// Type is the connector's component type.
var Type = component.MustNewType("sessions")

// ScopeName is the instrumentation scope of the connector's own telemetry and of the metrics it emits.
const ScopeName = "github.com/otelsessions/otelsessions/collectorext/sessionsconnector"

// TracesToMetricsStability is the stability of the connector from traces to metrics.
const TracesToMetricsStability = component.StabilityLevelDevelopment
