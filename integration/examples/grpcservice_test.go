package examples

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/otelsessions/otelsessions/integration/internal/harness"
)

// grpcLoad is the traffic the gRPC tests send: calls of example.Greeter/Greet per name.
var grpcLoad = []struct {
	name string
	n    int
	code codes.Code
}{
	{"alice", 15, codes.OK},
	{"declined", 6, codes.OK},
	{"crash", 4, codes.Internal},
	{"fail", 5, codes.Unavailable},
}

// driveGRPC sends grpcLoad to the service at addr, interleaving the names, and checks each status.
func driveGRPC(t *testing.T, addr string) {
	t.Helper()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	defer func() { require.NoError(t, conn.Close()) }()
	for i := 0; ; i++ {
		sent := false
		for _, l := range grpcLoad {
			if i >= l.n {
				continue
			}
			sent = true
			ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
			err := conn.Invoke(ctx, "/example.Greeter/Greet", wrapperspb.String(l.name), new(wrapperspb.StringValue))
			cancel()
			assert.Equal(t, l.code, status.Code(err), "Greet(%q): %v", l.name, err)
		}
		if !sent {
			return
		}
	}
}

// TestGRPCService runs examples/grpcservice against a capture server, makes 30 calls (15 fine, 6 with a
// handled error, 4 that panic, 5 answered Unavailable), stops it with SIGTERM and checks that it exits 0
// after delivering one session per call and one event per error, each flagged and counted right.
func TestGRPCService(t *testing.T) {
	bin := build(t, "./examples/grpcservice")
	capture := harness.NewBugsnag(t)
	svc := start(t, bin, []string{"-addr", "127.0.0.1:0"}, bugsnagEnv(capture)...)
	driveGRPC(t, svc.addr(t))
	svc.stop(t)

	d := decode(t, capture)
	assert.Equal(t, figures{
		SessionsStarted: 30, SessionsUnhandled: 9, SessionsHandled: 6,
		UnhandledEvents: 9, HandledEvents: 6,
	}, d.figures())
	app := wireApp{Version: "1.0.0", ReleaseStage: "development"}
	checkApp(t, d, app, app)
	checkSeverity(t, d)
	assert.Len(t, d.sessionIDs(), 15, "every event in a session of its own")

	messages := map[string]int{}
	for _, e := range d.events {
		require.NotNil(t, e.Session, "an event outside a session")
		require.Len(t, e.Exceptions, 1)
		messages[e.Exceptions[0].Message]++
		want := [2]int64{1, 0}
		if e.Unhandled {
			want = [2]int64{0, 1}
			assert.Equal(t, "example.Greeter/Greet", e.Context)
		}
		assert.Equal(t, want, [2]int64{e.Session.Events.Handled, e.Session.Events.Unhandled}, "session.events")
	}
	assert.Equal(t, map[string]int{
		"card declined": 6, "inventory index out of range": 4,
		"payment provider unavailable": 5,
	}, messages)
	assert.NotContains(t, svc.logs.String(), harness.APIKey, "the API key in the service's logs")
}
