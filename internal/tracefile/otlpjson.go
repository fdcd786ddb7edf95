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
func (rd *reader) readObject(c chunk) {
	if k := firstKey(c.data); k == "resourceSpans" || k == "resource_spans" {
		td, err := unmarshalOTLP(c.data)
		if err == nil && td.SpanCount() > 0 {
			rd.emit(FormatOTLPJSON, td)
			return
		}
		rd.readOtherObject(c, true, err)
		return
	}
	rd.readOtherObject(c, false, nil)
}

// readOtherObject handles the objects bare pdata did not read; tried tells whether pdata was tried,
// with error perr.
func (rd *reader) readOtherObject(c chunk, tried bool, perr error) {
	if perr != nil && rd.failSyntax(c) {
		return
	}
	keys, kerr := topKeys(c.data)
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
		rd.readOTLPFallback(c, perr)
	case kindJaeger:
		rd.readJaeger(c)
	case kindOther:
		rd.see(FormatOTLPJSON)
		rd.stats.SkippedLines++
	default:
		rd.fail(c, skipSpace(c.data, 0), fmt.Errorf(
			"%w: a JSON object with %s (want resourceSpans, batches, data, or an array of Zipkin spans)",
			errNotTrace, describeKeys(keys),
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
		return td, fmt.Errorf("pdata: %w", err)
	}
	return td, nil
}

// readOTLPFallback reads OTLP/JSON that pdata rejected (perr) or found no spans in: it rewrites the
// dialects other tools write (base64 ids, "batches", instrumentationLibrary*) to the spec encoding and
// hands the result to pdata again.
func (rd *reader) readOTLPFallback(c chunk, perr error) {
	fixed, changed, err := normalizeOTLP(c.data)
	if err != nil { // more precise than pdata's message
		rd.fail(c, -1, fmt.Errorf("invalid OTLP/JSON traces: %w", err))
		return
	}
	if !changed {
		if perr != nil {
			rd.fail(c, -1, fmt.Errorf("invalid OTLP/JSON traces: %w", perr))
			return
		}
		rd.see(FormatOTLPJSON) // valid, just no spans
		return
	}
	td, err := unmarshalOTLP(fixed)
	if err != nil {
		if perr != nil {
			err = perr
		}
		rd.fail(c, -1, fmt.Errorf("invalid OTLP/JSON traces: %w", err))
		return
	}
	rd.emit(FormatOTLPJSON, td)
}
