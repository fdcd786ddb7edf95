package sessionsconnector

import (
	"context"
	"fmt"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/connector"
	"go.opentelemetry.io/collector/consumer"

	"github.com/otelsessions/otelsessions/collectorext/sessionsconnector/internal/metadata"
)

// NewFactory returns the factory of the sessions connector.
func NewFactory() connector.Factory {
	return connector.NewFactory(
		metadata.Type,
		createDefaultConfig,
		connector.WithTracesToMetrics(createTracesToMetrics, metadata.TracesToMetricsStability),
	)
}

func createDefaultConfig() component.Config {
	return &Config{MaxDimensionValues: defaultMaxDimensionValues, MaxSessions: defaultMaxSessions}
}

func createTracesToMetrics(
	_ context.Context,
	set connector.Settings,
	cfg component.Config,
	next consumer.Metrics,
) (connector.Traces, error) {
	cCfg, ok := cfg.(*Config)
	if !ok {
		return nil, fmt.Errorf("sessions connector: configuration of type %T, want *Config", cfg)
	}
	return newSessionsConnector(set, cCfg, next)
}
