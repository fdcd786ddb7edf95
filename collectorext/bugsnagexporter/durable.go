package bugsnagexporter

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.opentelemetry.io/collector/pdata/ptrace"
)

// handedOver remembers the batches whose sessions and events were handed to the delivery exporters but are
// not delivered yet, when sending_queue is persistent (storage). Such a batch stays in the persistent queue
// until what was derived from it is delivered: pushTraces fails while delivery is pending, so that
// exporterhelper keeps the batch and tries it again, and a Collector killed meanwhile derives it again from
// storage after a restart (what was in memory died with the process). A batch tried again in the same process
// is found here and not derived a second time, so nothing is doubled.
//
// It is keyed by a hash of the batch's protobuf form. Entries are removed once delivered, and after maxAge,
// past which exporterhelper no longer tries the batch again.
type handedOver struct {
	mu     sync.Mutex
	maxAge time.Duration // 0: keep until delivered
	at     map[[sha256.Size]byte]time.Time
}

var errUndelivered = errors.New("bugsnag exporter: the sessions and events of the batch are not delivered yet; " +
	"the batch stays in the persistent sending_queue")

func newHandedOver(maxAge time.Duration) *handedOver {
	return &handedOver{maxAge: maxAge, at: map[[sha256.Size]byte]time.Time{}}
}

// key returns the batch's hash; ok is false if it cannot be marshaled.
func batchKey(td ptrace.Traces) (key [sha256.Size]byte, ok bool) {
	var m ptrace.ProtoMarshaler
	b, err := m.MarshalTraces(td)
	if err != nil {
		return key, false
	}
	return sha256.Sum256(b), true
}

// claim reports whether the batch with key still has to be derived, and records it as handed over.
func (h *handedOver) claim(key [sha256.Size]byte) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	now := time.Now()
	if h.maxAge > 0 {
		for k, t := range h.at {
			if now.Sub(t) > h.maxAge {
				delete(h.at, k)
			}
		}
	}
	if _, ok := h.at[key]; ok {
		return false
	}
	h.at[key] = now
	return true
}

func (h *handedOver) delivered(key [sha256.Size]byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.at, key)
}

// pushDurable derives td unless it was derived before in this process, then waits, within ctx, until the
// delivery exporters delivered (or dropped) everything. It returns a retryable error while they have not, so
// that the batch stays in the persistent queue.
func (be *bugsnagExporter) pushDurable(ctx context.Context, r *router, td ptrace.Traces) error {
	key, ok := batchKey(td)
	if !ok || be.held.claim(key) {
		be.derive(r, td)
	}
	if err := r.forceFlush(ctx); err != nil {
		return fmt.Errorf("%w: %w", errUndelivered, err)
	}
	if ok {
		be.held.delivered(key)
	}
	return nil
}
