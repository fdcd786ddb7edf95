// Package metadata holds the sessions processor's type, stability and telemetry, as declared in the
// component's metadata.yaml. It is written by hand in the shape mdatagen generates, since mdatagen v0.165.0
// is not served by the module proxy this project builds with.
package metadata

import (
	"go.opentelemetry.io/collector/component"
)

// Type is the processor's component type.
var Type = component.MustNewType("sessions")

// ScopeName is the instrumentation scope of the processor's own telemetry.
const ScopeName = "github.com/otelsessions/otelsessions/collectorext/sessionsprocessor"

// TracesStability is the stability of the processor for traces.
const TracesStability = component.StabilityLevelDevelopment
