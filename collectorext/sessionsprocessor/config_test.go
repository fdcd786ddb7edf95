package sessionsprocessor

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"

	"github.com/otelsessions/otelsessions/collectorext/sessionsprocessor/internal/metadata"
)

func TestConfigStruct(t *testing.T) {
	require.NoError(t, componenttest.CheckConfigStruct(createDefaultConfig()))
}

func TestLoadConfig(t *testing.T) {
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)

	tests := []struct {
		name    string
		id      component.ID
		want    *Config
		wantErr error
	}{
		{
			name: "defaults",
			id:   component.NewID(metadata.Type),
			want: &Config{Wait: defaultWait, MaxWait: defaultMaxWait, MaxTraces: defaultMaxTraces},
		},
		{
			name: "every field",
			id:   component.NewIDWithName(metadata.Type, "custom"),
			want: &Config{
				Wait: 30 * time.Second, MaxWait: 5 * time.Minute, MaxTraces: 5000,
				ConsumerEntries: true, InternalRootEntries: true, ServerClientErrors: true,
			},
		},
		{name: "negative wait", id: component.NewIDWithName(metadata.Type, "negative_wait"), wantErr: errNegativeWait},
		{
			name: "negative max_wait", id: component.NewIDWithName(metadata.Type, "negative_max_wait"),
			wantErr: errNegativeMaxWait,
		},
		{name: "zero max_traces", id: component.NewIDWithName(metadata.Type, "zero_max_traces"), wantErr: errMaxTraces},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sub, err := cm.Sub(tt.id.String())
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
	err := (&Config{Wait: -time.Second}).Validate()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "wait must not be negative")
	assert.Contains(t, err.Error(), "max_traces must be greater than zero")

	err = (&Config{MaxTraces: maxMaxTraces + 1}).Validate()
	require.ErrorIs(t, err, errMaxTracesHigh)
	assert.NoError(t, (&Config{MaxTraces: maxMaxTraces}).Validate())
}
