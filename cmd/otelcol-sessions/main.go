package main

import (
	"os"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/provider/envprovider"
	"go.opentelemetry.io/collector/confmap/provider/fileprovider"
	"go.opentelemetry.io/collector/confmap/provider/yamlprovider"
	"go.opentelemetry.io/collector/otelcol"
)

// version is the distribution's version; release builds set it with -ldflags "-X main.version=…".
var version = "0.1.0-dev"

func main() {
	if err := otelcol.NewCommand(settings()).Execute(); err != nil {
		// cobra has printed the error already.
		os.Exit(1)
	}
}

// settings returns the distribution's collector settings: its components, its build information and the
// configuration providers for file:, env: and yaml: URIs (a bare --config path is a file).
func settings() otelcol.CollectorSettings {
	return otelcol.CollectorSettings{
		BuildInfo: component.BuildInfo{
			Command:     "otelcol-sessions",
			Description: "OpenTelemetry Collector with otelsessions: sessions and stability from traces",
			Version:     version,
		},
		Factories: components,
		ConfigProviderSettings: otelcol.ConfigProviderSettings{
			ResolverSettings: confmap.ResolverSettings{
				DefaultScheme: "env",
				ProviderFactories: []confmap.ProviderFactory{
					fileprovider.NewFactory(),
					envprovider.NewFactory(),
					yamlprovider.NewFactory(),
				},
			},
		},
		ProviderModules: map[string]string{
			"file": "go.opentelemetry.io/collector/confmap/provider/fileprovider v1.71.0",
			"env":  "go.opentelemetry.io/collector/confmap/provider/envprovider v1.71.0",
			"yaml": "go.opentelemetry.io/collector/confmap/provider/yamlprovider v1.71.0",
		},
	}
}
