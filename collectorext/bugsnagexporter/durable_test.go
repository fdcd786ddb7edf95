package bugsnagexporter

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/exporter/exportertest"

	"github.com/otelsessions/otelsessions/collectorext/bugsnagexporter/internal/metadata"
)

// flakyBugsnag answers 503 until up is set, then counts the sessions payloads it accepts.
type flakyBugsnag struct {
	up       atomic.Bool
	mu       sync.Mutex
	accepted int
}

func (fb *flakyBugsnag) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !fb.up.Load() {
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	if r.URL.Path == "/sessions" {
		fb.mu.Lock()
		fb.accepted++
		fb.mu.Unlock()
	}
	w.WriteHeader(http.StatusAccepted)
}

func (fb *flakyBugsnag) sessionsPayloads() int {
	fb.mu.Lock()
	defer fb.mu.Unlock()
	return fb.accepted
}

func persistentConfig(url string) *Config {
	cfg := newDefaultConfig()
	cfg.APIKey = testKey
	cfg.SessionsEndpoint, cfg.NotifyEndpoint = url+"/sessions", url+"/notify"
	cfg.Retry.InitialInterval, cfg.Retry.MaxInterval = 10*time.Millisecond, 20*time.Millisecond
	id := component.MustNewID("file_storage")
	cfg.Queue.Get().StorageID = &id
	return cfg
}

// TestPersistentQueueKeepsUndeliveredBatch is the regression test of issue 6 (TestCollectorKill lost every
// session): with a persistent sending_queue, a batch whose sessions are not delivered yet fails with a
// retryable error, so that exporterhelper keeps it in storage; tried again in the same process, it is not
// derived a second time.
func TestPersistentQueueKeepsUndeliveredBatch(t *testing.T) {
	fb := &flakyBugsnag{}
	srv := httptest.NewServer(fb)
	defer srv.Close()
	be := newBugsnagExporter(exportertest.NewNopSettings(metadata.Type), persistentConfig(srv.URL))
	require.NoError(t, be.start(t.Context(), componenttest.NewNopHost()))
	defer func() { require.NoError(t, be.shutdown(t.Context())) }()

	td := entryTrace("shop", 1)
	for range 2 {
		ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
		err := be.pushTraces(ctx, td)
		cancel()
		require.ErrorIs(t, err, errUndelivered, "the endpoint answers 503")
		assert.False(t, consumererror.IsPermanent(err), "exporterhelper must try the batch again")
	}

	fb.up.Store(true)
	require.NoError(t, be.pushTraces(t.Context(), td), "delivered once the endpoint recovers")
	assert.Equal(t, int64(1), be.route.counts().SessionsSent, "the batch tried three times counts once")
	assert.Equal(t, 1, fb.sessionsPayloads())
	assert.Empty(t, be.held.at, "a delivered batch is forgotten")

	require.NoError(t, be.pushTraces(t.Context(), td), "the same spans again, after delivery: a new batch")
	assert.Equal(t, int64(1), be.route.counts().SessionsSent,
		"of one session, known from the first: one ID, one session")
}

// TestMemoryQueueDoesNotWait: without storage, pushTraces hands over and returns at once, as before.
func TestMemoryQueueDoesNotWait(t *testing.T) {
	fb := &flakyBugsnag{}
	srv := httptest.NewServer(fb)
	defer srv.Close()
	cfg := persistentConfig(srv.URL)
	cfg.Queue.Get().StorageID = nil
	be := newBugsnagExporter(exportertest.NewNopSettings(metadata.Type), cfg)
	require.NoError(t, be.start(t.Context(), componenttest.NewNopHost()))
	require.Nil(t, be.held)
	require.NoError(t, be.pushTraces(t.Context(), entryTrace("shop", 1)))
	fb.up.Store(true)
	require.NoError(t, be.shutdown(t.Context()))
	assert.Equal(t, int64(1), be.route.counts().SessionsSent)
}
