package main

import (
	"github.com/open-telemetry/opentelemetry-collector-contrib/extension/storage/filestorage"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/connector"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/debugexporter"
	"go.opentelemetry.io/collector/exporter/otlpexporter"
	"go.opentelemetry.io/collector/exporter/otlphttpexporter"
	"go.opentelemetry.io/collector/extension"
	"go.opentelemetry.io/collector/otelcol"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/batchprocessor"
	"go.opentelemetry.io/collector/processor/memorylimiterprocessor"
	"go.opentelemetry.io/collector/receiver"
	"go.opentelemetry.io/collector/receiver/otlpreceiver"
	"go.opentelemetry.io/collector/service/telemetry/otelconftelemetry"

	"github.com/otelsessions/otelsessions/collectorext/bugsnagexporter"
	"github.com/otelsessions/otelsessions/collectorext/sessionsconnector"
	"github.com/otelsessions/otelsessions/collectorext/sessionsprocessor"
)

// Go modules of the components, as the Collector builder records them (shown by `otelcol-sessions components`).
const (
	modCore        = " v0.165.0"
	modSelf        = "github.com/otelsessions/otelsessions"
	modFileStorage = "github.com/open-telemetry/opentelemetry-collector-contrib/extension/storage/filestorage v0.165.0"
)

// components returns the factories of every component the distribution holds; builder-config.yaml lists the
// same set.
func components() (otelcol.Factories, error) {
	var err error
	f := otelcol.Factories{Telemetry: otelconftelemetry.NewFactory()}

	if f.Receivers, err = otelcol.MakeFactoryMap[receiver.Factory](otlpreceiver.NewFactory()); err != nil {
		return otelcol.Factories{}, err
	}
	f.ReceiverModules = map[component.Type]string{
		otlpreceiver.NewFactory().Type(): "go.opentelemetry.io/collector/receiver/otlpreceiver" + modCore,
	}

	if f.Processors, err = otelcol.MakeFactoryMap[processor.Factory](
		batchprocessor.NewFactory(),
		memorylimiterprocessor.NewFactory(),
		sessionsprocessor.NewFactory(),
	); err != nil {
		return otelcol.Factories{}, err
	}
	f.ProcessorModules = map[component.Type]string{
		batchprocessor.NewFactory().Type(): "go.opentelemetry.io/collector/processor/batchprocessor" + modCore,
		memorylimiterprocessor.NewFactory().Type(): "go.opentelemetry.io/collector/processor/memorylimiterprocessor" +
			modCore,
		sessionsprocessor.NewFactory().Type(): modSelf + "/collectorext/sessionsprocessor",
	}

	if f.Exporters, err = otelcol.MakeFactoryMap[exporter.Factory](
		debugexporter.NewFactory(),
		otlpexporter.NewFactory(),
		otlphttpexporter.NewFactory(),
		bugsnagexporter.NewFactory(),
	); err != nil {
		return otelcol.Factories{}, err
	}
	f.ExporterModules = map[component.Type]string{
		debugexporter.NewFactory().Type():    "go.opentelemetry.io/collector/exporter/debugexporter" + modCore,
		otlpexporter.NewFactory().Type():     "go.opentelemetry.io/collector/exporter/otlpexporter" + modCore,
		otlphttpexporter.NewFactory().Type(): "go.opentelemetry.io/collector/exporter/otlphttpexporter" + modCore,
		bugsnagexporter.NewFactory().Type():  modSelf + "/collectorext/bugsnagexporter",
	}

	if f.Connectors, err = otelcol.MakeFactoryMap[connector.Factory](sessionsconnector.NewFactory()); err != nil {
		return otelcol.Factories{}, err
	}
	f.ConnectorModules = map[component.Type]string{
		sessionsconnector.NewFactory().Type(): modSelf + "/collectorext/sessionsconnector",
	}

	if f.Extensions, err = otelcol.MakeFactoryMap[extension.Factory](filestorage.NewFactory()); err != nil {
		return otelcol.Factories{}, err
	}
	f.ExtensionModules = map[component.Type]string{filestorage.NewFactory().Type(): modFileStorage}

	return f, nil
}
