package processor

import (
	"maps"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/resource"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"

	"github.com/otelsessions/otelsessions/session"
)

// deploymentEnvironmentKey is the older name of deployment.environment.name, still set by many services.
const deploymentEnvironmentKey = attribute.Key("deployment.environment")

// defaultRuntimeName names the runtime of a resource that has process.runtime.version but no name.
const defaultRuntimeName = "runtime"

// defaults are the session fields a resource gives, computed once per resource.
type defaults struct {
	res     *resource.Resource
	service string
	app     session.App
	device  session.Device
}

// newDefaults maps a resource to Bugsnag's fields as DESIGN.md says: app.version ← service.version,
// app.releaseStage ← deployment.environment.name (or deployment.environment), device.hostname ← host.name,
// device.osName ← os.type, device.runtimeVersions ← process.runtime.name and .version.
func newDefaults(res *resource.Resource) *defaults {
	d := &defaults{res: res}
	if res == nil {
		return d
	}
	var runtimeName, runtimeVersion string
	for _, kv := range res.Attributes() {
		v := kv.Value.String()
		switch kv.Key {
		case semconv.ServiceNameKey:
			d.service = v
		case semconv.ServiceVersionKey:
			d.app.Version = v
		case semconv.DeploymentEnvironmentNameKey: // wins over the older name, whatever the order
			d.app.ReleaseStage = v
		case deploymentEnvironmentKey:
			if d.app.ReleaseStage == "" {
				d.app.ReleaseStage = v
			}
		case semconv.HostNameKey:
			d.device.Hostname = v
		case semconv.OSTypeKey:
			d.device.OSName = v
		case semconv.ProcessRuntimeNameKey:
			runtimeName = v
		case semconv.ProcessRuntimeVersionKey:
			runtimeVersion = v
		}
	}
	if runtimeVersion != "" {
		if runtimeName == "" {
			runtimeName = defaultRuntimeName
		}
		d.device.RuntimeVersions = map[string]string{strings.ToLower(runtimeName): runtimeVersion}
	}
	return d
}

// apply fills a new session's service, app and device. With amendable set the runtime versions are copied,
// so that an OnSession callback may change them; otherwise sessions share the map, which nothing changes.
func (d *defaults) apply(s *session.Session, amendable bool) {
	s.Service, s.App, s.Device = d.service, d.app, d.device
	if amendable {
		s.Device.RuntimeVersions = maps.Clone(d.device.RuntimeVersions)
	}
}

// defaultsFor returns the defaults of res, computing them only when res is not the resource seen last.
// A TracerProvider has one resource, so this is almost always one atomic load.
func (p *Processor) defaultsFor(res *resource.Resource) *defaults {
	if d := p.lastDefaults.Load(); d != nil && d.res == res {
		return d
	}
	d := newDefaults(res)
	p.lastDefaults.Store(d)
	return d
}
