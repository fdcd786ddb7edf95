package derive

import (
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/otelsessions/otelsessions/session"
)

// Resource attribute keys (OpenTelemetry semantic conventions).
const (
	attrServiceName       = "service.name"
	attrServiceVersion    = "service.version"
	attrDeploymentEnv     = "deployment.environment.name"
	attrDeploymentEnvOld  = "deployment.environment"
	attrHostName          = "host.name"
	attrOSType            = "os.type"
	attrRuntimeName       = "process.runtime.name"
	attrRuntimeVersion    = "process.runtime.version"
	defaultRuntimeVersion = "runtime"
)

// Resource is what the engine keeps of a span's resource: its service and the fields Bugsnag's payloads
// carry as app and device.
type Resource struct {
	Service string
	App     session.App
	Device  session.Device
}

// Release returns the release a session of this resource counts towards.
func (r Resource) Release() session.Release {
	return session.Release{Service: r.Service, Version: r.App.Version, ReleaseStage: r.App.ReleaseStage}
}

func newResource(attrs pcommon.Map) Resource {
	r := Resource{
		Service: attrString(attrs, attrServiceName),
		App: session.App{
			Version:      attrString(attrs, attrServiceVersion),
			ReleaseStage: attrString(attrs, attrDeploymentEnv),
		},
		Device: session.Device{
			Hostname: attrString(attrs, attrHostName),
			OSName:   attrString(attrs, attrOSType),
		},
	}
	if r.App.ReleaseStage == "" {
		r.App.ReleaseStage = attrString(attrs, attrDeploymentEnvOld)
	}
	if v := attrString(attrs, attrRuntimeVersion); v != "" {
		name := attrString(attrs, attrRuntimeName)
		if name == "" {
			name = defaultRuntimeVersion
		}
		r.Device.RuntimeVersions = map[string]string{strings.ToLower(name): v}
	}
	return r
}

// key identifies equal resources, so that the engine keeps one copy of each.
func (r Resource) key() string {
	var b strings.Builder
	for _, s := range []string{r.Service, r.App.Version, r.App.ReleaseStage, r.Device.Hostname, r.Device.OSName} {
		b.WriteString(s)
		b.WriteByte(0)
	}
	for k, v := range r.Device.RuntimeVersions {
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(v)
	}
	return b.String()
}

// attrString returns the attribute as a string, whatever its type (an integer service.version becomes
// "3"), or "" when it is absent.
func attrString(attrs pcommon.Map, key string) string {
	v, ok := attrs.Get(key)
	if !ok {
		return ""
	}
	if v.Type() == pcommon.ValueTypeStr {
		return v.Str()
	}
	return v.AsString()
}
