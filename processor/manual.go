package processor

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/google/uuid"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// bindingKey is the context key of a binding. It names its processor, so that two processors in one
// program keep their sessions apart.
type bindingKey struct{ p *Processor }

// binding is the mutable holder of a session that a context (manual sessions) or a request's spans
// (automatic sessions) share: pausing, resuming and starting a session changes it for every goroutine and
// span that uses it.
type binding struct {
	active atomic.Pointer[sessState] // read on every span start, without the lock
	mu     sync.Mutex                // serializes changes of active and paused
	paused *sessState
}

// newBinding returns a binding whose active session is ss, and makes it ss's binding.
func newBinding(ss *sessState) *binding {
	b := &binding{}
	ss.binding = b
	b.active.Store(ss)
	return b
}

// current returns the active session, or nil while the binding is paused.
func (b *binding) current() *sessState { return b.active.Load() }

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
	return context.WithValue(ctx, bindingKey{p}, newBinding(ss))
}

// PauseSession stops attributing later spans to the session ctx holds (its own, from StartSession, or the
// automatic session of the span in ctx), until ResumeSession. Spans already started keep their session
// and their errors still count against it. Pausing a paused session does nothing; the paused session is
// kept.
func (p *Processor) PauseSession(ctx context.Context) {
	b := p.bindingOf(ctx)
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if a := b.active.Swap(nil); a != nil {
		b.paused = a
	}
}

// ResumeSession resumes the session PauseSession paused and reports true. When ctx holds no paused session
// it starts a new one, as StartSession does, and reports false; when its session is active it changes
// nothing and reports false (as Bugsnag's Ruby notifier does). The returned context holds the session.
func (p *Processor) ResumeSession(ctx context.Context) (context.Context, bool) {
	b := p.bindingOf(ctx)
	if b == nil {
		return p.StartSession(ctx), false
	}
	b.mu.Lock()
	if b.active.Load() != nil {
		b.mu.Unlock()
		return ctx, false
	}
	if b.paused != nil {
		b.active.Store(b.paused)
		b.paused = nil
		b.mu.Unlock()
		return ctx, true
	}
	b.mu.Unlock()
	return p.StartSession(ctx), false
}

// bindingOf returns the binding ctx holds: one StartSession put there, or else the one of the local span in
// ctx, if that span is in a session and still known.
func (p *Processor) bindingOf(ctx context.Context) *binding {
	if b, ok := ctx.Value(bindingKey{p}).(*binding); ok {
		return b
	}
	sc := trace.SpanContextFromContext(ctx)
	if !sc.IsValid() || sc.IsRemote() {
		return nil
	}
	if st, ok := p.spans.get(keyOf(sc), p.elapsed()); ok {
		return st.sess.binding
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
