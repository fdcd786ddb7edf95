package exporter

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"

	"go.uber.org/zap"

	"github.com/otelsessions/otelsessions/internal/tally"
	"github.com/otelsessions/otelsessions/session"
)

// Exporter counts sessions and error events and delivers them to Bugsnag's Sessions and Notify APIs, and
// optionally as JSON summaries. It is a session.Sink: SessionStarted and ErrorEvent never block on I/O and
// are safe for concurrent use. Create one with New and stop it with Shutdown.
type Exporter struct {
	cfg       config
	logger    *zap.Logger
	client    *http.Client
	transport *http.Transport

	groups groups

	evMu        sync.Mutex
	events      []pendingEvent
	evClosed    bool
	eventsReady chan struct{} // a full Notify batch is waiting

	flushMu   sync.Mutex // one flush at a time, so that summaries and payloads stay in order
	summaries *summaries // nil without a summary writer

	queue *queue
	stats counters

	bufferFullOnce, queueFullOnce, lateOnce sync.Once

	stopLoop     chan struct{}
	loopDone     chan struct{}
	cancelWorker context.CancelFunc
	workerDone   chan struct{}

	shutdownStarted atomic.Bool
	draining        chan struct{} // closed when Shutdown starts: no more backoff sleeps, one last attempt each
	shutdownDone    chan struct{}
	// shutdownSessions and shutdownEvents count what was pending at Shutdown and dropped after it started.
	shutdownSessions, shutdownEvents atomic.Int64
}

var _ session.Sink = (*Exporter)(nil)

// New validates the API key and the options and returns a running Exporter: its flush loop and its delivery
// worker run until Shutdown. The error names what is wrong and never contains the key. With an empty key and
// WithSummaryWriter, the Exporter writes JSON summaries only and sends nothing to Bugsnag.
func New(apiKey string, opts ...Option) (*Exporter, error) {
	cfg, warnings, err := newConfig(apiKey, opts)
	if err != nil {
		return nil, err
	}
	ex := &Exporter{
		cfg:          cfg,
		logger:       cfg.logger,
		eventsReady:  make(chan struct{}, 1),
		queue:        newQueue(cfg.queueSize),
		stopLoop:     make(chan struct{}),
		loopDone:     make(chan struct{}),
		workerDone:   make(chan struct{}),
		draining:     make(chan struct{}),
		shutdownDone: make(chan struct{}),
	}
	ex.client, ex.transport = newHTTPClient(&ex.cfg)
	if cfg.summaryWriter != nil {
		ex.summaries = newSummaries(cfg.summaryWriter)
	}
	for _, w := range warnings {
		ex.logger.Warn(w, zap.String("notify_endpoint", cfg.notifyEndpoint))
	}
	ex.logger.Info("exporter started", zap.Object("config", &ex.cfg))
	// The worker's context is canceled only by Shutdown, once its own context has ended or all is delivered.
	ctx, cancel := context.WithCancel(context.Background())
	ex.cancelWorker = cancel
	go ex.work(ctx)
	go ex.flushLoop()
	return ex, nil
}

// SessionStarted counts s in the minute of s.StartedAt, in the group of its app and device. After Shutdown
// it only counts s as dropped.
func (ex *Exporter) SessionStarted(s *session.Session) {
	if s == nil {
		return
	}
	if !ex.groups.count(s, func(t *tally.Sink) { t.SessionStarted(s) }) {
		ex.droppedLate(1, 0)
		return
	}
	ex.stats.sessionsCounted.Add(1)
}

// ErrorEvent counts e against its session and keeps it for the next Notify request, unless its release
// stage is not enabled. e.Counts must include e, as session.Session.AddEvent returns them. When the event
// buffer is full the event is dropped and counted. After Shutdown it only counts e as dropped.
func (ex *Exporter) ErrorEvent(e session.Event) {
	var ok bool
	if e.Session != nil {
		ok = ex.groups.count(e.Session, func(t *tally.Sink) { t.ErrorEvent(e) })
	} else {
		ok = ex.groups.countOutside()
	}
	if !ok {
		ex.droppedLate(0, 1)
		return
	}
	ex.stats.eventsCounted.Add(1)
	if ex.cfg.summariesOnly || !ex.cfg.stageEnabled(wireStage(e.App.ReleaseStage)) {
		ex.stats.eventsSkipped.Add(1)
		return
	}
	ex.bufferEvent(newPendingEvent(e))
}

func (ex *Exporter) bufferEvent(p pendingEvent) {
	ex.evMu.Lock()
	if ex.evClosed {
		ex.evMu.Unlock()
		ex.droppedLate(0, 1)
		return
	}
	if len(ex.events) >= ex.cfg.eventBufferSize {
		ex.evMu.Unlock()
		ex.stats.eventsDropped.Add(1)
		ex.bufferFullOnce.Do(func() {
			ex.logger.Error("event buffer full; error events are dropped and counted",
				zap.Int("event_buffer_size", ex.cfg.eventBufferSize))
		})
		return
	}
	ex.events = append(ex.events, p)
	full := len(ex.events) >= ex.cfg.maxEventsPerRequest
	ex.evMu.Unlock()
	if full {
		select {
		case ex.eventsReady <- struct{}{}:
		default:
		}
	}
}

// ForceFlush sends what was counted and buffered so far and waits until every payload queued up to now is
// delivered or dropped. If ctx ends first it returns an *IncompleteError that wraps ctx's error and tells how
// much is still queued; delivery of it goes on in the background. After Shutdown it does nothing.
func (ex *Exporter) ForceFlush(ctx context.Context) error {
	if ex.shutdownStarted.Load() {
		return nil
	}
	seq := ex.flush(false)
	if err := ex.queue.wait(ctx, seq); err != nil {
		s, e := ex.queue.pending(seq)
		return &IncompleteError{Sessions: s, Events: e, Err: err}
	}
	return nil
}

// Shutdown stops the flush loop, flushes a last time, waits for delivery, and stops the delivery worker and
// idle connections, so that no goroutine of the Exporter is left.
//
// Once Shutdown starts, no backoff sleep outlives it: each payload still pending (the one being retried and
// every queued one) gets at most one more attempt, at once, and is dropped if that attempt fails. Without a
// deadline in ctx, Shutdown therefore takes at most one request timeout per pending payload, whatever the
// retry settings (MaxElapsedTime 0 included).
//
// Shutdown returns an *IncompleteError whenever something pending at Shutdown was not delivered: its Err is
// ctx's error if ctx ended first (what was left is dropped), ErrUndelivered otherwise (refused, or its last
// attempt failed). It counts only what was pending at Shutdown; earlier drops are in Stats. Later calls
// return nil at once (or wait for the first to finish, within their own ctx).
func (ex *Exporter) Shutdown(ctx context.Context) error {
	if !ex.shutdownStarted.CompareAndSwap(false, true) {
		select {
		case <-ex.shutdownDone:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	defer close(ex.shutdownDone)
	close(ex.draining)
	close(ex.stopLoop)
	<-ex.loopDone
	seq := ex.flush(true)
	err := ex.queue.wait(ctx, seq)
	// The worker stops here whatever happened: when err is nil it is idle; otherwise this aborts its
	// request, and what it held is dropped and counted in shutdownSessions and shutdownEvents.
	ex.cancelWorker()
	<-ex.workerDone
	for _, p := range ex.queue.drain() {
		ex.drop(p)
	}
	ex.transport.CloseIdleConnections()
	st := ex.stats.snapshot()
	ex.logger.Info("exporter stopped", zap.Int64("sessions_sent", st.SessionsSent),
		zap.Int64("sessions_dropped", st.SessionsDropped), zap.Int64("events_sent", st.EventsSent),
		zap.Int64("events_dropped", st.EventsDropped), zap.Int64("retries", st.Retries))
	sessions, events := ex.shutdownSessions.Load(), ex.shutdownEvents.Load()
	if err == nil && sessions == 0 && events == 0 {
		return nil
	}
	if err == nil {
		err = ErrUndelivered
	}
	ex.logger.Error("shutdown could not deliver everything pending; payloads dropped",
		zap.Int64("sessions", sessions), zap.Int64("events", events), zap.Error(err))
	return &IncompleteError{Shutdown: true, Sessions: sessions, Events: events, Err: err}
}

// drop counts p as dropped, and as pending at Shutdown when Shutdown has started.
func (ex *Exporter) drop(p *payload) { ex.dropCounts(p.sessions, p.events) }

func (ex *Exporter) dropCounts(sessions, events int64) {
	ex.stats.sessionsDropped.Add(sessions)
	ex.stats.eventsDropped.Add(events)
	if ex.shutdownStarted.Load() {
		ex.shutdownSessions.Add(sessions)
		ex.shutdownEvents.Add(events)
	}
}

// droppedLate counts a session or event given after Shutdown, and logs the first such drop once.
func (ex *Exporter) droppedLate(sessions, events int64) {
	ex.stats.sessionsDropped.Add(sessions)
	ex.stats.eventsDropped.Add(events)
	ex.lateOnce.Do(func() {
		ex.logger.Error("called after Shutdown; sessions and error events are dropped and counted in Stats",
			zap.Int64("sessions", sessions), zap.Int64("events", events))
	})
}

// Stats returns the Exporter's counters.
func (ex *Exporter) Stats() Stats { return ex.stats.snapshot() }

// String describes the Exporter's configuration, with the API key redacted.
func (ex *Exporter) String() string { return "exporter.Exporter" + ex.cfg.String() }

// GoString describes the Exporter like String, so that %#v prints no field by reflection.
func (ex *Exporter) GoString() string { return ex.String() }
