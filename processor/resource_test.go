package processor

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/resource"

	"github.com/otelsessions/otelsessions/session"
)

// TestResourceDefaults checks point 4's field mapping (DESIGN.md): app and device from the resource.
func TestResourceDefaults(t *testing.T) {
	tests := []struct {
		name  string
		attrs []attribute.KeyValue
		want  defaults
	}{
		{name: "nothing", want: defaults{}},
		{
			name: "the older deployment.environment",
			attrs: []attribute.KeyValue{
				attribute.String("deployment.environment", "staging"), attribute.Int("service.version", 3),
			},
			want: defaults{app: session.App{Version: "3", ReleaseStage: "staging"}},
		},
		{
			name: "deployment.environment.name wins",
			attrs: []attribute.KeyValue{
				attribute.String("deployment.environment.name", "production"),
				attribute.String("deployment.environment", "staging"),
			},
			want: defaults{app: session.App{ReleaseStage: "production"}},
		},
		{
			name:  "a runtime version without a name",
			attrs: []attribute.KeyValue{attribute.String("process.runtime.version", "1.2")},
			want:  defaults{device: session.Device{RuntimeVersions: map[string]string{"runtime": "1.2"}}},
		},
		{
			name: "everything",
			attrs: []attribute.KeyValue{
				attribute.String("service.name", "shop"), attribute.String("host.name", "web-1"),
				attribute.String("os.type", "linux"), attribute.String("process.runtime.name", "Go"),
				attribute.String("process.runtime.version", "go1.26.8"),
			},
			want: defaults{service: "shop", device: session.Device{
				Hostname: "web-1", OSName: "linux", RuntimeVersions: map[string]string{"go": "go1.26.8"},
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := resource.NewSchemaless(tt.attrs...)
			d := newDefaults(res)
			tt.want.res = res
			assert.Equal(t, &tt.want, d)
		})
	}
}

// TestSessionDevicesAreCopies checks that amending one session's runtime versions leaves the others alone.
func TestSessionDevicesAreCopies(t *testing.T) {
	d := newDefaults(testResource)
	var a, b session.Session
	d.apply(&a, true)
	d.apply(&b, true)
	a.Device.RuntimeVersions["go"] = "changed"
	assert.Equal(t, "go1.26.8", b.Device.RuntimeVersions["go"])
	assert.Equal(t, "go1.26.8", d.device.RuntimeVersions["go"])
}
