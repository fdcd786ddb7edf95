// Package exporter turns sessions and error events into batched summaries and delivers them: session counts
// per UTC minute to the Bugsnag Sessions API, error events to the Bugsnag Notify API, and JSON summaries
// (sessions started, handled and unhandled sessions, error events and stability per group and minute) to
// an io.Writer.
//
// # Use
//
//	x, err := exporter.New(apiKey, exporter.WithSummaryWriter(os.Stdout))
//	if err != nil {
//		return err // names what is wrong, never prints the key
//	}
//	defer x.Shutdown(ctx) // sends what is pending; an *IncompleteError counts what it could not
//	// hand x to whatever derives sessions: it is a session.Sink
//
// An Exporter is a session.Sink. Its SessionStarted and ErrorEvent methods only count and buffer: they never
// block on the network and are safe for concurrent use. A background loop, started by New and stopped by
// Shutdown, flushes every summary interval (and as soon as a full Notify batch waits); ForceFlush and
// Shutdown flush on demand and wait for delivery until their context ends.
//
// # Payloads
//
// Each flush sends one Sessions API payload per distinct app and device (runtime versions included), with
// every minute counted since the previous flush, and the buffered error events in Notify batches. A payload
// is encoded once and retried as a unit.
//
// # Delivery
//
// 2xx is success. 408, 429, 5xx and network errors are retried with capped exponential backoff and jitter,
// honoring Retry-After; any other status drops the payload with one log line. Payloads wait in a bounded
// queue; every drop is counted (see Stats). Every request has a timeout, response bodies are read up to
// 64 KiB, redirects are not followed, proxies come from the environment and TLS settings from
// WithTLSConfig. Once Shutdown starts, backoff stops: each pending payload gets at most one more attempt, so
// Shutdown ends even without a deadline. Long strings and stack traces are trimmed so that one error event
// stays under the payload limit. The API key never appears in a log line, an error or a printed
// configuration.
//
// Importing the package starts no goroutine.
package exporter
