package processor

import (
	"context"

	"github.com/google/uuid"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// sessionKey is the context key of the session StartSession binds to a context. It names its processor,
// so that two processors in one program keep their sessions apart.
type sessionKey struct{ p *Processor }

// StartSession starts a session and returns a context that holds it. Spans started under the returned
// context (or one derived from it) join the session whatever the tracking mode, and goroutines sharing the
// context share it. The session replaces any session ctx holds, for the returned context only; ctx and the
// spans already started keep theirs. The session starts now, with app and device defaults from the resource
// of the span in ctx (or the last resource the processor saw, see WithResource). When an OnSession callback
// discards the session, ctx is returned unchanged.
func (p *Processor) StartSession(ctx context.Context) context.Context {
	if p.closed.Load() {
		return ctx
	}
	ss := p.newSession(ctx, uuid.New(), p.cfg.now(), p.manualDefaults(ctx))
	if ss == nil {
		return ctx
	}
	p.started(ss)
	p.manual.Store(true)
	return context.WithValue(ctx, sessionKey{p}, ss)
}

// PauseSession stops attributing later spans to the session ctx holds (its own, from StartSession, or the
// automatic session of the span in ctx), until ResumeSession. Spans already started keep their session
// and their errors still count against it. Pausing a paused session does nothing; the paused session is
// kept.
func (p *Processor) PauseSession(ctx context.Context) {
	if ss := p.sessionOf(ctx); ss != nil {
		ss.paused.Store(true)
	}
}

// ResumeSession resumes the session PauseSession paused and reports true. When ctx holds no paused session
// it starts a new one, as StartSession does, and reports false; when its session is active it changes
// nothing and reports false (as Bugsnag's Ruby notifier does). The returned context holds the session.
func (p *Processor) ResumeSession(ctx context.Context) (context.Context, bool) {
	ss := p.sessionOf(ctx)
	if ss == nil {
		return p.StartSession(ctx), false
	}
	return ctx, ss.paused.CompareAndSwap(true, false)
}

// sessionOf returns the session ctx holds, paused or not: one StartSession put there, or else the one of
// the local span in ctx, if that span is in a session and still known.
func (p *Processor) sessionOf(ctx context.Context) *sessState {
	if ss, ok := ctx.Value(sessionKey{p}).(*sessState); ok {
		return ss
	}
	sc := trace.SpanContextFromContext(ctx)
	if !sc.IsValid() || sc.IsRemote() {
		return nil
	}
	if ss, ok := p.spans.get(keyOf(sc)); ok {
		return ss
	}
	return nil
}

// manualDefaults returns the defaults of a session started by StartSession: from the resource of the span
// in ctx, else the last resource seen.
func (p *Processor) manualDefaults(ctx context.Context) *defaults {
	if s, ok := trace.SpanFromContext(ctx).(sdktrace.ReadOnlySpan); ok {
		return p.defaultsFor(s.Resource())
	}
	return p.lastDefaults.Load()
}
