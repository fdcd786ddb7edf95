package exporter

import (
	"encoding/json"
	"time"

	"go.uber.org/zap"
)

// flushLoop flushes every summary interval, and flushes events early when a full Notify batch waits, until
// Shutdown.
func (ex *Exporter) flushLoop() {
	defer close(ex.loopDone)
	t := time.NewTicker(ex.cfg.summaryInterval)
	defer t.Stop()
	for {
		select {
		case <-ex.stopLoop:
			return
		case <-t.C:
			ex.flush(false)
		case <-ex.eventsReady:
			ex.flushMu.Lock()
			ex.enqueueEvents(ex.takeEvents(false))
			ex.flushMu.Unlock()
		}
	}
}

// flush takes what was counted and buffered, writes the JSON summary, queues the payloads and returns the
// number of the last payload queued, for ForceFlush and Shutdown to wait on. The final flush closes the
// counting.
func (ex *Exporter) flush(final bool) uint64 {
	ex.flushMu.Lock()
	defer ex.flushMu.Unlock()
	takes, outside := ex.groups.take(final)
	if ex.summaries != nil {
		if err := ex.summaries.write(time.Now(), takes, outside); err != nil {
			ex.logger.Error("cannot write the JSON summary", zap.Error(err))
		}
	}
	ex.enqueueSessions(takes)
	ex.enqueueEvents(ex.takeEvents(final))
	return ex.queue.last()
}

// enqueueSessions queues one Sessions API payload per app/device group, with every minute it counted.
func (ex *Exporter) enqueueSessions(takes []taken) {
	for _, t := range takes {
		counts, total := t.startedPerMinute()
		if total == 0 {
			continue
		}
		if ex.cfg.sessionsDisabled || !ex.cfg.stageEnabled(wireStage(t.g.app.ReleaseStage)) {
			ex.stats.sessionsSkipped.Add(total)
			continue
		}
		body, err := json.Marshal(sessionsPayloadJSON{
			Notifier: notifier(), App: newAppJSON(t.g.app), Device: newDeviceJSON(t.g.device), SessionCounts: counts,
		})
		if err != nil {
			ex.logger.Error("cannot encode a sessions payload; dropped", zap.Int64("sessions", total), zap.Error(err))
			ex.dropCounts(total, 0)
			continue
		}
		ex.enqueue(&payload{kind: kindSessions, endpoint: ex.cfg.sessionsEndpoint, body: body, sessions: total})
	}
}

// takeEvents returns the buffered events and empties the buffer; the final take closes it.
func (ex *Exporter) takeEvents(final bool) []pendingEvent {
	ex.evMu.Lock()
	defer ex.evMu.Unlock()
	events := ex.events
	ex.events = nil
	ex.evClosed = ex.evClosed || final
	return events
}

// enqueueEvents queues the events as Notify payloads of at most maxEventsPerRequest events each.
func (ex *Exporter) enqueueEvents(events []pendingEvent) {
	if len(events) == 0 {
		return
	}
	bodies, counts, skipped := notifyBodies(ex.cfg.apiKey.reveal(), events, ex.cfg.maxEventsPerRequest)
	if skipped > 0 {
		ex.logger.Error("cannot encode error events; dropped", zap.Int("events", skipped))
		ex.dropCounts(0, int64(skipped))
	}
	for i, body := range bodies {
		ex.enqueue(&payload{kind: kindEvents, endpoint: ex.cfg.notifyEndpoint, body: body, events: int64(counts[i])})
	}
}

// maxSessionPayloads bounds the queue for Sessions API payloads, which are small and come one per app/device
// group at each flush: a fleet of more hosts than the queue size must not lose sessions at every flush.
const maxSessionPayloads = 10_000

// enqueue queues p, or drops and counts it when the queue is full. Notify payloads are bounded by the queue
// size; Sessions payloads by maxSessionPayloads.
// TODO(#4): merge a group's sessions into its payload still queued, so that an outage cannot fill the queue.
func (ex *Exporter) enqueue(p *payload) {
	limit := ex.cfg.queueSize
	if p.kind == kindSessions {
		limit = max(limit, maxSessionPayloads)
	}
	if ex.queue.push(p, limit) {
		return
	}
	ex.drop(p)
	ex.queueFullOnce.Do(func() {
		ex.logger.Error("delivery queue full; payloads are dropped and counted",
			zap.Int("queue_size", ex.cfg.queueSize))
	})
}
