package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/otelsessions/otelsessions/exporter"
)

// apiKeyEnv is the environment variable that may hold the Bugsnag API key.
const apiKeyEnv = "BUGSNAG_API_KEY" //nolint:gosec // the name of a variable, not a credential

// bugsnagFlags are the flags that send what a command derives to Bugsnag's Sessions and Notify APIs.
type bugsnagFlags struct {
	apiKey    string
	sessions  string
	notify    string
	timeout   time.Duration
	summaries string
	fs        *flag.FlagSet
	file      *os.File // the summaries file, closed at shutdown
	// summariesOnly tells that no API key was given: nothing goes to Bugsnag.
	summariesOnly bool
}

func (f *bugsnagFlags) register(fs *flag.FlagSet) {
	f.fs = fs
	fs.StringVar(&f.apiKey, "api-key", "", "Bugsnag project API key; sends sessions and errors to Bugsnag "+
		"(default $"+apiKeyEnv+")")
	fs.StringVar(&f.sessions, "bugsnag-sessions", "", "Bugsnag Sessions API endpoint (default "+
		"https://sessions.bugsnag.com)")
	fs.StringVar(&f.notify, "bugsnag-notify", "", "Bugsnag Notify API endpoint (default https://notify.bugsnag.com)")
	fs.DurationVar(&f.timeout, "send-timeout", 30*time.Second, "how long to wait for Bugsnag before exiting")
	fs.StringVar(&f.summaries, "summaries", "", "write JSON summaries, one object per flush, to this file "+
		"(\"-\" for standard output); works without an API key")
}

// exporter returns the Bugsnag exporter the flags ask for, or nil when they ask for none. Its errors never
// contain the key.
func (f *bugsnagFlags) exporter(stdout, stderr io.Writer) (*exporter.Exporter, error) {
	var empty error
	f.fs.Visit(func(fl *flag.Flag) {
		if (fl.Name == "bugsnag-sessions" || fl.Name == "bugsnag-notify" || fl.Name == "api-key") &&
			fl.Value.String() == "" {
			empty = fmt.Errorf("--%s is empty (an unset variable?); leave it out to use the default", fl.Name)
		}
	})
	if empty != nil {
		return nil, empty
	}
	if f.timeout <= 0 {
		return nil, fmt.Errorf("--send-timeout must be positive, not %s", f.timeout)
	}
	key := f.apiKey
	if key == "" {
		key = os.Getenv(apiKeyEnv)
	}
	if key == "" && (f.sessions != "" || f.notify != "") {
		return nil, errors.New("--bugsnag-sessions and --bugsnag-notify need an API key (--api-key or $" +
			apiKeyEnv + ")")
	}
	if key == "" && f.summaries == "" {
		return nil, nil
	}
	opts := []exporter.Option{exporter.WithLogger(stderrLogger(stderr)), exporter.WithEventBufferSize(10000)}
	switch f.summaries {
	case "":
	case "-":
		opts = append(opts, exporter.WithSummaryWriter(stdout))
	default:
		file, err := os.Create(f.summaries)
		if err != nil {
			return nil, fmt.Errorf("--summaries: %w", err)
		}
		f.file = file
		opts = append(opts, exporter.WithSummaryWriter(file))
	}
	if f.sessions != "" {
		opts = append(opts, exporter.WithSessionsEndpoint(f.sessions))
	}
	if f.notify != "" {
		opts = append(opts, exporter.WithNotifyEndpoint(f.notify))
	}
	x, err := exporter.New(key, opts...)
	if err != nil && f.file != nil {
		_ = f.file.Close()
	}
	f.summariesOnly = key == ""
	return x, err
}

// shutdown delivers what is pending and reports on stderr what was sent and lost; it fails when anything
// was lost.
func (f *bugsnagFlags) shutdown(ctx context.Context, x *exporter.Exporter, stderr io.Writer) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), f.timeout)
	defer cancel()
	err := x.Shutdown(ctx)
	if f.file != nil {
		err = errors.Join(err, f.file.Close())
	}
	st := x.Stats()
	if f.summariesOnly {
		if err != nil {
			_, _ = fmt.Fprintf(stderr, "otelsessions: JSON summaries: %v\n", err)
		}
		return err
	}
	_, _ = fmt.Fprintf(stderr, "otelsessions: Bugsnag: %d of %d sessions and %d of %d error events sent, "+
		"%d sessions and %d events not sent by configuration (release stage not enabled, or session delivery "+
		"off), %d sessions and %d events lost\n",
		st.SessionsSent, st.SessionsCounted, st.EventsSent, st.EventsCounted, st.SessionsSkipped,
		st.EventsSkipped, st.SessionsDropped, st.EventsDropped)
	if err == nil && (st.SessionsDropped > 0 || st.EventsDropped > 0) {
		err = errors.New("some sessions or events could not be delivered")
	}
	return err
}

// stderrLogger logs the exporter's retries and drops, one line each, to stderr.
func stderrLogger(w io.Writer) *zap.Logger {
	enc := zapcore.NewConsoleEncoder(zap.NewDevelopmentEncoderConfig())
	return zap.New(zapcore.NewCore(enc, zapcore.AddSync(w), zap.InfoLevel))
}
