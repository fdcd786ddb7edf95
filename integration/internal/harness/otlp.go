package harness

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/otelsessions/otelsessions/internal/tracefile"
)

// sendTimeout bounds one OTLP export.
const sendTimeout = 30 * time.Second

// FreeAddr returns a 127.0.0.1 address whose port was free a moment ago.
func FreeAddr(tb testing.TB) string {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("find a free port: %v", err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		tb.Fatalf("free port %s: %v", addr, err)
	}
	return addr
}

// SendOTLPHTTP exports td in one OTLP/HTTP protobuf request to the receiver at addr (host:port) and fails tb
// unless it answers 200.
func SendOTLPHTTP(tb testing.TB, addr string, td ptrace.Traces) {
	tb.Helper()
	body, err := ptraceotlp.NewExportRequestFromTraces(td).MarshalProto()
	if err != nil {
		tb.Fatalf("marshal OTLP protobuf: %v", err)
	}
	postOTLP(tb, addr, "application/x-protobuf", body)
}

// SendOTLPHTTPJSON posts raw OTLP/JSON in one request to the receiver at addr and fails tb unless it
// answers 200.
func SendOTLPHTTPJSON(tb testing.TB, addr string, otlpJSON []byte) {
	tb.Helper()
	postOTLP(tb, addr, "application/json", otlpJSON)
}

func postOTLP(tb testing.TB, addr, contentType string, body []byte) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(tb.Context(), sendTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+addr+"/v1/traces", bytes.NewReader(body))
	if err != nil {
		tb.Fatalf("OTLP/HTTP request: %v", err)
	}
	req.Header.Set("Content-Type", contentType)
	// No keep-alive: no idle connection outlives the call (Main checks for leaked goroutines).
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Do(req)
	if err != nil {
		tb.Fatalf("OTLP/HTTP export to %s: %v", addr, err)
	}
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("OTLP/HTTP export to %s: status %d: %s", addr, resp.StatusCode, answer)
	}
}

// SendOTLPGRPC exports td in one OTLP/gRPC call, through the Collector's pdata client, to the receiver at
// addr and fails tb unless it succeeds.
func SendOTLPGRPC(tb testing.TB, addr string, td ptrace.Traces) {
	tb.Helper()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		tb.Fatalf("OTLP/gRPC client for %s: %v", addr, err)
	}
	defer func() { _ = conn.Close() }()
	ctx, cancel := context.WithTimeout(tb.Context(), sendTimeout)
	defer cancel()
	if _, err := ptraceotlp.NewGRPCClient(conn).Export(ctx, ptraceotlp.NewExportRequestFromTraces(td)); err != nil {
		tb.Fatalf("OTLP/gRPC export to %s: %v", addr, err)
	}
}

// ReadTraces reads a trace file of any format tracefile knows into one ptrace.Traces, so that the whole file
// can be sent in one request; it fails tb if the file cannot be read whole.
func ReadTraces(tb testing.TB, path string) ptrace.Traces {
	tb.Helper()
	f, err := os.Open(path) //nolint:gosec // a test's input file
	if err != nil {
		tb.Fatalf("open %s: %v", path, err)
	}
	defer func() { _ = f.Close() }()
	all := ptrace.NewTraces()
	if _, err := tracefile.Read(path, f, func(td ptrace.Traces) {
		td.ResourceSpans().MoveAndAppendTo(all.ResourceSpans())
	}); err != nil {
		tb.Fatalf("read %s: %v", path, err)
	}
	return all
}
