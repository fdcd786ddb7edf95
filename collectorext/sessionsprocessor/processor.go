package sessionsprocessor

import (
	"container/list"
	"context"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processorhelper"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"

	"github.com/otelsessions/otelsessions/collectorext/sessionsprocessor/internal/metadata"
	"github.com/otelsessions/otelsessions/internal/derive"
)

// sessionsProcessor holds spans per trace, resolves each trace's sessions when its wait ends and tags its
// spans. ConsumeTraces never blocks on the wait: held data leaves through the background loop, or through
// the ConsumeTraces call that overflows max_traces.
type sessionsProcessor struct {
	cfg     *Config
	engines *derive.Pool
	logger  *zap.Logger
	next    consumer.Traces
	tel     *metadata.TelemetryBuilder
	now     func() time.Time
	epoch   time.Time // what the held traces' times are offsets from

	mu       sync.Mutex
	traces   map[pcommon.TraceID]*traceState
	held     heldQueue // traces with pending spans, due soonest first
	seq      uint64    // traces held so far
	resolved list.List // traces whose ancestry is kept for late spans, oldest resolution first
	closed   bool      // after shutdown every batch is resolved at once
	nHeld    atomic.Int64

	startOnce sync.Once
	stopOnce  sync.Once
	stop      chan struct{}
	done      chan struct{} // closed when the loop has returned; nil when it never started
}

func newSessionsProcessor(set processor.Settings, cfg *Config, next consumer.Traces) (*sessionsProcessor, error) {
	sp := &sessionsProcessor{
		cfg:     cfg,
		engines: derive.NewPool(cfg.rules()),
		logger:  set.Logger,
		next:    next,
		now:     time.Now,
		epoch:   time.Now(),
		traces:  make(map[pcommon.TraceID]*traceState),
		stop:    make(chan struct{}),
	}
	tel, err := metadata.NewTelemetryBuilder(set.TelemetrySettings, sp.nHeld.Load)
	if err != nil {
		return nil, err
	}
	sp.tel = tel
	return sp, nil
}

// start launches the loop that forwards traces whose wait has ended. Calling it again does nothing.
func (sp *sessionsProcessor) start(context.Context, component.Host) error {
	sp.startOnce.Do(func() {
		if sp.cfg.Wait == 0 {
			return // nothing is ever held
		}
		sp.mu.Lock()
		defer sp.mu.Unlock()
		if sp.closed {
			return // shut down before it started: no loop to stop later
		}
		sp.done = make(chan struct{})
		go sp.loop(sp.done)
	})
	return nil
}

// shutdown stops the loop, then tags what is held with what is known and forwards it. Later calls, and
// calls without start, are safe.
func (sp *sessionsProcessor) shutdown(ctx context.Context) error {
	var err error
	sp.stopOnce.Do(func() {
		// closed is set under the lock so that start cannot launch a loop after this point, and the loop is
		// joined before the flush so that no batch is forwarded after shutdown returns.
		sp.mu.Lock()
		sp.closed = true
		done := sp.done
		sp.mu.Unlock()
		close(sp.stop)
		if done != nil {
			<-done
		}
		if ferr := sp.forward(ctx, sp.flushAll()); ferr != nil {
			err = fmt.Errorf("sessions processor: forwarding held traces at shutdown: %w", ferr)
		}
		if terr := sp.tel.Shutdown(); terr != nil && err == nil {
			err = terr
		}
		sp.logger.Info("Sessions processor stopped")
	})
	return err
}

func (sp *sessionsProcessor) loop(done chan struct{}) {
	defer close(done)
	tick := time.NewTicker(tickInterval(sp.cfg.Wait))
	defer tick.Stop()
	for {
		select {
		case <-sp.stop:
			return
		case <-tick.C:
			// Forwarding from the loop has no caller to return an error to: it is logged, once per batch.
			if err := sp.forward(context.Background(), sp.expire(sp.now())); err != nil {
				sp.logger.Error("Forwarding tagged traces failed", zap.Error(err))
			}
		}
	}
}

// at returns t as an offset from the processor's epoch.
func (sp *sessionsProcessor) at(t time.Time) time.Duration { return t.Sub(sp.epoch) }

// later returns t+d, or the latest time there is when that is beyond it: a wait or max_wait may be as long as
// a time.Duration goes.
func later(t, d time.Duration) time.Duration {
	if d > 0 && t > math.MaxInt64-d {
		return math.MaxInt64
	}
	return t + d
}

// tickInterval checks for ended waits four times per wait, between every 10ms and every second.
func tickInterval(wait time.Duration) time.Duration {
	return min(max(wait/4, 10*time.Millisecond), time.Second)
}

// processTraces is the processorhelper hook: it holds td's spans and returns whatever must leave now.
func (sp *sessionsProcessor) processTraces(ctx context.Context, td ptrace.Traces) (ptrace.Traces, error) {
	now := sp.now()
	out := ptrace.NewTraces()
	var c counts
	sp.mu.Lock()
	touched := sp.add(td, now, out, &c)
	if sp.cfg.Wait == 0 || sp.closed {
		for _, ts := range touched {
			if ts.isHeld() { // not when resolved already with the batch it came in
				sp.resolveInto(ts, now, out, &c, true)
			}
		}
		sp.forget(now)
	}
	sp.nHeld.Store(int64(sp.held.Len()))
	sp.mu.Unlock()
	sp.record(ctx, c)
	if out.ResourceSpans().Len() == 0 {
		return out, processorhelper.ErrSkipProcessingData
	}
	return out, nil
}

// expire resolves every trace due by now and forgets ancestry kept longer than the wait. Spans whose ancestry
// is still missing stay held until max_wait has passed since their trace's first span.
func (sp *sessionsProcessor) expire(now time.Time) ptrace.Traces {
	out := ptrace.NewTraces()
	var c counts
	sp.mu.Lock()
	at := sp.at(now)
	for ts := sp.held.first(); ts != nil && at >= ts.due; ts = sp.held.first() {
		sp.resolveInto(ts, now, out, &c, at >= later(ts.since, sp.cfg.maxHold()))
	}
	sp.forget(now)
	sp.nHeld.Store(int64(sp.held.Len()))
	sp.mu.Unlock()
	sp.record(context.Background(), c)
	return out
}

// flushAll resolves every held trace, whatever its wait.
func (sp *sessionsProcessor) flushAll() ptrace.Traces {
	out := ptrace.NewTraces()
	var c counts
	now := sp.now()
	sp.mu.Lock()
	for ts := sp.held.first(); ts != nil; ts = sp.held.first() {
		sp.resolveInto(ts, now, out, &c, true)
	}
	sp.nHeld.Store(0)
	sp.mu.Unlock()
	sp.record(context.Background(), c)
	return out
}

func (sp *sessionsProcessor) forward(ctx context.Context, td ptrace.Traces) error {
	if td.ResourceSpans().Len() == 0 {
		return nil
	}
	return sp.next.ConsumeTraces(ctx, td)
}

// counts is what one locked step counted, recorded after the lock is released.
type counts struct {
	late, unresolved, tagged, evicted int64
}

func (sp *sessionsProcessor) record(ctx context.Context, c counts) {
	for _, m := range []struct {
		n   int64
		ctr metric.Int64Counter
	}{
		{c.late, sp.tel.LateSpans},
		{c.unresolved, sp.tel.UnresolvedTraces},
		{c.tagged, sp.tel.SpansTagged},
		{c.evicted, sp.tel.TracesEvicted},
	} {
		if m.n > 0 {
			m.ctr.Add(ctx, m.n)
		}
	}
}
