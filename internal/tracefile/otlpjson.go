package tracefile

import (
	"fmt"

	"go.opentelemetry.io/collector/pdata/ptrace"
)

// readObject reads a JSON object: OTLP/JSON traces, a Jaeger response, or another OTLP signal to skip.
//
// The happy path, an object whose first key is resourceSpans, is bare pdata unmarshalling. Other objects
// are classified by their top-level keys first, so that lines of other signals are skipped without
// decoding them.
func (rd *reader) readObject(c chunk, keys []string) {
	if k := firstKey(c.data); k == "resourceSpans" || k == "resource_spans" {
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

// readOtherObject handles the objects bare pdata did not read; keys are their top-level keys (if known);
// tried tells whether pdata was tried, with error perr.
func (rd *reader) readOtherObject(c chunk, keys []string, tried bool, perr error) {
	if perr != nil && rd.failSyntax(c) {
		return
	}
	var kerr error
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
			"%w: %s (want resourceSpans, batches, data, or an array of Zipkin spans)", errNotTrace, what))
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
