package bugsnagexporter

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.uber.org/zap"

	"github.com/otelsessions/otelsessions/collectorext/bugsnagexporter/internal/metadata"
	sessionsexporter "github.com/otelsessions/otelsessions/exporter"
	"github.com/otelsessions/otelsessions/internal/derive"
)

// defaultProject names, in logs, the exporter of api_key.
const defaultProject = "(api_key)"

var errNotRunning = errors.New("bugsnag exporter is not running")

// bugsnagExporter derives sessions and error events from each batch and hands them to the exporter.Exporter
// of their service's API key, which counts, batches and delivers them.
type bugsnagExporter struct {
	cfg    *Config
	set    exporter.Settings
	logger *zap.Logger

	mu      sync.Mutex
	stopped bool
	route   *router // nil until Start
	tb      *metadata.TelemetryBuilder

	held    *handedOver // nil unless sending_queue is persistent
	known   *knownSessions
	engines *derive.Pool
}

func newBugsnagExporter(set exporter.Settings, cfg *Config) *bugsnagExporter {
	be := &bugsnagExporter{
		cfg: cfg, set: set, logger: set.Logger, known: newKnownSessions(),
		engines: derive.NewPool(derive.Config{JoinTagged: true}),
	}
	if cfg.Queue.HasValue() && cfg.Queue.Get().StorageID != nil {
		maxAge := time.Duration(0)
		if cfg.Retry.Enabled && cfg.Retry.MaxElapsedTime > 0 {
			maxAge = cfg.Retry.MaxElapsedTime + cfg.Timeout.Timeout
		}
		be.held = newHandedOver(maxAge)
	}
	return be
}

// start creates one exporter.Exporter per distinct API key. A Start after Shutdown does nothing.
func (be *bugsnagExporter) start(ctx context.Context, _ component.Host) error {
	be.mu.Lock()
	defer be.mu.Unlock()
	if be.stopped || be.route != nil {
		return nil
	}
	tlsCfg, err := be.cfg.HTTP.TLS.LoadTLSConfig(ctx)
	if err != nil {
		return fmt.Errorf("bugsnag exporter: http tls: %w", err)
	}
	r, err := be.newRouter(tlsCfg)
	if err != nil {
		return err
	}
	tb, err := metadata.NewTelemetryBuilder(be.set.TelemetrySettings, r.counts)
	if err != nil {
		return errors.Join(err, r.shutdown(ctx))
	}
	be.route, be.tb = r, tb
	be.logger.Info("bugsnag exporter started", zap.Int("projects", len(r.exporters)))
	return nil
}

// newRouter creates the exporters; if one cannot be created, those already running are shut down.
func (be *bugsnagExporter) newRouter(tlsCfg *tls.Config) (*router, error) {
	r := &router{logger: be.logger, byService: map[string]*sessionsexporter.Exporter{}}
	byKey := map[string]*sessionsexporter.Exporter{}
	services := map[*sessionsexporter.Exporter][]string{}
	get := func(field, name, key string) (*sessionsexporter.Exporter, error) {
		if ex, ok := byKey[key]; ok {
			services[ex] = append(services[ex], name)
			return ex, nil
		}
		ex, err := sessionsexporter.New(key, be.cfg.deliveryOptions(be.logger.With(zap.String("project", name)),
			tlsCfg)...)
		if err != nil {
			return nil, fmt.Errorf("bugsnag exporter: %s: %w", field, err)
		}
		byKey[key] = ex
		services[ex] = []string{name}
		r.exporters = append(r.exporters, ex)
		return ex, nil
	}
	var err error
	if be.cfg.APIKey != "" {
		r.fallback, err = get("api_key", defaultProject, string(be.cfg.APIKey))
	}
	for _, svc := range sortedServices(be.cfg.APIKeysByService) {
		if err != nil {
			break
		}
		r.byService[svc], err = get(fmt.Sprintf("api_keys_by_service[%q]", svc), svc,
			string(be.cfg.APIKeysByService[svc]))
	}
	if err != nil {
		return nil, errors.Join(err, r.shutdown(context.Background()))
	}
	return r, nil
}

// pushTraces derives the sessions and error events of td and hands them over. Without a persistent
// sending_queue it never blocks on I/O; with one, it waits for their delivery (see handedOver).
// The batch is derived on its own, but spans that carry the session.id of a session started in an earlier
// batch (late spans the sessions processor tagged) join that session.
//
// TODO(#5): without the sessions processor in front, a trace whose spans were split across batches yields
// what each part holds, so an entry span's children in another batch lose their session (see the README).
func (be *bugsnagExporter) pushTraces(ctx context.Context, td ptrace.Traces) error {
	be.mu.Lock()
	r, stopped := be.route, be.stopped
	be.mu.Unlock()
	if r == nil || stopped {
		return consumererror.NewPermanent(errNotRunning)
	}
	if be.held != nil {
		return be.pushDurable(ctx, r, td)
	}
	be.derive(r, td)
	return nil
}

// derive derives td on its own, joining tagged spans to sessions of earlier batches, and emits its sessions
// and error events to r.
func (be *bugsnagExporter) derive(r *router, td ptrace.Traces) {
	eng := be.engines.Get()
	defer be.engines.Put(eng)
	eng.Add(td)
	be.known.mu.Lock()
	defer be.known.mu.Unlock()
	eng.ResolveAll(func(t derive.Trace) { t.EmitKnown(r, be.known) })
}

// shutdown delivers what is pending and stops every exporter.Exporter and its goroutines, within ctx. It is
// safe without Start and safe to repeat.
func (be *bugsnagExporter) shutdown(ctx context.Context) error {
	be.mu.Lock()
	be.stopped = true
	r, tb := be.route, be.tb
	be.tb = nil
	be.mu.Unlock()
	if r == nil {
		return nil
	}
	err := r.shutdown(ctx)
	if tb != nil {
		err = errors.Join(err, tb.Shutdown())
	}
	return err
}
