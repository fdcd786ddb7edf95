package processor

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/otelsessions/otelsessions/internal/sessionid"
)

// errSpansDropped is reported once, through otel.Handle, when the span state cap first drops a span.
var errSpansDropped = errors.New("otelsessions: the processor holds its maximum of span states " +
	"(WithMaxSpans); new spans are not tracked until states are freed (see Stats)")

// warnDropped reports, through otel.Handle, that the span state cap dropped a span.
func warnDropped() { otel.Handle(errSpansDropped) }

// Processor is an OpenTelemetry SDK SpanProcessor that derives Bugsnag-style sessions from live spans:
// entry spans start sessions, the spans below them carry session.id, and exception events and error
// statuses are classified and counted against the session when their span ends. Register it with the
// TracerProvider, and its Sampler, so that sessions count whether or not their traces are sampled.
// A Processor is safe for concurrent use.
type Processor struct {
	cfg          config
	epoch        time.Time
	spans        *spanTable
	callbacks    callbacks
	lastDefaults atomic.Pointer[defaults]
	closed       atomic.Bool
	manual       atomic.Bool // StartSession bound a session to a context: span starts must look there first
	dropWarning  sync.Once
}

var _ sdktrace.SpanProcessor = (*Processor)(nil)

// Stats are the processor's internal figures, for monitoring and tests.
type Stats struct {
	// Spans is the number of span states held: open spans in sessions, and ended ones within the grace
	// period.
	Spans int
	// Dropped is the number of spans not tracked because the processor held its maximum of span states.
	Dropped int64
}

// New returns a processor configured by opts.
func New(opts ...Option) *Processor {
	cfg := newConfig(opts)
	p := &Processor{cfg: cfg, epoch: cfg.now()}
	p.spans = newSpanTable(cfg.maxSpans, cfg.gracePeriod, p.elapsed)
	p.lastDefaults.Store(newDefaults(cfg.resource))
	for _, fn := range cfg.onSession {
		p.AddOnSession(fn)
	}
	return p
}

// OnStart gives s its session: the one the parent context holds (from StartSession), else its local
// parent's, else a new one when s is an entry span and automatic tracking is on. A span in a session gets
// the session.id attribute. It does not block.
func (p *Processor) OnStart(parent context.Context, s sdktrace.ReadWriteSpan) {
	if p.closed.Load() {
		return
	}
	d := p.defaultsFor(s.Resource())
	sc := s.SpanContext()
	ss, entry := p.resolve(parent, s.Parent(), s.SpanKind())
	if entry {
		ss = p.newSession(parent, sessionid.Of(sc.TraceID(), sc.SpanID()), s.StartTime(), d)
	}
	if ss == nil {
		return
	}
	if !p.spans.put(keyOf(sc), ss) {
		p.dropWarning.Do(warnDropped)
		return
	}
	s.SetAttributes(ss.idAttr[:]...)
	if entry {
		p.started(ss)
	}
}

// OnEnd classifies the error events of s and counts them against its session, or passes them on as errors
// outside any session. It does not block.
func (p *Processor) OnEnd(s sdktrace.ReadOnlySpan) {
	if p.closed.Load() {
		return
	}
	ss, _ := p.spans.end(keyOf(s.SpanContext()))
	p.reportErrors(s, ss)
}

// Shutdown stops the processor: later spans and sessions are ignored and its state is freed. It does not
// shut the sink down, which may be shared. It is safe to call more than once.
func (p *Processor) Shutdown(context.Context) error {
	p.closed.Store(true)
	p.spans.clear()
	return nil
}

// ForceFlush does nothing: the processor hands everything to the sink as it happens.
func (*Processor) ForceFlush(context.Context) error { return nil }

// Stats returns the processor's figures, after freeing the states whose grace period is over.
func (p *Processor) Stats() Stats {
	return Stats{Spans: p.spans.len(), Dropped: p.spans.dropped.Load()}
}

// resolve finds the session a span started under ctx with the given parent and kind joins: the session ctx
// holds (from StartSession), else its local parent's; none while that session is paused. entry reports that
// the span starts a session of its own instead.
func (p *Processor) resolve(ctx context.Context, parent trace.SpanContext, kind trace.SpanKind,
) (ss *sessState, entry bool) {
	if p.manual.Load() {
		if ss, ok := ctx.Value(sessionKey{p}).(*sessState); ok {
			return ss.current(), false
		}
	}
	if parent.IsValid() && !parent.IsRemote() {
		if ss, ok := p.spans.get(keyOf(parent)); ok {
			return ss.current(), false
		}
		return nil, false
	}
	return nil, p.cfg.automatic && p.cfg.isEntry(kind, parent)
}

// elapsed is the processor's clock for grace periods: monotonic time since New.
func (p *Processor) elapsed() time.Duration { return p.cfg.now().Sub(p.epoch) }
