package bugsnagexporter

import (
	"crypto/tls"
	"errors"
	"fmt"
	"slices"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/config/configretry"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.uber.org/zap"

	sessionsexporter "github.com/otelsessions/otelsessions/exporter"
)

// Config is the configuration of the bugsnag exporter.
type Config struct {
	// APIKey is the Bugsnag project API key for every service that APIKeysByService does not name. It may be
	// empty only when APIKeysByService is not; sessions and events of other services are then dropped.
	APIKey configopaque.String `mapstructure:"api_key"`
	// APIKeysByService maps a service.name to the API key of its own Bugsnag project.
	APIKeysByService map[string]configopaque.String `mapstructure:"api_keys_by_service"`
	// SessionsEndpoint is the Bugsnag Sessions API URL; empty means Bugsnag's (or InsightHub's) public host.
	SessionsEndpoint string `mapstructure:"sessions_endpoint"`
	// NotifyEndpoint is the Bugsnag Notify API URL; empty means Bugsnag's (or InsightHub's) public host.
	NotifyEndpoint string `mapstructure:"notify_endpoint"`
	// SummaryInterval is how often counted sessions and buffered events are flushed to Bugsnag.
	SummaryInterval time.Duration `mapstructure:"summary_interval"`

	// HTTP holds the HTTP client settings; only tls and timeout (per request) are used, and the fields the
	// Bugsnag delivery cannot honor (endpoint, proxy_url, headers, auth) are refused by Validate.
	HTTP confighttp.ClientConfig `mapstructure:"http"`
	// Queue is the sending_queue of exporterhelper: batches wait there before they are derived.
	Queue configoptional.Optional[exporterhelper.QueueBatchConfig] `mapstructure:"sending_queue"`
	// Retry is retry_on_failure: the backoff of every Bugsnag request that fails with 408, 429, 5xx or a
	// network error.
	Retry configretry.BackOffConfig `mapstructure:"retry_on_failure"`
	// Timeout bounds each call that derives a batch and hands its sessions and events over.
	Timeout exporterhelper.TimeoutConfig `mapstructure:",squash"`

	// prevent unkeyed literal initialization
	_ struct{}
}

var _ component.Config = (*Config)(nil)

var (
	errNoAPIKey        = errors.New("api_key is required unless api_keys_by_service is set")
	errEmptyService    = errors.New("api_keys_by_service: a service name must not be empty")
	errHTTPUnsupported = errors.New("http: endpoint, proxy_url, headers and auth are not supported " +
		"(use sessions_endpoint, notify_endpoint and the HTTPS_PROXY environment variable)")
)

// Validate checks the configuration; every message names the field at fault and none prints an API key.
// Each key and the endpoints are checked by exporter.Validate, the checks exporter.New runs.
func (cfg *Config) Validate() error {
	var errs []error
	if cfg.APIKey == "" && len(cfg.APIKeysByService) == 0 {
		errs = append(errs, errNoAPIKey)
	}
	if cfg.HTTP.Endpoint != "" || cfg.HTTP.ProxyURL != "" || len(cfg.HTTP.Headers) > 0 || cfg.HTTP.Auth.HasValue() {
		errs = append(errs, errHTTPUnsupported)
	}
	opts := cfg.deliveryOptions(zap.NewNop(), nil)
	seen := map[string]bool{} // an option at fault is reported once, not once per key
	if cfg.APIKey != "" {
		errs = append(errs, checkKey("api_key", cfg.APIKey, opts, seen))
	}
	for _, svc := range sortedServices(cfg.APIKeysByService) {
		if svc == "" {
			errs = append(errs, errEmptyService)
			continue
		}
		name := fmt.Sprintf("api_keys_by_service[%q]", svc)
		errs = append(errs, checkKey(name, cfg.APIKeysByService[svc], opts, seen))
	}
	return errors.Join(errs...)
}

// checkKey runs exporter.New's validation of key and the options without starting anything; its messages
// never contain the key. A fault of the key is reported under field; a fault of the options (endpoints,
// summary_interval), which names its option, as it is, unless seen holds it already.
func checkKey(field string, key configopaque.String, opts []sessionsexporter.Option, seen map[string]bool) error {
	if err := sessionsexporter.Validate(string(key)); err != nil {
		return fmt.Errorf("%s: %w", field, err)
	}
	err := sessionsexporter.Validate(string(key), opts...)
	if err == nil || seen[err.Error()] {
		return nil
	}
	seen[err.Error()] = true
	return err
}

// eventBufferSize is how many error events wait for the next flush in each delivery exporter. A Collector
// gets them in bursts (a batch's whole worth at once, and the sessions processor forwards together the traces
// it held), larger than the delivery package's default, which is sized for one service's SDK; replay's
// command line uses the same.
const eventBufferSize = 10000

// deliveryOptions returns the options of every exporter.Exporter the configuration asks for.
func (cfg *Config) deliveryOptions(logger *zap.Logger, tlsCfg *tls.Config) []sessionsexporter.Option {
	opts := []sessionsexporter.Option{
		sessionsexporter.WithLogger(logger),
		sessionsexporter.WithEventBufferSize(eventBufferSize),
		sessionsexporter.WithSummaryInterval(cfg.SummaryInterval),
		sessionsexporter.WithRetry(sessionsexporter.RetryConfig{
			Enabled:         cfg.Retry.Enabled,
			InitialInterval: cfg.Retry.InitialInterval,
			MaxInterval:     cfg.Retry.MaxInterval,
			MaxElapsedTime:  cfg.Retry.MaxElapsedTime,
		}),
	}
	if cfg.SessionsEndpoint != "" {
		opts = append(opts, sessionsexporter.WithSessionsEndpoint(cfg.SessionsEndpoint))
	}
	if cfg.NotifyEndpoint != "" {
		opts = append(opts, sessionsexporter.WithNotifyEndpoint(cfg.NotifyEndpoint))
	}
	if cfg.HTTP.Timeout > 0 {
		opts = append(opts, sessionsexporter.WithRequestTimeout(cfg.HTTP.Timeout))
	}
	if tlsCfg != nil {
		opts = append(opts, sessionsexporter.WithTLSConfig(tlsCfg))
	}
	return opts
}

func sortedServices(m map[string]configopaque.String) []string {
	names := make([]string, 0, len(m))
	for svc := range m {
		names = append(names, svc)
	}
	slices.Sort(names)
	return names
}
