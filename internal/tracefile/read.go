package tracefile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"

	"go.opentelemetry.io/collector/pdata/ptrace"
)

// Stats tells what Read saw in one file.
type Stats struct {
	Format  Format
	Batches int // ptrace.Traces values passed to the callback
	Spans   int
	// SkippedLines counts JSON Lines (or documents) holding other signals (resourceLogs,
	// resourceMetrics, resourceProfiles): skipped, not rejected.
	SkippedLines int
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// Read detects the format of the file from its content (not its name) and calls fn with each batch of traces,
// in file order. A JSON file may hold several values (JSON Lines, or documents one after another in any
// layout): each is read as a document. Good data beside bad data is still delivered: a bad JSON line or
// document gives an *Error and the others are still read; a bad span gives an *Error at its position and the
// spans beside it are still read. The returned error joins (errors.Join) every *Error.
//
// OTLP/JSON gives one batch per document or line, Zipkin one per document, Jaeger one per trace.
// Batches without spans are not delivered. Read reads r to its end before decoding, so r need not be
// seekable. It never panics on bad input.
func Read(name string, r io.Reader, fn func(ptrace.Traces)) (Stats, error) {
	rd := &reader{name: name}
	data, err := readAll(r)
	if err != nil {
		rd.fail(chunk{}, -1, err)
		return rd.stats, errors.Join(rd.errs...)
	}
	rd.read(data)
	for _, td := range rd.pending {
		if fn != nil {
			fn(td)
		}
	}
	return rd.stats, errors.Join(rd.errs...)
}

// readAll reads r to its end, allocating once when r tells its size.
func readAll(r io.Reader) ([]byte, error) {
	size := -1
	switch v := r.(type) {
	case interface{ Len() int }: // bytes.Reader, strings.Reader, bytes.Buffer
		size = v.Len()
	case interface{ Stat() (fs.FileInfo, error) }: // os.File
		if fi, err := v.Stat(); err == nil && fi.Mode().IsRegular() {
			size = int(fi.Size())
		}
	}
	var data []byte
	var err error
	if size < 0 {
		data, err = io.ReadAll(r)
	} else {
		buf := bytes.NewBuffer(make([]byte, 0, size+bytes.MinRead))
		_, err = buf.ReadFrom(r)
		data = buf.Bytes()
	}
	if err != nil {
		return nil, fmt.Errorf("reading: %w", err)
	}
	return data, nil
}

// reader collects what decoding one file gives: batches to deliver, stats and errors.
type reader struct {
	name    string
	stats   Stats
	errs    []error
	pending []ptrace.Traces
}

// emit records a decoded batch; batches without spans are dropped.
func (rd *reader) emit(f Format, td ptrace.Traces) {
	rd.see(f)
	n := td.SpanCount()
	if n == 0 {
		return
	}
	rd.stats.Batches++
	rd.stats.Spans += n
	rd.pending = append(rd.pending, td)
}

// see records the file's format: the first one recognized.
func (rd *reader) see(f Format) {
	if rd.stats.Format == FormatUnknown {
		rd.stats.Format = f
	}
}

// fail records an error at byte offset off of c; off < 0 means no position, and a chunk
// without a line number gives none either.
func (rd *reader) fail(c chunk, off int, err error) {
	e := &Error{File: rd.name, Err: err}
	switch {
	case c.line <= 0:
	case off >= 0:
		e.Line, e.Column = c.pos(off)
	case c.col > 1: // a value that starts inside a line
		e.Line, e.Column = c.line, c.col
	default:
		e.Line = c.line
	}
	rd.errs = append(rd.errs, e)
}

// read decodes the whole content of a file.
func (rd *reader) read(data []byte) {
	data = bytes.TrimPrefix(data, utf8BOM)
	start := skipSpace(data, 0)
	switch {
	case start == len(data):
		rd.fail(chunk{}, -1, errors.New("empty input: no trace data"))
		return
	case compressed(data) != "":
		rd.fail(chunk{}, -1, fmt.Errorf("%w: %s; decompress it first", errNotTrace, compressed(data)))
		return
	}
	if b := data[start]; b != '{' && b != '[' {
		if _, ok := scalarEnd(data, start); !ok {
			rd.readProto(data)
			return
		}
	}
	rd.readJSON(data)
	if rd.stats.Batches == 0 && len(rd.errs) > 0 && data[0] == 0x0a {
		// Protobuf bytes can start with whitespace bytes and then '{' or '['; give them a chance.
		alt := &reader{name: rd.name}
		alt.readProto(data)
		if len(alt.errs) == 0 {
			*rd = *alt
		}
	}
}

// readJSON reads JSON content: JSON Lines, one document or several (see readValues).
func (rd *reader) readJSON(data []byte) {
	rd.readValues(chunk{data: data, line: 1})
}
