// Package metadata holds the bugsnag exporter's type, stability and telemetry, as declared in the
// component's metadata.yaml. It is written by hand in the shape mdatagen generates, since mdatagen v0.165.0
// is not served by the module proxy this project builds with.
package metadata

import (
	"go.opentelemetry.io/collector/component"
)

// Type is the exporter's component type.
var Type = component.MustNewType("bugsnag")

// ScopeName is the instrumentation scope of the exporter's own telemetry.
const ScopeName = "github.com/otelsessions/otelsessions/collectorext/bugsnagexporter"

// TracesStability is the stability of the exporter for traces.
const TracesStability = component.StabilityLevelDevelopment
