package derive

import (
	"cmp"
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

// resourceKey is what a resource's attributes give the engine, once read: equal keys make equal Resources.
type resourceKey struct {
	service, version, stage, host, os string
	runtime, runtimeVersion           string // runtime is lower case, and empty when runtimeVersion is
}

// Bits of the resource attributes readResourceKey has seen, so that of two attributes with one key the
// first counts, as pcommon.Map.Get finds it.
const (
	seenService = 1 << iota
	seenVersion
	seenEnv
	seenEnvOld
	seenHost
	seenOS
	seenRuntime
	seenRuntimeVersion
)

// readResourceKey reads the attributes the engine keeps of a resource in one pass over them.
func readResourceKey(attrs pcommon.Map) resourceKey {
	var k resourceKey
	var envOld string
	seen := 0
	for key, v := range attrs.All() {
		var field *string
		bit := 0
		switch key {
		case attrServiceName:
			field, bit = &k.service, seenService
		case attrServiceVersion:
			field, bit = &k.version, seenVersion
		case attrDeploymentEnv:
			field, bit = &k.stage, seenEnv
		case attrDeploymentEnvOld:
			field, bit = &envOld, seenEnvOld
		case attrHostName:
			field, bit = &k.host, seenHost
		case attrOSType:
			field, bit = &k.os, seenOS
		case attrRuntimeName:
			field, bit = &k.runtime, seenRuntime
		case attrRuntimeVersion:
			field, bit = &k.runtimeVersion, seenRuntimeVersion
		default:
			continue
		}
		if seen&bit == 0 {
			*field, seen = valueString(v), seen|bit
		}
	}
	if k.stage == "" {
		k.stage = envOld
	}
	if k.runtimeVersion == "" {
		k.runtime = ""
	} else {
		k.runtime = strings.ToLower(cmp.Or(k.runtime, defaultRuntimeVersion))
	}
	return k
}

// resource builds the Resource the key stands for.
func (k resourceKey) resource() *Resource {
	r := &Resource{
		Service: k.service,
		App:     session.App{Version: k.version, ReleaseStage: k.stage},
		Device:  session.Device{Hostname: k.host, OSName: k.os},
	}
	if k.runtimeVersion != "" {
		r.Device.RuntimeVersions = map[string]string{k.runtime: k.runtimeVersion}
	}
	return r
}

// attrString returns the attribute as a string, whatever its type (an integer service.version becomes
// "3"), or "" when it is absent.
func attrString(attrs pcommon.Map, key string) string {
	v, ok := attrs.Get(key)
	if !ok {
		return ""
	}
	return valueString(v)
}

// valueString returns the value as a string, whatever its type.
func valueString(v pcommon.Value) string {
	if v.Type() == pcommon.ValueTypeStr {
		return v.Str()
	}
	return v.AsString()
}
