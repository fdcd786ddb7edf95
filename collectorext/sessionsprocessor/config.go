package sessionsprocessor

import (
	"errors"
	"time"

	"go.opentelemetry.io/collector/component"

	"github.com/otelsessions/otelsessions/internal/derive"
)

// Defaults of the processor's configuration.
const (
	defaultWait      = 10 * time.Second
	defaultMaxWait   = time.Minute
	defaultMaxTraces = 100_000
	// maxMaxTraces keeps a held trace's place in the queue within an int32.
	maxMaxTraces = 1 << 30
)

// Config is the configuration of the sessions processor.
type Config struct {
	// Wait is how long a trace's spans are held, from the first one's arrival, for the trace's entry span and
	// its other spans before they are tagged and forwarded; resolved ancestry is kept as long again for late
	// spans. Zero tags and forwards every batch at once (for pipelines that already group spans by trace).
	Wait time.Duration `mapstructure:"wait"`
	// MaxWait is how long, from a trace's first span, spans whose ancestry is missing are held at most for it:
	// a request that lasts longer than Wait exports its entry span after its children, which wait for it.
	// Spans whose session is known leave after Wait. Values below Wait act as Wait.
	MaxWait time.Duration `mapstructure:"max_wait"`
	// MaxTraces bounds the traces held at once; when it is reached the oldest held trace is tagged with what
	// is known and forwarded early, and counted.
	MaxTraces int `mapstructure:"max_traces"`
	// ConsumerEntries makes CONSUMER spans entries under the same rules as SERVER spans (queue workers).
	ConsumerEntries bool `mapstructure:"consumer_entries"`
	// InternalRootEntries makes INTERNAL and unspecified-kind spans with no parent entries (scheduled jobs).
	InternalRootEntries bool `mapstructure:"internal_root_entries"`
	// ServerClientErrors counts an Error status on a SERVER span with an HTTP 4xx response as an error. It
	// changes no session.id; it is accepted so that the processor's rules are written like the other
	// otelsessions components'.
	ServerClientErrors bool `mapstructure:"server_client_errors"`

	// prevent unkeyed literal initialization
	_ struct{}
}

var _ component.Config = (*Config)(nil)

var (
	errNegativeWait    = errors.New("wait must not be negative")
	errNegativeMaxWait = errors.New("max_wait must not be negative")
	errMaxTraces       = errors.New("max_traces must be greater than zero")
	errMaxTracesHigh   = errors.New("max_traces must be at most 1073741824")
)

// Validate checks the configuration; every message names the field at fault.
func (cfg *Config) Validate() error {
	var errs error
	if cfg.Wait < 0 {
		errs = errors.Join(errs, errNegativeWait)
	}
	if cfg.MaxWait < 0 {
		errs = errors.Join(errs, errNegativeMaxWait)
	}
	if cfg.MaxTraces <= 0 {
		errs = errors.Join(errs, errMaxTraces)
	}
	if cfg.MaxTraces > maxMaxTraces {
		errs = errors.Join(errs, errMaxTracesHigh)
	}
	return errs
}

// maxHold is how long spans with a missing ancestor may be held, from their trace's first span.
func (cfg *Config) maxHold() time.Duration { return max(cfg.Wait, cfg.MaxWait) }

// rules returns the derivation rules the configuration chooses.
func (cfg *Config) rules() derive.Config {
	return derive.Config{
		ConsumerEntries:     cfg.ConsumerEntries,
		InternalRootEntries: cfg.InternalRootEntries,
		ServerClientErrors:  cfg.ServerClientErrors,
		SpanSessions:        true,
	}
}
