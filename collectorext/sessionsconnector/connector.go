package sessionsconnector

import (
	"context"
	"fmt"
	"sync"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/connector"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelsessions/otelsessions/collectorext/sessionsconnector/internal/metadata"
	"github.com/otelsessions/otelsessions/internal/derive"
	"github.com/otelsessions/otelsessions/internal/ledger"
)

// sessionsConnector derives the sessions and error events of each traces batch on its own and hands their
// counts to the next metrics consumer. It holds no traces between batches; its state is the distinct
// dimension values seen, bounded by max_dimension_values, and the last sessions counted, bounded by
// max_sessions, which spans tagged with their session.id in later batches join.
type sessionsConnector struct {
	component.StartFunc
	component.ShutdownFunc

	dims    []string
	engines *derive.Pool
	next    consumer.Metrics
	limiter *dimensionLimiter
	tel     *metadata.TelemetryBuilder
	now     func() time.Time

	mu      sync.Mutex // one batch at a time counts against the ledger
	counted *ledger.Ledger[countedSession]
}

var _ connector.Traces = (*sessionsConnector)(nil)

func newSessionsConnector(set connector.Settings, cfg *Config, next consumer.Metrics) (*sessionsConnector, error) {
	tel, err := metadata.NewTelemetryBuilder(set.TelemetrySettings)
	if err != nil {
		return nil, fmt.Errorf("sessions connector: %w", err)
	}
	return &sessionsConnector{
		dims:    cfg.Dimensions,
		engines: derive.NewPool(cfg.rules()),
		next:    next,
		limiter: newDimensionLimiter(len(cfg.Dimensions), cfg.MaxDimensionValues),
		tel:     tel,
		now:     time.Now,
		counted: ledger.New[countedSession](cfg.MaxSessions),
	}, nil
}

// Capabilities tells the pipeline that the connector only reads the traces.
func (*sessionsConnector) Capabilities() consumer.Capabilities {
	return consumer.Capabilities{MutatesData: false}
}

// ConsumeTraces derives the batch's sessions and error events and sends their counts on as delta sums whose
// interval is the time the batch took to process. A batch with no session and no error event sends nothing.
// It is safe for concurrent use: each call derives with an engine of its own.
func (sc *sessionsConnector) ConsumeTraces(ctx context.Context, td ptrace.Traces) error {
	start := sc.now()
	// Spans the sessions processor forwarded after their session's entry span (late spans) carry session.id:
	// they join the session counted from an earlier batch (derive.Config.JoinTagged and the ledger).
	// TODO(#5): without the sessions processor in front, each batch is derived on its own: a trace split
	// across batches loses, in the batches without its entry span, the sessions of children whose entry span
	// is elsewhere (their errors count outside any session, and a nested SERVER span may start a session of
	// its own). Run the sessions processor first, or hold traces here.
	agg := newAggregate(sc.dims, sc.limiter)
	agg.index(td)
	eng := sc.engines.Get()
	eng.Add(td)
	var traces []derive.Trace
	eng.ResolveAll(func(t derive.Trace) { traces = append(traces, t) })
	sc.engines.Put(eng)
	sc.mu.Lock()
	for _, t := range traces {
		agg.add(t, sc.counted)
	}
	sc.mu.Unlock()
	if agg.overflows > 0 {
		sc.tel.DimensionOverflows.Add(ctx, agg.overflows)
	}
	if agg.empty() {
		return nil
	}
	return sc.next.ConsumeMetrics(ctx, agg.metrics(start, sc.now()))
}
