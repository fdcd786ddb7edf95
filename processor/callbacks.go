package processor

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"go.opentelemetry.io/otel"

	"github.com/otelsessions/otelsessions/session"
)

// OnSessionFunc is called for every new session before it is counted or any span carries its ID. It may
// amend the session (App, Device, Service, SetUser) and returns false to discard it: a discarded session
// is not counted and its spans get no session.id. ctx is the context the session starts under: the parent
// context of the entry span, or the one given to StartSession.
//
// Callbacks run synchronously on the span start path, the last registered first, and the first that
// returns false stops the others, as in Bugsnag's notifiers. A callback that panics is reported through
// otel.Handle and treated as if it returned true.
type OnSessionFunc func(ctx context.Context, s *session.Session) bool

// callback is a registered OnSessionFunc; its pointer identifies it for removal.
type callback struct{ fn OnSessionFunc }

// callbacks is a copy-on-write list: reading it on every session start takes no lock.
type callbacks struct {
	mu   sync.Mutex // serializes changes
	list atomic.Pointer[[]*callback]
}

func (cs *callbacks) add(fn OnSessionFunc) *callback {
	c := &callback{fn: fn}
	cs.mu.Lock()
	defer cs.mu.Unlock()
	var next []*callback
	if old := cs.list.Load(); old != nil {
		next = append(next, *old...)
	}
	next = append(next, c)
	cs.list.Store(&next)
	return c
}

func (cs *callbacks) remove(c *callback) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	old := cs.list.Load()
	if old == nil {
		return
	}
	next := make([]*callback, 0, len(*old))
	for _, o := range *old {
		if o != c {
			next = append(next, o)
		}
	}
	cs.list.Store(&next)
}

// AddOnSession registers fn for sessions started from now on and returns the function that removes it.
// remove may be called any number of times, from any goroutine; a session starting while fn is removed may
// or may not see it.
func (p *Processor) AddOnSession(fn OnSessionFunc) (remove func()) {
	if fn == nil {
		return func() {}
	}
	c := p.callbacks.add(fn)
	var once sync.Once
	return func() { once.Do(func() { p.callbacks.remove(c) }) }
}

// runCallbacks gives s its defaults from d, runs the callbacks on it, the last registered first, and
// reports whether s is kept.
func (p *Processor) runCallbacks(ctx context.Context, s *session.Session, d *defaults) bool {
	list := p.callbacks.list.Load()
	if list == nil || len(*list) == 0 {
		d.apply(s, false)
		return true
	}
	d.apply(s, true)
	for i := len(*list) - 1; i >= 0; i-- {
		if !callSafely(ctx, (*list)[i].fn, s) {
			return false
		}
	}
	return true
}

// callSafely calls fn and reports its answer; a panic is handed to otel.Handle and counts as true.
func callSafely(ctx context.Context, fn OnSessionFunc, s *session.Session) (keep bool) {
	defer func() {
		if r := recover(); r != nil {
			otel.Handle(panicError("OnSession callback", r))
			keep = true
		}
	}()
	return fn(ctx, s)
}

// panicError describes a recovered panic of what as an error.
func panicError(what string, r any) error {
	if err, ok := r.(error); ok {
		return fmt.Errorf("otelsessions: %s panicked: %w", what, err)
	}
	return fmt.Errorf("otelsessions: %s panicked: %v", what, r)
}
