package processor

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"go.opentelemetry.io/otel/attribute"

	"github.com/otelsessions/otelsessions/session"
)

// sessState is what the processor keeps of a session, in one allocation: the session itself, its
// session.id attribute, formatted once so that tagging a span with it allocates nothing, and whether it is
// paused. The spans of a request share it, and so do the contexts that StartSession returns: pausing,
// resuming and starting a session changes it for every goroutine and span that uses it. A session is only
// ever active where it started, so the one flag is all that pausing needs.
type sessState struct {
	s      session.Session
	idAttr [1]attribute.KeyValue
	paused atomic.Bool
}

// sess returns the session; the pointer is the one the sink and the error events get.
func (ss *sessState) sess() *session.Session { return &ss.s }

// current returns ss, or nil while it is paused.
func (ss *sessState) current() *sessState {
	if ss.paused.Load() {
		return nil
	}
	return ss
}

// newSession builds a session, runs the callbacks on it and returns it, or nil when one discarded it.
func (p *Processor) newSession(ctx context.Context, id uuid.UUID, startedAt time.Time, d *defaults) *sessState {
	ss := &sessState{}
	ss.s.ID, ss.s.StartedAt = id, startedAt
	if !p.runCallbacks(ctx, &ss.s, d) {
		return nil
	}
	ss.idAttr[0] = SessionIDKey.String(id.String())
	return ss
}
