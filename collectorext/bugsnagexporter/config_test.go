package bugsnagexporter

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"
	"go.opentelemetry.io/collector/exporter/exporterhelper"

	"github.com/otelsessions/otelsessions/collectorext/bugsnagexporter/internal/metadata"
	sessionsexporter "github.com/otelsessions/otelsessions/exporter"
)

const (
	testKey      = "0123456789abcdef0123456789abcdef"
	testKey2     = "fedcba9876543210fedcba9876543210"
	badKeyMarker = "SECRET"
)

func TestConfigStruct(t *testing.T) {
	require.NoError(t, componenttest.CheckConfigStruct(createDefaultConfig()))
}

func customConfig() *Config {
	want := newDefaultConfig()
	want.APIKey = testKey
	want.APIKeysByService = map[string]configopaque.String{"checkout": testKey2}
	want.SessionsEndpoint = "https://sessions.example.com"
	want.NotifyEndpoint = "https://notify.example.com"
	want.SummaryInterval = 10 * time.Second
	want.HTTP.Timeout = 3 * time.Second
	q := exporterhelper.NewDefaultQueueConfig()
	q.NumConsumers, q.QueueSize = 2, 50
	want.Queue = configoptional.Some(q)
	want.Retry.InitialInterval, want.Retry.MaxInterval = 2*time.Second, 20*time.Second
	want.Retry.MaxElapsedTime = time.Minute
	want.Timeout.Timeout = 7 * time.Second
	return want
}

func TestLoadConfig(t *testing.T) {
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)
	withKey := newDefaultConfig()
	withKey.APIKey = testKey
	byService := newDefaultConfig()
	byService.APIKeysByService = map[string]configopaque.String{"checkout": testKey2}

	tests := []struct {
		name    string
		id      string
		want    *Config
		wantErr error
		wantMsg string
	}{
		{name: "api_key only", id: "", want: withKey},
		{name: "every field", id: "custom", want: customConfig()},
		{name: "api_keys_by_service only", id: "by_service_only", want: byService},
		{name: "no key", id: "missing_key", wantErr: errNoAPIKey},
		{name: "invalid api_key", id: "invalid_key", wantErr: sessionsexporter.ErrInvalidAPIKey, wantMsg: "api_key"},
		{
			name: "invalid service key", id: "invalid_service_key", wantErr: sessionsexporter.ErrInvalidAPIKey,
			wantMsg: `api_keys_by_service["checkout"]`,
		},
		{name: "http endpoint", id: "http_endpoint", wantErr: errHTTPUnsupported},
		{name: "sessions endpoint alone", id: "sessions_endpoint_alone", wantMsg: "custom notify endpoint"},
		{name: "zero summary_interval", id: "zero_summary_interval", wantMsg: "summary interval must be positive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := component.NewID(metadata.Type)
			if tt.id != "" {
				id = component.NewIDWithName(metadata.Type, tt.id)
			}
			sub, err := cm.Sub(id.String())
			require.NoError(t, err)
			cfg := NewFactory().CreateDefaultConfig()
			require.NoError(t, sub.Unmarshal(cfg))

			err = confmap.Validate(cfg)
			if tt.wantErr == nil && tt.wantMsg == "" {
				require.NoError(t, err)
				assert.Equal(t, tt.want, cfg)
				return
			}
			require.Error(t, err)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
			}
			assert.Contains(t, err.Error(), tt.wantMsg)
			assert.NotContains(t, err.Error(), badKeyMarker, "the message must not print the key")
		})
	}
}

// TestConfigDumpRedactsKeys prints the configuration in every common way: no API key may appear.
func TestConfigDumpRedactsKeys(t *testing.T) {
	cfg := customConfig()
	for _, verb := range []string{"%v", "%+v", "%s"} {
		for _, v := range []any{cfg, *cfg} {
			out := fmt.Sprintf(verb, v)
			assert.NotContains(t, out, testKey, verb)
			assert.NotContains(t, out, testKey2, verb)
		}
	}
}

// TestValidateNamesTheOptionAtFault: a bad endpoint or summary interval is reported as such, once, not as a
// fault of api_key or of each key of api_keys_by_service.
func TestValidateNamesTheOptionAtFault(t *testing.T) {
	cfg := newDefaultConfig()
	cfg.APIKey = testKey
	cfg.APIKeysByService = map[string]configopaque.String{"shop": testKey2}
	cfg.SummaryInterval = -time.Second
	cfg.SessionsEndpoint = "http://127.0.0.1:9/sessions"
	err := cfg.Validate()
	require.Error(t, err)
	msg := err.Error()
	assert.Contains(t, msg, "summary interval")
	assert.Contains(t, msg, "notify endpoint")
	assert.NotContains(t, msg, "api_key")
	assert.Equal(t, 1, strings.Count(msg, "summary interval"), "reported once: %s", msg)

	cfg = newDefaultConfig()
	cfg.APIKey = "not-a-key"
	require.ErrorContains(t, cfg.Validate(), "api_key: ")
}
