package bugsnagexporter

import (
	"context"
	"fmt"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/config/configretry"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exporterhelper"

	"github.com/otelsessions/otelsessions/collectorext/bugsnagexporter/internal/metadata"
	sessionsexporter "github.com/otelsessions/otelsessions/exporter"
)

// NewFactory returns the factory of the bugsnag exporter.
func NewFactory() exporter.Factory {
	return exporter.NewFactory(
		metadata.Type,
		createDefaultConfig,
		exporter.WithTraces(createTraces, metadata.TracesStability),
	)
}

func createDefaultConfig() component.Config { return newDefaultConfig() }

func newDefaultConfig() *Config {
	httpCfg := confighttp.NewDefaultClientConfig()
	httpCfg.Timeout = sessionsexporter.DefaultRequestTimeout
	return &Config{
		SummaryInterval: sessionsexporter.DefaultSummaryInterval,
		HTTP:            httpCfg,
		Queue:           configoptional.Some(exporterhelper.NewDefaultQueueConfig()),
		Retry:           configretry.NewDefaultBackOffConfig(),
		Timeout:         exporterhelper.NewDefaultTimeoutConfig(),
	}
}

func createTraces(ctx context.Context, set exporter.Settings, cfg component.Config) (exporter.Traces, error) {
	eCfg, ok := cfg.(*Config)
	if !ok {
		return nil, fmt.Errorf("bugsnag exporter: configuration of type %T, want *Config", cfg)
	}
	be := newBugsnagExporter(set, eCfg)
	return exporterhelper.NewTraces(ctx, set, cfg, be.pushTraces,
		exporterhelper.WithCapabilities(consumer.Capabilities{MutatesData: false}),
		exporterhelper.WithStart(be.start),
		exporterhelper.WithShutdown(be.shutdown),
		exporterhelper.WithQueue(eCfg.Queue),
		exporterhelper.WithRetry(eCfg.Retry),
		exporterhelper.WithTimeout(eCfg.Timeout),
	)
}
