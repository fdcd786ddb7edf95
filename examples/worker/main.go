// Command worker is a background worker that tracks each job as a session of its own, started by hand with
// the otelsessions processor: a job that panics crashes its session, a retried failure is a handled error,
// and Bugsnag's Sessions and Notify APIs get both, with the user the job ran for.
//
// It reads jobs from standard input, one a line, as "USER KIND" (standard input stands in for a queue):
//
//	ok     the job succeeds
//	flaky  the first attempt fails (a handled error) and the retry, after a backoff, succeeds
//	crash  the job panics (an unhandled error); the worker recovers and goes on with the next job
//
//	printf 'u-1 ok\nu-2 flaky\nu-3 crash\n' | BUGSNAG_API_KEY=<your project's API key> go run ./examples/worker
//
// At the end of its input, or on SIGINT or SIGTERM (after the job in progress), it delivers every pending
// session and error event and exits. The environment variables it reads are listed on telemetry.New
// (examples/internal/telemetry).
package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/zap"

	"github.com/otelsessions/otelsessions/examples/internal/telemetry"
	"github.com/otelsessions/otelsessions/processor"
	"github.com/otelsessions/otelsessions/session"
)

const (
	serviceName    = "example-worker"
	serviceVersion = "1.0.0"
)

func main() {
	logger, err := zap.NewProduction()
	if err != nil {
		log.Fatal(err)
	}
	if err := run(os.Stdin, logger); err != nil {
		logger.Error("worker failed", zap.Error(err))
		os.Exit(1)
	}
}

// run processes the jobs read from in until its end or a signal, then shuts the telemetry down.
func run(in io.Reader, logger *zap.Logger) (err error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	// Only the jobs start sessions: no span of the worker starts one by itself.
	tel, err := telemetry.New(ctx, logger, serviceName, serviceVersion, processor.WithoutAutomaticSessions())
	if err != nil {
		return err
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		err = errors.Join(err, tel.Shutdown(sctx)) // after the last job: its spans have ended
	}()

	remove := tel.Processor.AddOnSession(onSession)
	defer remove()
	w := &worker{
		p: tel.Processor, tracer: tel.Provider.Tracer("example-worker"), log: logger, backoff: 10 * time.Millisecond,
	}
	jobs := readJobs(in, logger)
	for {
		select {
		case <-ctx.Done():
			logger.Info("shutting down")
			return nil
		case j, ok := <-jobs:
			if !ok {
				logger.Info("no more jobs")
				return nil
			}
			if ctx.Err() != nil { // both were ready: the signal wins
				logger.Info("shutting down")
				return nil
			}
			w.process(context.WithoutCancel(ctx), j) // a signal lets the job in progress finish
		}
	}
}

// job is one unit of work, done for a user.
type job struct {
	user, kind string
}

// readJobs reads "USER KIND" lines from in; the channel is closed at the end of in.
func readJobs(in io.Reader, logger *zap.Logger) <-chan job {
	jobs := make(chan job)
	go func() {
		defer close(jobs)
		sc := bufio.NewScanner(in)
		for sc.Scan() {
			user, kind, ok := strings.Cut(strings.TrimSpace(sc.Text()), " ")
			if !ok {
				logger.Warn("skipped a line that is not USER KIND")
				continue
			}
			jobs <- job{user: user, kind: kind}
		}
		if err := sc.Err(); err != nil {
			logger.Error("reading jobs", zap.Error(err))
		}
	}()
	return jobs
}

// userKey is the context key of the user a job runs for; the OnSession callback reads it.
type userKey struct{}

// onSession amends every new session: it is a worker's, for the user in ctx.
func onSession(ctx context.Context, s *session.Session) bool {
	s.App.Type = "worker"
	if user, ok := ctx.Value(userKey{}).(string); ok {
		s.SetUser(user, "", "")
	}
	return true // false would discard the session
}

var errTimeout = errors.New("storage timeout")

// worker runs jobs, each in a session of its own.
type worker struct {
	p       *processor.Processor
	tracer  trace.Tracer
	log     *zap.Logger
	backoff time.Duration
}

// process runs j in a new session. A panic is recorded as the session's unhandled error and recovered.
func (w *worker) process(ctx context.Context, j job) {
	ctx = w.p.StartSession(context.WithValue(ctx, userKey{}, j.user)) // the callback sets the session's user
	ctx, span := w.tracer.Start(ctx, "job "+j.kind)
	defer span.End()
	defer func() {
		if v := recover(); v != nil {
			processor.RecordPanic(ctx, v) // before span.End: unhandled, the session crashed
			w.log.Error("job crashed", zap.String("kind", j.kind), zap.Any("panic", v))
		}
	}()

	if j.kind == "crash" {
		// A panic on the job's own span. One that unwinds through a child span first is also recorded there,
		// by the SDK's span.End, as a plain exception event: a handled error of the session.
		panic("job payload: index out of range")
	}
	err := w.attempt(ctx, j, 1)
	if err != nil {
		ctx = w.wait(ctx)
		err = w.attempt(ctx, j, 2)
	}
	if err != nil {
		span.SetStatus(codes.Error, err.Error())
	}
	w.log.Info("job done", zap.String("kind", j.kind), zap.Bool("failed", err != nil))
}

// attempt does the work of j once. A failed attempt is recorded on its own span: a handled error, since the
// job goes on.
func (w *worker) attempt(ctx context.Context, j job, n int) error {
	_, span := w.tracer.Start(ctx, "attempt", trace.WithAttributes(attribute.Int("attempt", n)))
	defer span.End()
	if j.kind == "flaky" && n == 1 {
		span.RecordError(errTimeout)
		span.SetStatus(codes.Error, errTimeout.Error())
		return errTimeout
	}
	return nil
}

// wait waits for the backoff before a retry with the job's session paused: the wait, and its span, are not
// part of the job. It returns the context with the session resumed.
func (w *worker) wait(ctx context.Context) context.Context {
	w.p.PauseSession(ctx)
	_, span := w.tracer.Start(ctx, "backoff") // carries no session.id
	time.Sleep(w.backoff)
	span.End()

	ctx, resumed := w.p.ResumeSession(ctx)
	if !resumed {
		w.log.Warn("the job's session was not paused; a new one started")
	}
	return ctx
}
