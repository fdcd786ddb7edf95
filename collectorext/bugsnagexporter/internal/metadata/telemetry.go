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
	MetricSessionsSent    = "otelcol_exporter_bugsnag_sessions_sent"
	MetricSessionsDropped = "otelcol_exporter_bugsnag_sessions_dropped"
	MetricEventsSent      = "otelcol_exporter_bugsnag_events_sent"
	MetricEventsDropped   = "otelcol_exporter_bugsnag_events_dropped"
)

// Counts are the cumulative figures the exporter reports at each collection.
type Counts struct {
	SessionsSent, SessionsDropped, EventsSent, EventsDropped int64
}

// TelemetryBuilder holds the registration of the exporter's asynchronous counters.
type TelemetryBuilder struct {
	registration metric.Registration
}

// NewTelemetryBuilder creates the counters on the component's MeterProvider. counts is called at each
// collection; it must not block.
func NewTelemetryBuilder(set component.TelemetrySettings, counts func() Counts) (*TelemetryBuilder, error) {
	m := set.MeterProvider.Meter(ScopeName)
	var errs error
	counter := func(name, unit, desc string) metric.Int64ObservableCounter {
		c, err := m.Int64ObservableCounter(name, metric.WithUnit(unit), metric.WithDescription(desc))
		errs = errors.Join(errs, err)
		return c
	}
	sessSent := counter(MetricSessionsSent, "{sessions}", "Sessions delivered to the Bugsnag Sessions API.")
	sessDropped := counter(MetricSessionsDropped, "{sessions}", "Sessions derived but never delivered.")
	evSent := counter(MetricEventsSent, "{events}", "Error events delivered to the Bugsnag Notify API.")
	evDropped := counter(MetricEventsDropped, "{events}", "Error events derived but never delivered.")
	if errs != nil {
		return nil, fmt.Errorf("creating the bugsnag exporter's instruments: %w", errs)
	}
	reg, err := m.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		c := counts()
		o.ObserveInt64(sessSent, c.SessionsSent)
		o.ObserveInt64(sessDropped, c.SessionsDropped)
		o.ObserveInt64(evSent, c.EventsSent)
		o.ObserveInt64(evDropped, c.EventsDropped)
		return nil
	}, sessSent, sessDropped, evSent, evDropped)
	if err != nil {
		return nil, fmt.Errorf("registering the bugsnag exporter's counters: %w", err)
	}
	return &TelemetryBuilder{registration: reg}, nil
}

// Shutdown unregisters the counters' callback. It is safe to call more than once.
func (tb *TelemetryBuilder) Shutdown() error {
	if tb.registration == nil {
		return nil
	}
	err := tb.registration.Unregister()
	tb.registration = nil
	if err != nil {
		return fmt.Errorf("unregistering the bugsnag exporter's counters: %w", err)
	}
	return nil
}
