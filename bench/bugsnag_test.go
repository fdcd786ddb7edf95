package bench

import (
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/bugsnag/bugsnag-go"
)

// configureBugsnag points bugsnag-go at a local server that answers every request with 202 and discards it,
// without its panic handler (which would re-run the test binary under panicwrap) and with a silent logger.
// Its session tracker then works as in a service: StartSession hands each session over a channel to a
// goroutine that keeps them until the publish interval (60 s) sends them in one request.
func configureBugsnag(b *testing.B) {
	b.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusAccepted)
	}))
	b.Cleanup(srv.Close)
	bugsnag.Configure(bugsnag.Configuration{
		APIKey:              "0123456789abcdef0123456789abcdef",
		Endpoints:           bugsnag.Endpoints{Notify: srv.URL, Sessions: srv.URL},
		ReleaseStage:        "bench",
		AppVersion:          "1.0.0",
		Hostname:            "bench-host",
		AutoCaptureSessions: false,
		PanicHandler:        func() {},
		Logger:              log.New(io.Discard, "", 0),
	})
}

// BenchmarkBugsnag measures bugsnag-go v1.5.0's StartSession, the cost of one session in Bugsnag's own Go
// notifier.
func BenchmarkBugsnag(b *testing.B) {
	b.Run("StartSession", func(b *testing.B) {
		configureBugsnag(b)
		ctx := b.Context()
		b.ReportAllocs()
		start := cpuTime(b)
		for b.Loop() {
			_ = bugsnag.StartSession(ctx)
		}
		reportCPU(b, start)
	})
}
