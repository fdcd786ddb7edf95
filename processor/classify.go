package processor

import (
	"maps"
	"strings"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/otelsessions/otelsessions/session"
)

// defaultStatusClass names the failure behind an Error status that nothing else names.
const defaultStatusClass = "error"

// isEntry applies the entry-span rules of docs/semantics.md to a live span: a SERVER span (or, when
// configured, a CONSUMER span) with no parent or a remote one, or, when configured, an INTERNAL root span.
func (c *config) isEntry(kind trace.SpanKind, parent trace.SpanContext) bool {
	root := !parent.IsValid()
	switch kind {
	case trace.SpanKindServer:
		return root || parent.IsRemote()
	case trace.SpanKindConsumer:
		return c.consumerEntries && (root || parent.IsRemote())
	case trace.SpanKindInternal, trace.SpanKindUnspecified:
		return c.internalRootEntries && root
	default:
		return false
	}
}

// reportErrors classifies the error events of a span that ended, as docs/semantics.md says, counts each
// against ss (nil outside any session) and hands it to the sink.
func (p *Processor) reportErrors(s sdktrace.ReadOnlySpan, ss *sessState) {
	events := s.Events()
	status := s.Status()
	exceptions := 0
	for i := range events {
		if events[i].Name == semconv.ExceptionEventName {
			exceptions++
		}
	}
	statusErr := status.Code == codes.Error
	if exceptions == 0 && !statusErr {
		return
	}
	entry := p.cfg.isEntry(s.SpanKind(), s.Parent())
	facts := readSpanFacts(s.Attributes())
	base := p.baseEvent(s, facts)
	// On a SERVER span with a 4xx response the Error status is disregarded: the failure is the caller's.
	if s.SpanKind() == trace.SpanKindServer && facts.clientError && !p.cfg.serverClientErrors {
		statusErr = false
	}
	if exceptions > 0 {
		p.reportExceptions(events, exceptions, entry && statusErr, facts.override, base, ss)
		return
	}
	if !statusErr {
		return
	}
	e := base
	e.Unhandled, e.Overridden = decide(overrideNone, facts.override, entry)
	e.Class = statusClass(facts, status.Description)
	e.Message = e.Class // as internal/derive names it, so that the Collector and replay send the same event
	e.Time = s.EndTime()
	p.emit(e, ss)
}

// reportExceptions reports every exception event as one error event; an Error status adds none.
//
// A panic recorded as escaped (by RecordPanic or the wrappers built on it) and then re-raised through a
// deferred span.End is recorded a second time by the SDK, as a plain exception event with the same type and
// message. That event is the same failure and is skipped, so that one panic counts once.
func (p *Processor) reportExceptions(events []sdktrace.Event, n int, entryInError bool, spanOverride override,
	base session.Event, ss *sessState,
) {
	var escaped []exceptionFacts
	for i := range events {
		ev := &events[i]
		if ev.Name != semconv.ExceptionEventName {
			continue
		}
		f := readExceptionFacts(ev.Attributes)
		if f.escaped && n > 1 {
			escaped = append(escaped, f)
		}
		if !f.escaped && f.override == overrideNone && repeatsEscaped(escaped, f) {
			continue
		}
		e := base
		e.Unhandled, e.Overridden = decide(f.override, spanOverride, f.escaped || entryInError)
		e.Class, e.Message, e.Stacktrace, e.Time = f.class, f.message, f.stackText, ev.Time
		if n > 1 && e.Attributes != nil {
			e.Attributes = maps.Clone(e.Attributes) // each event owns its map
		}
		p.emit(e, ss)
	}
}

// repeatsEscaped reports whether f repeats one of the escaped exceptions. The SDK names a predeclared type
// with a leading dot (".string"), which is ignored.
func repeatsEscaped(escaped []exceptionFacts, f exceptionFacts) bool {
	for _, x := range escaped {
		if x.message == f.message && strings.TrimPrefix(x.class, ".") == strings.TrimPrefix(f.class, ".") {
			return true
		}
	}
	return false
}

// baseEvent fills the fields every error event of span s shares.
func (p *Processor) baseEvent(s sdktrace.ReadOnlySpan, facts spanFacts) session.Event {
	d := p.defaultsFor(s.Resource())
	e := session.Event{
		Context: facts.context(), Service: d.service, App: d.app, Device: d.device,
		Attributes: facts.request,
	}
	e.Device.RuntimeVersions = maps.Clone(d.device.RuntimeVersions)
	if e.Context == "" {
		e.Context = s.Name()
	}
	return e
}

// statusClass names the failure behind an Error status: error.type, the status description, the Zipkin
// style error tag, or "error".
func statusClass(f spanFacts, description string) string {
	switch {
	case f.errorType != "":
		return f.errorType
	case description != "":
		return description
	case f.errorTag != "" && f.errorTag != "true":
		return f.errorTag
	default:
		return defaultStatusClass
	}
}

// emit counts e against its session, if any, and hands it to the sink.
func (p *Processor) emit(e session.Event, ss *sessState) {
	if ss != nil {
		e.Session = ss.sess()
		e.Counts = e.Session.AddEvent(e.Unhandled)
	}
	defer p.recoverSink()
	p.cfg.sink.ErrorEvent(e)
}

// started hands a new session to the sink.
func (p *Processor) started(ss *sessState) {
	defer p.recoverSink()
	p.cfg.sink.SessionStarted(ss.sess())
}

// recoverSink hands a panic of the sink to otel.Handle: a faulty sink must not break the application's
// spans.
func (*Processor) recoverSink() {
	if r := recover(); r != nil {
		otel.Handle(panicError("session sink", r))
	}
}
