package sessionsconnector

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"

	"github.com/otelsessions/otelsessions/collectorext/sessionsconnector/internal/metadata"
)

func TestConfigStruct(t *testing.T) {
	require.NoError(t, componenttest.CheckConfigStruct(createDefaultConfig()))
}

func TestLoadConfig(t *testing.T) {
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)

	tests := []struct {
		name    string
		id      string
		want    *Config
		wantErr error
	}{
		{
			name: "defaults",
			want: &Config{MaxDimensionValues: defaultMaxDimensionValues, MaxSessions: defaultMaxSessions},
		},
		{
			name: "every field",
			id:   "custom",
			want: &Config{
				Dimensions: []string{"http.route", "http.request.method"}, MaxDimensionValues: 50, MaxSessions: 1000,
				ConsumerEntries: true, InternalRootEntries: true, ServerClientErrors: true,
			},
		},
		{name: "empty dimension", id: "empty_dimension", wantErr: errEmptyDimension},
		{name: "duplicate dimension", id: "duplicate_dimension", wantErr: errDuplicateDimension},
		{name: "reserved dimension", id: "reserved_dimension", wantErr: errReservedDimension},
		{name: "zero max_dimension_values", id: "zero_max_dimension_values", wantErr: errMaxDimensionValues},
		{name: "zero max_sessions", id: "zero_max_sessions", wantErr: errMaxSessions},
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
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, cfg)
		})
	}
}

func TestValidateNamesTheField(t *testing.T) {
	err := (&Config{Dimensions: []string{"http.route", "", "http.route", "error.handled"}}).Validate()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "dimensions[1]: dimensions must not contain an empty name")
	assert.Contains(t, err.Error(), `dimensions[2] "http.route": dimensions must not name an attribute twice`)
	assert.Contains(t, err.Error(), `dimensions[3] "error.handled"`)
	assert.Contains(t, err.Error(), "max_dimension_values must be greater than zero")
}
