package exporter

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"go.uber.org/zap/zapcore"
)

// ErrInvalidAPIKey is returned by New, wrapped, when the API key is empty, is not 32 hexadecimal characters
// or has surrounding whitespace. The message never contains the key.
var ErrInvalidAPIKey = errors.New("exporter: invalid API key")

const (
	apiKeyLength = 32
	redacted     = "[REDACTED]"
)

func validateAPIKey(k string) error {
	switch {
	case k == "":
		return fmt.Errorf("%w: it is empty", ErrInvalidAPIKey)
	case strings.TrimSpace(k) != k:
		return fmt.Errorf("%w: it has leading or trailing whitespace", ErrInvalidAPIKey)
	case utf8.RuneCountInString(k) != apiKeyLength:
		return fmt.Errorf("%w: it must be %d hexadecimal characters, not %d characters", ErrInvalidAPIKey,
			apiKeyLength, utf8.RuneCountInString(k))
	case strings.Trim(k, "0123456789abcdefABCDEF") != "":
		return fmt.Errorf("%w: it must be %d hexadecimal characters and holds others", ErrInvalidAPIKey,
			apiKeyLength)
	}
	return nil
}

// secret holds the API key. Every way of printing or encoding it yields "[REDACTED]"; only reveal returns
// the key, for the request header and the Notify body.
type secret struct {
	value string
}

func (s *secret) reveal() string { return s.value }

// String returns "[REDACTED]".
func (*secret) String() string { return redacted }

// GoString returns "[REDACTED]".
func (*secret) GoString() string { return redacted }

// Format writes "[REDACTED]" whatever the verb.
func (*secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

// MarshalJSON encodes "[REDACTED]".
func (*secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// MarshalText encodes "[REDACTED]".
func (*secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// String describes the configuration with the API key redacted.
func (c *config) String() string {
	return fmt.Sprintf("{api_key: %s, sessions_endpoint: %s, notify_endpoint: %s, sessions_disabled: %t, "+
		"summary_interval: %s, request_timeout: %s, retry: %+v, queue_size: %d, event_buffer_size: %d, "+
		"max_events_per_request: %d, enabled_release_stages: %q, summary_writer: %t, tls_config: %t}",
		redacted, c.sessionsEndpoint, c.notifyEndpoint, c.sessionsDisabled, c.summaryInterval,
		c.requestTimeout, c.retry, c.queueSize, c.eventBufferSize, c.maxEventsPerRequest, c.enabledStages,
		c.summaryWriter != nil, c.tlsConfig != nil)
}

// MarshalLogObject writes the configuration, API key redacted, as structured log fields.
func (c *config) MarshalLogObject(enc zapcore.ObjectEncoder) error {
	enc.AddString("api_key", redacted)
	enc.AddString("sessions_endpoint", c.sessionsEndpoint)
	enc.AddString("notify_endpoint", c.notifyEndpoint)
	enc.AddBool("sessions_disabled", c.sessionsDisabled)
	enc.AddDuration("summary_interval", c.summaryInterval)
	enc.AddDuration("request_timeout", c.requestTimeout)
	enc.AddBool("retry_enabled", c.retry.Enabled)
	enc.AddDuration("retry_initial_interval", c.retry.InitialInterval)
	enc.AddDuration("retry_max_interval", c.retry.MaxInterval)
	enc.AddDuration("retry_max_elapsed_time", c.retry.MaxElapsedTime)
	enc.AddInt("queue_size", c.queueSize)
	enc.AddInt("event_buffer_size", c.eventBufferSize)
	enc.AddInt("max_events_per_request", c.maxEventsPerRequest)
	if c.enabledStages != nil {
		enc.AddString("enabled_release_stages", strings.Join(c.enabledStages, ","))
	}
	enc.AddBool("summary_writer", c.summaryWriter != nil)
	enc.AddBool("custom_tls", c.tlsConfig != nil)
	return nil
}
