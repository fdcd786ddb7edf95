package bugsnagexporter

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"

	"go.uber.org/zap"

	"github.com/otelsessions/otelsessions/collectorext/bugsnagexporter/internal/metadata"
	sessionsexporter "github.com/otelsessions/otelsessions/exporter"
	"github.com/otelsessions/otelsessions/session"
)

// router is the session.Sink that derived traces are emitted to: it hands each session, and each error
// event, to the exporter.Exporter of its service's API key. It is safe for concurrent use and never blocks.
type router struct {
	logger    *zap.Logger
	exporters []*sessionsexporter.Exporter // one per distinct API key
	byService map[string]*sessionsexporter.Exporter
	fallback  *sessionsexporter.Exporter // the api_key's; nil without one

	unroutedSessions, unroutedEvents atomic.Int64
	unroutedOnce                     sync.Once
}

var _ session.Sink = (*router)(nil)

// SessionStarted hands s to the exporter of its service.
func (r *router) SessionStarted(s *session.Session) {
	if ex := r.exporterFor(s.Service); ex != nil {
		ex.SessionStarted(s)
		return
	}
	r.unroutedSessions.Add(1)
	r.warnUnrouted(s.Service)
}

// ErrorEvent hands e to the exporter of its session's service, so that it is counted with its session, or
// to the exporter of its own service when it is outside any session.
func (r *router) ErrorEvent(e session.Event) {
	service := e.Service
	if e.Session != nil {
		service = e.Session.Service
	}
	if ex := r.exporterFor(service); ex != nil {
		ex.ErrorEvent(e)
		return
	}
	r.unroutedEvents.Add(1)
	r.warnUnrouted(service)
}

func (r *router) exporterFor(service string) *sessionsexporter.Exporter {
	if ex, ok := r.byService[service]; ok {
		return ex
	}
	return r.fallback
}

func (r *router) warnUnrouted(service string) {
	r.unroutedOnce.Do(func() {
		r.logger.Error("no API key for a service and no api_key; its sessions and error events are dropped "+
			"and counted", zap.String("service", service))
	})
}

// counts sums what every exporter delivered and dropped, with what no exporter could take.
func (r *router) counts() metadata.Counts {
	c := metadata.Counts{SessionsDropped: r.unroutedSessions.Load(), EventsDropped: r.unroutedEvents.Load()}
	for _, ex := range r.exporters {
		st := ex.Stats()
		c.SessionsSent += st.SessionsSent
		c.SessionsDropped += st.SessionsDropped
		c.EventsSent += st.EventsSent
		c.EventsDropped += st.EventsDropped
	}
	return c
}

// forceFlush flushes every exporter at once and waits, within ctx, until what each holds is delivered or
// dropped; it joins their errors.
func (r *router) forceFlush(ctx context.Context) error {
	errs := make([]error, len(r.exporters))
	var wg sync.WaitGroup
	for i, ex := range r.exporters {
		wg.Go(func() { errs[i] = ex.ForceFlush(ctx) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// shutdown shuts every exporter down at once, so that ctx bounds the whole, and joins their errors. It may be
// called again: exporter.Exporter's Shutdown is idempotent.
func (r *router) shutdown(ctx context.Context) error {
	errs := make([]error, len(r.exporters))
	var wg sync.WaitGroup
	for i, ex := range r.exporters {
		wg.Go(func() { errs[i] = ex.Shutdown(ctx) })
	}
	wg.Wait()
	return errors.Join(errs...)
}
