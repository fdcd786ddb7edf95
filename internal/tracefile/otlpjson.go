package tracefile

import (
	"fmt"
	"strconv"
	"strings"

	"go.opentelemetry.io/collector/pdata/ptrace"
)

// readObject reads a JSON object: OTLP/JSON traces, a Jaeger response, or another OTLP signal to skip.
//
// The happy path, an object whose first key is resourceSpans, is bare pdata unmarshalling. Other objects
// are classified by their top-level keys first, so that lines of other signals are skipped without
// decoding them.
func (rd *reader) readObject(c chunk, keys []rng) {
	if k := firstKeyBytes(c.data); string(k) == "resourceSpans" || string(k) == "resource_spans" {
		td, err := unmarshalOTLP(c.data)
		if err == nil && td.SpanCount() > 0 {
			rd.emit(FormatOTLPJSON, td)
			return
		}
		rd.readOtherObject(c, keys, true, err)
		return
	}
	rd.readOtherObject(c, keys, false, nil)
}

// readOtherObject handles the objects bare pdata did not read; at are where their top-level keys are in
// c.data (if known); tried tells whether pdata was tried, with error perr.
func (rd *reader) readOtherObject(c chunk, at []rng, tried bool, perr error) {
	if perr != nil && rd.failSyntax(c) {
		return
	}
	var keys []string
	var kerr error
	for _, r := range at {
		keys = append(keys, string(c.data[r.off:r.end]))
	}
	if len(keys) == 0 {
		keys, kerr = topKeys(c.data)
	}
	if kerr != nil {
		// The scan does not validate; let encoding/json say where the problem is.
		if !rd.failSyntax(c) {
			rd.fail(c, 0, fmt.Errorf("invalid JSON: %w", kerr))
		}
		return
	}
	switch classify(keys) {
	case kindOTLP:
		if !tried {
			td, err := unmarshalOTLP(c.data)
			if err == nil && td.SpanCount() > 0 {
				rd.emit(FormatOTLPJSON, td)
				return
			}
			if err != nil && rd.failSyntax(c) {
				return
			}
			perr = err
		}
		rd.readOTLPSalvage(c, perr)
	case kindJaeger:
		rd.readJaeger(c)
	case kindOther:
		rd.see(FormatOTLPJSON)
		rd.stats.SkippedLines++
	default:
		what := "a JSON object with " + describeKeys(keys)
		if len(keys) == 0 {
			what = "an empty JSON object"
		}
		rd.fail(c, skipSpace(c.data, 0), fmt.Errorf(
			"%w: %s (want resourceSpans, batches, data, or an array of Zipkin spans)", errNotTrace, what,
		))
	}
}

// failSyntax reports the first JSON syntax error of c with its position, if there is one.
func (rd *reader) failSyntax(c chunk) bool {
	off, err := c.syntaxError()
	if err != nil {
		rd.fail(c, off, fmt.Errorf("invalid JSON: %w", err))
	}
	return err != nil
}

// unmarshalOTLP is bare pdata unmarshalling.
func unmarshalOTLP(data []byte) (ptrace.Traces, error) {
	var u ptrace.JSONUnmarshaler
	td, err := u.UnmarshalTraces(data)
	if err != nil {
		return td, pdataError{err}
	}
	return td, nil
}

// docKind is what the top-level keys of a JSON object say it holds.
type docKind int

const (
	kindNone   docKind = iota // none of the keys below
	kindOTLP                  // OTLP traces: resourceSpans or batches
	kindJaeger                // Jaeger query API: data
	kindOther                 // another OTLP signal: resourceLogs, resourceMetrics, resourceProfiles
)

// classify tells what a JSON object with the given top-level keys holds. Trace keys win.
func classify(keys []string) docKind {
	kind := kindNone
	for _, k := range keys {
		switch k {
		case "resourceSpans", "resource_spans", "batches":
			return kindOTLP
		case "data":
			kind = kindJaeger
		case "resourceLogs", "resource_logs", "resourceMetrics", "resource_metrics",
			"resourceProfiles", "resource_profiles":
			if kind == kindNone {
				kind = kindOther
			}
		}
	}
	return kind
}

// describeKeys lists keys for an error message, shortened.
func describeKeys(keys []string) string {
	if len(keys) == 0 {
		return "an empty object"
	}
	const maxKeys, maxLen = 5, 40
	var b strings.Builder
	b.WriteString("keys ")
	for i, k := range keys {
		if i == maxKeys {
			b.WriteString(", …")
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		if len(k) > maxLen {
			k = k[:maxLen] + "…"
		}
		b.WriteString(strconv.Quote(k))
	}
	return b.String()
}
