package sessionsconnector

import (
	"errors"
	"fmt"
	"slices"

	"go.opentelemetry.io/collector/component"

	"github.com/otelsessions/otelsessions/internal/derive"
)

const (
	// defaultMaxDimensionValues is the default cap on the distinct values of each dimension.
	defaultMaxDimensionValues = 100
	// defaultMaxSessions is the default number of sessions remembered for spans that arrive in later batches.
	defaultMaxSessions = 100_000
)

// Config is the configuration of the sessions connector.
type Config struct {
	// Dimensions are attributes of each session's entry span (such as http.route) added to the data points
	// of its sessions and error events. Keep them low-cardinality: each dimension keeps at most
	// MaxDimensionValues distinct values.
	Dimensions []string `mapstructure:"dimensions"`
	// MaxDimensionValues caps the distinct values kept per dimension for the connector's lifetime; sessions
	// with a value past the cap are counted in points with the single attribute otel.metric.overflow=true.
	MaxDimensionValues int `mapstructure:"max_dimension_values"`
	// MaxSessions is how many of the last sessions counted are remembered, so that their spans tagged with
	// session.id by the sessions processor that arrive in a later batch join them: their errors count in
	// the session, and the session is not started twice.
	MaxSessions int `mapstructure:"max_sessions"`
	// ConsumerEntries makes CONSUMER spans entries under the same rules as SERVER spans (queue workers).
	ConsumerEntries bool `mapstructure:"consumer_entries"`
	// InternalRootEntries makes INTERNAL and unspecified-kind spans with no parent entries (scheduled jobs).
	InternalRootEntries bool `mapstructure:"internal_root_entries"`
	// ServerClientErrors counts an Error status on a SERVER span with an HTTP 4xx response as an error.
	ServerClientErrors bool `mapstructure:"server_client_errors"`

	// prevent unkeyed literal initialization
	_ struct{}
}

var _ component.Config = (*Config)(nil)

var (
	errEmptyDimension     = errors.New("dimensions must not contain an empty name")
	errDuplicateDimension = errors.New("dimensions must not name an attribute twice")
	errReservedDimension  = errors.New("dimensions must not name an attribute the connector sets itself")
	errMaxDimensionValues = errors.New("max_dimension_values must be greater than zero")
	errMaxSessions        = errors.New("max_sessions must be greater than zero")
)

// reservedAttributes are the attributes the connector sets on resources and data points itself.
var reservedAttributes = []string{
	attrServiceName, attrServiceVersion, attrDeploymentEnv, attrErrorHandled, attrOverflow,
}

// Validate checks the configuration; every message names the field at fault.
func (cfg *Config) Validate() error {
	var errs error
	seen := make(map[string]bool, len(cfg.Dimensions))
	for i, d := range cfg.Dimensions {
		switch {
		case d == "":
			errs = errors.Join(errs, fmt.Errorf("dimensions[%d]: %w", i, errEmptyDimension))
		case seen[d]:
			errs = errors.Join(errs, fmt.Errorf("dimensions[%d] %q: %w", i, d, errDuplicateDimension))
		case slices.Contains(reservedAttributes, d):
			errs = errors.Join(errs, fmt.Errorf("dimensions[%d] %q: %w", i, d, errReservedDimension))
		}
		seen[d] = true
	}
	if cfg.MaxDimensionValues <= 0 {
		errs = errors.Join(errs, errMaxDimensionValues)
	}
	if cfg.MaxSessions <= 0 {
		errs = errors.Join(errs, errMaxSessions)
	}
	return errs
}

// rules returns the derivation rules the configuration chooses.
func (cfg *Config) rules() derive.Config {
	return derive.Config{
		ConsumerEntries:     cfg.ConsumerEntries,
		InternalRootEntries: cfg.InternalRootEntries,
		ServerClientErrors:  cfg.ServerClientErrors,
		JoinTagged:          true,
	}
}
