package exporter

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/otelsessions/otelsessions/session"
)

// TestManyHostsLoseNoSessions covers a fleet with more hosts than the queue size: one Sessions payload per
// app/device group must not overflow the delivery queue at a flush (a reviewer saw 199 of 300 dropped).
func TestManyHostsLoseNoSessions(t *testing.T) {
	f := newFakeBugsnag(t, nil)
	x := testExporter(t, f)
	const hosts = 300
	for i := range hosts {
		dev := session.Device{Hostname: fmt.Sprintf("web-%d", i), OSName: "linux"}
		x.SessionStarted(newSession("shop", webApp, dev, t0))
	}
	require.NoError(t, x.ForceFlush(t.Context()))
	var sent int64
	for _, r := range f.accepted("/sessions") {
		for _, c := range decodeSessions(t, r).SessionCounts {
			sent += c.SessionsStarted
		}
	}
	assert.Equal(t, int64(hosts), sent)
	assert.Zero(t, x.Stats().SessionsDropped)
}

// TestEchoedKeyAcrossTheLogCutIsRedacted covers a server that echoes the key where the logged part of its
// answer is cut: no part of the key may reach the log.
func TestEchoedKeyAcrossTheLogCutIsRedacted(t *testing.T) {
	x := &Exporter{cfg: config{apiKey: &secret{value: testKey}}}
	body := strings.Repeat("x", maxLoggedBody-16) + testKey + strings.Repeat("y", 100)
	got := x.quote([]byte(body))
	assert.NotContains(t, got, testKey[:16])
	assert.LessOrEqual(t, len(got), maxLoggedBody)
}
