package bugsnagexporter

import (
	"sync"

	"github.com/google/uuid"

	"github.com/otelsessions/otelsessions/internal/derive"
	"github.com/otelsessions/otelsessions/internal/ledger"
	"github.com/otelsessions/otelsessions/session"
)

// rememberedSessions is how many of the last sessions started are remembered, so that their spans that the
// sessions processor forwards in a later batch (late spans, tagged with session.id) join them: their error
// events reach Bugsnag with their session, and a session is never started twice.
const rememberedSessions = 100_000

// knownSessions is the exporter's derive.Known. Callers hold mu across a batch, so that two batches with
// spans of one session see each other's.
type knownSessions struct {
	mu      sync.Mutex
	started *ledger.Ledger[*session.Session]
}

var _ derive.Known = (*knownSessions)(nil)

func newKnownSessions() *knownSessions {
	return &knownSessions{started: ledger.New[*session.Session](rememberedSessions)}
}

// Session returns the session started before with this id.
func (k *knownSessions) Session(id uuid.UUID) (*session.Session, bool) { return k.started.Get(id) }

// Remember keeps s for later batches.
func (k *knownSessions) Remember(s *session.Session) { k.started.Put(s.ID, s) }
