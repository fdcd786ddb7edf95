package tracefile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// The Jaeger query API / UI "Download JSON" shape. Fields the UI adds (relativeStartTime, depth,
// hasChildren, references[].span, warnings) are not declared and so are ignored.
type (
	jTrace struct {
		TraceID   string              `json:"traceID"`
		Spans     []jSpan             `json:"spans"`
		Processes map[string]jProcess `json:"processes"`
	}
	jSpan struct {
		TraceID       string    `json:"traceID"`
		SpanID        string    `json:"spanID"`
		ParentSpanID  string    `json:"parentSpanID"` // older JSON writers
		Flags         jNum      `json:"flags"`
		OperationName string    `json:"operationName"`
		References    []jRef    `json:"references"`
		StartTime     jNum      `json:"startTime"` // µs since the epoch
		Duration      jNum      `json:"duration"`  // µs
		Tags          []jKV     `json:"tags"`
		Logs          []jLog    `json:"logs"`
		ProcessID     string    `json:"processID"`
		Process       *jProcess `json:"process"`
	}
	jRef struct {
		RefType string `json:"refType"`
		TraceID string `json:"traceID"`
		SpanID  string `json:"spanID"`
	}
	jKV struct {
		Key   string          `json:"key"`
		Type  string          `json:"type"`
		Value json.RawMessage `json:"value"`
	}
	jLog struct {
		Timestamp jNum  `json:"timestamp"` // µs since the epoch
		Fields    []jKV `json:"fields"`
	}
	jProcess struct {
		ServiceName string `json:"serviceName"`
		Tags        []jKV  `json:"tags"`
	}
	jAPIError struct {
		Code    int    `json:"code"`
		Msg     string `json:"msg"`
		TraceID string `json:"traceID"`
	}
)

// jNum is an integer written as a JSON number or string.
type jNum int64

// UnmarshalJSON accepts 123, "123", 1.23e5 and null.
func (n *jNum) UnmarshalJSON(b []byte) error {
	s := string(bytes.Trim(b, `"`))
	if s == "null" || s == "" {
		return nil
	}
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		*n = jNum(i)
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f > 1<<63-1 || f < -(1<<63) {
		return fmt.Errorf("want an integer, got %s", b)
	}
	*n = jNum(f)
	return nil
}

// readJaeger reads a Jaeger JSON response: {"data":[trace...]}; one batch per trace.
func (rd *reader) readJaeger(c chunk) {
	rd.see(FormatJaegerJSON)
	if rd.failSyntax(c) { // the key scan that led here does not validate
		return
	}
	lim := &errLimiter{rd: rd, c: c}
	found, good := false, 0
	dec := json.NewDecoder(bytes.NewReader(c.data))
	err := walkObject(dec, func(key string) error {
		switch key {
		case "data":
			found = true
			if nextByte(c.data, int(dec.InputOffset())) == 'n' {
				if err := dec.Decode(new(any)); err != nil { // "data": null
					return fmt.Errorf("decoding: %w", err)
				}
				return nil
			}
			var elems int
			return walkArray(dec, c.data, func(off int) {
				elems++
				var t jTrace
				err := dec.Decode(&t)
				if err == nil && t.Spans == nil {
					err = errors.New("no spans array")
				}
				if err != nil {
					lim.fail(off, jaegerError(good == 0, fmt.Errorf("data[%d]: %w", elems-1, err)))
					return
				}
				good++
				rd.readJaegerTrace(off, &t, lim)
			})
		case "errors":
			var apiErrs []jAPIError
			if err := dec.Decode(&apiErrs); err != nil {
				return fmt.Errorf("decoding: %w", err)
			}
			for _, e := range apiErrs {
				msg := fmt.Sprintf("the Jaeger response holds an error: %d %s", e.Code, e.Msg)
				if e.TraceID != "" {
					msg += " (trace " + e.TraceID + ")"
				}
				lim.fail(-1, errors.New(msg))
			}
			return nil
		default:
			if err := dec.Decode(new(json.RawMessage)); err != nil {
				return fmt.Errorf("decoding: %w", err)
			}
			return nil
		}
	})
	lim.done("bad Jaeger traces or spans")
	if err != nil || !found {
		if err == nil {
			err = errors.New(`no "data" key`)
		}
		rd.fail(c, skipSpace(c.data, 0), jaegerError(good == 0, err))
	}
}

// nextByte returns the first byte of data at or after off that is not blank, ':' or ','.
func nextByte(data []byte, off int) byte {
	for ; off < len(data); off++ {
		if b := data[off]; !isSpace(b) && b != ':' && b != ',' {
			return b
		}
	}
	return 0
}

// jaegerError words an error; while no trace was good the document may not be Jaeger JSON at all.
func jaegerError(first bool, err error) error {
	if first {
		return fmt.Errorf("%w (tried Jaeger JSON: %w)", errNotTrace, err)
	}
	return fmt.Errorf("bad Jaeger trace: %w", err)
}
