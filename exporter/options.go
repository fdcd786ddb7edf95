package exporter

import (
	"cmp"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"time"

	"go.uber.org/zap"
)

// Default endpoints and limits. Each can be changed with an Option.
const (
	// DefaultSessionsEndpoint is where session counts go unless WithSessionsEndpoint says otherwise.
	DefaultSessionsEndpoint = "https://sessions.bugsnag.com"
	// DefaultNotifyEndpoint is where error events go unless WithNotifyEndpoint says otherwise.
	DefaultNotifyEndpoint = "https://notify.bugsnag.com"
	// DefaultSummaryInterval is how often the background loop flushes.
	DefaultSummaryInterval = 30 * time.Second
	// DefaultRequestTimeout bounds every HTTP request, from dial to the end of the response body.
	DefaultRequestTimeout = 10 * time.Second
	// DefaultQueueSize is how many payloads may wait for delivery before new ones are dropped.
	DefaultQueueSize = 100
	// DefaultEventBufferSize is how many error events may wait for the next flush before new ones are dropped.
	DefaultEventBufferSize = 1000
	// DefaultMaxEventsPerRequest is how many error events one Notify request carries at most.
	DefaultMaxEventsPerRequest = 100
)

// Hosts that Bugsnag's own notifiers use for API keys that start with "00000" (InsightHub projects).
const (
	hubSessionsEndpoint = "https://sessions.insighthub.smartbear.com"
	hubNotifyEndpoint   = "https://notify.insighthub.smartbear.com"
	hubKeyPrefix        = "00000"
)

// RetryConfig chooses how a payload that failed with 408, 429, 5xx or a network error is retried.
type RetryConfig struct {
	// Enabled turns retries on; when false a failed payload is dropped after its first attempt.
	Enabled bool
	// InitialInterval is the wait before the first retry; each later wait is 1.5 times longer, with ±50% jitter.
	InitialInterval time.Duration
	// MaxInterval caps the wait between two attempts (a longer Retry-After still wins).
	MaxInterval time.Duration
	// MaxElapsedTime is how long a payload is retried before it is dropped; 0 retries until Shutdown.
	MaxElapsedTime time.Duration
}

// DefaultRetryConfig returns the retry settings New uses unless WithRetry says otherwise.
func DefaultRetryConfig() RetryConfig {
	return RetryConfig{
		Enabled: true, InitialInterval: time.Second, MaxInterval: 30 * time.Second,
		MaxElapsedTime: 5 * time.Minute,
	}
}

// config is what the options set. The API key is held behind a pointer so that no reflection-based printing
// (fmt's %v, %+v, %#v of the struct or of anything holding it) can reach its text.
type config struct {
	apiKey              *secret
	sessionsEndpoint    string
	notifyEndpoint      string
	sessionsDisabled    bool // set by validation: custom notify endpoint with the default sessions endpoint
	summariesOnly       bool // set by validation: no API key and a summary writer, so nothing goes to Bugsnag
	summaryInterval     time.Duration
	requestTimeout      time.Duration
	retry               RetryConfig
	queueSize           int
	eventBufferSize     int
	maxEventsPerRequest int
	enabledStages       []string // nil: every stage is enabled
	summaryWriter       io.Writer
	logger              *zap.Logger
	tlsConfig           *tls.Config
}

// Option configures an Exporter.
type Option interface {
	apply(config) config
}

type optionFunc func(config) config

func (f optionFunc) apply(c config) config { return f(c) }

func newConfig(apiKey string, opts []Option) (config, []string, error) {
	c := config{
		apiKey:              &secret{value: apiKey},
		summaryInterval:     DefaultSummaryInterval,
		requestTimeout:      DefaultRequestTimeout,
		retry:               DefaultRetryConfig(),
		queueSize:           DefaultQueueSize,
		eventBufferSize:     DefaultEventBufferSize,
		maxEventsPerRequest: DefaultMaxEventsPerRequest,
		logger:              zap.NewNop(),
	}
	for _, o := range opts {
		c = o.apply(c)
	}
	return c.validate()
}

// validate checks c, fills the endpoints it may choose, and returns the warnings to log once.
func (c config) validate() (config, []string, error) {
	if c.apiKey.value == "" && c.summaryWriter != nil {
		c.summariesOnly, c.sessionsDisabled = true, true
		if err := errors.Join(c.checkLimits()...); err != nil {
			return config{}, nil, err
		}
		c.logger = cmp.Or(c.logger, zap.NewNop())
		return c, nil, nil
	}
	errs := []error{validateAPIKey(c.apiKey.value)}
	defSessions, defNotify := DefaultSessionsEndpoint, DefaultNotifyEndpoint
	if len(c.apiKey.value) >= len(hubKeyPrefix) && c.apiKey.value[:len(hubKeyPrefix)] == hubKeyPrefix {
		defSessions, defNotify = hubSessionsEndpoint, hubNotifyEndpoint
	}
	customSessions := c.sessionsEndpoint != "" && c.sessionsEndpoint != defSessions
	customNotify := c.notifyEndpoint != "" && c.notifyEndpoint != defNotify
	var warnings []string
	switch {
	case customSessions && !customNotify:
		errs = append(errs, errors.New("exporter: a custom sessions endpoint needs a custom notify endpoint too, "+
			"or error events would go to the public host"))
	case customNotify && !customSessions:
		c.sessionsDisabled = true
		warnings = append(warnings, "custom notify endpoint with the default sessions endpoint: "+
			"session delivery is disabled")
	}
	c.sessionsEndpoint = cmp.Or(c.sessionsEndpoint, defSessions)
	c.notifyEndpoint = cmp.Or(c.notifyEndpoint, defNotify)
	errs = append(errs, checkEndpoint("sessions", c.sessionsEndpoint), checkEndpoint("notify", c.notifyEndpoint))
	errs = append(errs, c.checkLimits()...)
	if c.logger == nil {
		c.logger = zap.NewNop()
	}
	if err := errors.Join(errs...); err != nil {
		return config{}, nil, err
	}
	return c, warnings, nil
}

func (c config) checkLimits() []error {
	var errs []error
	positive := func(name string, ok bool) {
		if !ok {
			errs = append(errs, fmt.Errorf("exporter: %s must be positive", name))
		}
	}
	positive("summary interval", c.summaryInterval > 0)
	positive("request timeout", c.requestTimeout > 0)
	positive("queue size", c.queueSize > 0)
	positive("event buffer size", c.eventBufferSize > 0)
	positive("max events per request", c.maxEventsPerRequest > 0)
	if r := c.retry; r.Enabled {
		positive("retry initial interval", r.InitialInterval > 0)
		if r.MaxInterval < r.InitialInterval {
			errs = append(errs, errors.New("exporter: retry max interval must not be below the initial interval"))
		}
		if r.MaxElapsedTime < 0 {
			errs = append(errs, errors.New("exporter: retry max elapsed time must not be negative"))
		}
	}
	if slices.Contains(c.enabledStages, "") {
		errs = append(errs, errors.New("exporter: enabled release stages must not contain an empty stage"))
	}
	return errs
}

func checkEndpoint(name, raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("exporter: %s endpoint: %w", name, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("exporter: %s endpoint %q must be an absolute http or https URL", name, u.Redacted())
	}
	return nil
}

// stageEnabled tells whether payloads of the given wire release stage may be sent.
func (c *config) stageEnabled(stage string) bool {
	return c.enabledStages == nil || slices.Contains(c.enabledStages, stage)
}

// WithSessionsEndpoint sends session counts to rawURL instead of DefaultSessionsEndpoint. A custom sessions
// endpoint needs a custom notify endpoint too (New refuses it alone, so that events never reach the public
// host by mistake).
func WithSessionsEndpoint(rawURL string) Option {
	return optionFunc(func(c config) config { c.sessionsEndpoint = rawURL; return c })
}

// WithNotifyEndpoint sends error events to rawURL instead of DefaultNotifyEndpoint. With the sessions endpoint
// left at its default, session delivery is disabled (with one warning), as Bugsnag's notifiers do.
func WithNotifyEndpoint(rawURL string) Option {
	return optionFunc(func(c config) config { c.notifyEndpoint = rawURL; return c })
}

// WithSummaryInterval sets how often the background loop flushes counts and events (default 30 s).
func WithSummaryInterval(d time.Duration) Option {
	return optionFunc(func(c config) config { c.summaryInterval = d; return c })
}

// WithRequestTimeout bounds every HTTP request (default 10 s).
func WithRequestTimeout(d time.Duration) Option {
	return optionFunc(func(c config) config { c.requestTimeout = d; return c })
}

// WithRetry sets how failed payloads are retried (default DefaultRetryConfig).
func WithRetry(rc RetryConfig) Option {
	return optionFunc(func(c config) config { c.retry = rc; return c })
}

// WithQueueSize sets how many payloads may wait for delivery (default 100); beyond it new payloads are
// dropped and counted.
func WithQueueSize(n int) Option {
	return optionFunc(func(c config) config { c.queueSize = n; return c })
}

// WithEventBufferSize sets how many error events may wait for the next flush (default 1000); beyond it new
// events are dropped and counted.
func WithEventBufferSize(n int) Option {
	return optionFunc(func(c config) config { c.eventBufferSize = n; return c })
}

// WithMaxEventsPerRequest sets how many error events one Notify request carries at most (default 100). A full
// batch is flushed at once rather than at the next interval.
func WithMaxEventsPerRequest(n int) Option {
	return optionFunc(func(c config) config { c.maxEventsPerRequest = n; return c })
}

// WithEnabledReleaseStages sends only sessions and events of these release stages; the others are still
// counted (in Stats and the JSON summaries) but never sent. A missing stage counts as "production".
func WithEnabledReleaseStages(stages ...string) Option {
	return optionFunc(func(c config) config {
		c.enabledStages = append(make([]string, 0, len(stages)), stages...)
		return c
	})
}

// WithSummaryWriter writes one JSON summary object per flush to w (a file or os.Stdout). Writes happen on
// the flushing goroutine, one at a time.
func WithSummaryWriter(w io.Writer) Option {
	return optionFunc(func(c config) config { c.summaryWriter = w; return c })
}

// WithLogger logs through l (default: nothing is logged). Lines are structured, with snake_case keys; there
// is never one line per session or event.
func WithLogger(l *zap.Logger) Option {
	return optionFunc(func(c config) config { c.logger = l; return c })
}

// WithTLSConfig sets the TLS settings of the HTTP client (custom roots, client certificates, minimum
// version). The config is cloned.
func WithTLSConfig(tc *tls.Config) Option {
	return optionFunc(func(c config) config { c.tlsConfig = tc.Clone(); return c })
}

// Validate checks the API key and the options as New does, without starting anything. Its error names what
// is wrong and never contains the key.
func Validate(apiKey string, opts ...Option) error {
	_, _, err := newConfig(apiKey, opts)
	return err
}
