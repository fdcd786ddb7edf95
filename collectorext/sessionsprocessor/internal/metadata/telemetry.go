package metadata

import (
	"context"
	"errors"
	"fmt"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/otel/metric"
)

// Metric names, as declared in metadata.yaml with the Collector's otelcol_ prefix.
const (
	MetricTracesHeld       = "otelcol_processor_sessions_traces_held"
	MetricLateSpans        = "otelcol_processor_sessions_late_spans"
	MetricUnresolvedTraces = "otelcol_processor_sessions_unresolved_traces"
	MetricSpansTagged      = "otelcol_processor_sessions_spans_tagged"
	MetricTracesEvicted    = "otelcol_processor_sessions_traces_evicted"
)

// TelemetryBuilder holds the processor's instruments.
type TelemetryBuilder struct {
	registration metric.Registration

	// LateSpans counts spans that arrived after their trace had been resolved.
	LateSpans metric.Int64Counter
	// UnresolvedTraces counts resolutions that left spans outside any session for a missing ancestor.
	UnresolvedTraces metric.Int64Counter
	// SpansTagged counts spans given a session.id.
	SpansTagged metric.Int64Counter
	// TracesEvicted counts traces resolved before their wait because max_traces were held.
	TracesEvicted metric.Int64Counter
}

// NewTelemetryBuilder creates the instruments on the component's MeterProvider. held is called at each
// collection for the traces-held gauge; it must not block.
func NewTelemetryBuilder(set component.TelemetrySettings, held func() int64) (*TelemetryBuilder, error) {
	m := set.MeterProvider.Meter(ScopeName)
	tb := &TelemetryBuilder{}
	var errs, err error
	tb.LateSpans, err = m.Int64Counter(MetricLateSpans, metric.WithUnit("{spans}"),
		metric.WithDescription("Spans that arrived after their trace had been resolved and forwarded."))
	errs = errors.Join(errs, err)
	tb.UnresolvedTraces, err = m.Int64Counter(MetricUnresolvedTraces, metric.WithUnit("{traces}"),
		metric.WithDescription("Trace resolutions that left spans outside any session for a missing ancestor."))
	errs = errors.Join(errs, err)
	tb.SpansTagged, err = m.Int64Counter(MetricSpansTagged, metric.WithUnit("{spans}"),
		metric.WithDescription("Spans given a session.id attribute by the processor."))
	errs = errors.Join(errs, err)
	tb.TracesEvicted, err = m.Int64Counter(MetricTracesEvicted, metric.WithUnit("{traces}"),
		metric.WithDescription("Held traces resolved before their wait ended because max_traces traces were held."))
	errs = errors.Join(errs, err)
	gauge, err := m.Int64ObservableGauge(MetricTracesHeld, metric.WithUnit("{traces}"),
		metric.WithDescription("Traces whose spans are held, waiting for the rest of their trace."))
	errs = errors.Join(errs, err)
	if errs != nil {
		return nil, fmt.Errorf("creating the sessions processor's instruments: %w", errs)
	}
	tb.registration, err = m.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		o.ObserveInt64(gauge, held())
		return nil
	}, gauge)
	if err != nil {
		return nil, fmt.Errorf("registering the traces-held gauge: %w", err)
	}
	return tb, nil
}

// Shutdown unregisters the gauge's callback. It is safe to call more than once.
func (tb *TelemetryBuilder) Shutdown() error {
	if tb.registration == nil {
		return nil
	}
	err := tb.registration.Unregister()
	tb.registration = nil
	if err != nil {
		return fmt.Errorf("unregistering the traces-held gauge: %w", err)
	}
	return nil
}
