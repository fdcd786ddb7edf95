package metadata

import (
	"fmt"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/otel/metric"
)

// MetricDimensionOverflows is the name of the overflow counter, as declared in metadata.yaml with the
// Collector's otelcol_ prefix.
const MetricDimensionOverflows = "otelcol_connector_sessions_dimension_overflows"

// TelemetryBuilder holds the connector's instruments.
type TelemetryBuilder struct {
	// DimensionOverflows counts sessions counted under otel.metric.overflow=true.
	DimensionOverflows metric.Int64Counter
}

// NewTelemetryBuilder creates the instruments on the component's MeterProvider.
func NewTelemetryBuilder(set component.TelemetrySettings) (*TelemetryBuilder, error) {
	m := set.MeterProvider.Meter(ScopeName)
	overflows, err := m.Int64Counter(MetricDimensionOverflows, metric.WithUnit("{session}"),
		metric.WithDescription("Sessions whose dimension values were past max_dimension_values distinct values."))
	if err != nil {
		return nil, fmt.Errorf("creating the sessions connector's instruments: %w", err)
	}
	return &TelemetryBuilder{DimensionOverflows: overflows}, nil
}
