package processor

import (
	"time"

	"go.opentelemetry.io/otel/sdk/resource"

	"github.com/otelsessions/otelsessions/session"
)

// Defaults of the options.
const (
	// DefaultGracePeriod is how long the processor remembers an ended span, so that a child started after
	// its parent ended (in a goroutine the handler left behind) still joins the parent's session.
	DefaultGracePeriod = 2 * time.Second
	// DefaultMaxSpans is the most span states the processor holds at once; beyond it new spans are not
	// tracked, and counted as dropped. A state takes about 50 to 60 bytes, and the processor holds one per
	// open span in a session plus one per span that ended within the grace period: with the defaults, room
	// for about 250,000 spans a second.
	DefaultMaxSpans = 1 << 19
)

// config is what the options set. It is built by newConfig and never changes afterwards.
type config struct {
	sink                session.Sink
	automatic           bool
	consumerEntries     bool
	internalRootEntries bool
	serverClientErrors  bool
	gracePeriod         time.Duration
	maxSpans            int
	onSession           []OnSessionFunc
	resource            *resource.Resource
	now                 func() time.Time
}

// Option configures a Processor.
type Option interface {
	apply(config) config
}

type optionFunc func(config) config

func (f optionFunc) apply(c config) config { return f(c) }

// newConfig applies the defaults, then opts in order, then replaces invalid values by their defaults.
func newConfig(opts []Option) config {
	c := config{
		automatic:   true,
		gracePeriod: DefaultGracePeriod,
		maxSpans:    DefaultMaxSpans,
		now:         time.Now,
	}
	for _, o := range opts {
		c = o.apply(c)
	}
	if c.sink == nil {
		c.sink = discardSink{}
	}
	if c.gracePeriod < 0 {
		c.gracePeriod = DefaultGracePeriod
	}
	if c.maxSpans <= 0 {
		c.maxSpans = DefaultMaxSpans
	}
	if c.now == nil {
		c.now = time.Now
	}
	return c
}

// WithSink sets where sessions and error events go: each session once when it starts, each error event once
// when its span ends. The sink is called on the span processing path, so it must not block. By default they
// are discarded.
func WithSink(s session.Sink) Option {
	return optionFunc(func(c config) config {
		c.sink = s
		return c
	})
}

// WithoutAutomaticSessions stops entry spans from starting sessions: only StartSession and ResumeSession
// start them, and only spans started under a context holding one join it.
func WithoutAutomaticSessions() Option {
	return optionFunc(func(c config) config {
		c.automatic = false
		return c
	})
}

// WithConsumerEntries makes CONSUMER spans with no parent or a remote parent start sessions, as SERVER
// spans do (queue workers).
func WithConsumerEntries() Option {
	return optionFunc(func(c config) config {
		c.consumerEntries = true
		return c
	})
}

// WithInternalRootEntries makes INTERNAL spans with no parent start sessions (scheduled jobs).
func WithInternalRootEntries() Option {
	return optionFunc(func(c config) config {
		c.internalRootEntries = true
		return c
	})
}

// WithServerClientErrors counts an Error status on a SERVER span whose HTTP response status is 4xx as an
// error event. By default such a span yields no status event: the failure is the caller's.
func WithServerClientErrors() Option {
	return optionFunc(func(c config) config {
		c.serverClientErrors = true
		return c
	})
}

// WithGracePeriod sets how long an ended span is remembered so that children started after it ended still
// join its session. Zero forgets spans as they end; a negative value leaves the default, DefaultGracePeriod.
func WithGracePeriod(d time.Duration) Option {
	return optionFunc(func(c config) config {
		c.gracePeriod = d
		return c
	})
}

// WithMaxSpans caps the span states the processor holds (open spans in sessions, and ended ones within the
// grace period). A span started while the cap is reached is not tracked: it gets no session.id, an entry
// span starts no session, and the drop is counted in Stats. A value below 1 leaves the default,
// DefaultMaxSpans.
func WithMaxSpans(n int) Option {
	return optionFunc(func(c config) config {
		c.maxSpans = n
		return c
	})
}

// WithOnSession adds callbacks that run for every new session before it is counted; see OnSessionFunc.
func WithOnSession(fns ...OnSessionFunc) Option {
	return optionFunc(func(c config) config {
		c.onSession = append(c.onSession[:len(c.onSession):len(c.onSession)], fns...)
		return c
	})
}

// WithResource sets the resource whose attributes give app and device defaults to sessions started by
// StartSession or ResumeSession under a context without a span, until the processor has seen a span of its
// TracerProvider. Pass the TracerProvider's resource. Sessions started at entry spans always take the
// span's resource.
func WithResource(r *resource.Resource) Option {
	return optionFunc(func(c config) config {
		c.resource = r
		return c
	})
}

// discardSink is the Sink used when none is given.
type discardSink struct{}

func (discardSink) SessionStarted(*session.Session) {}

func (discardSink) ErrorEvent(session.Event) {}
