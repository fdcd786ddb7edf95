package tracefile

import (
	"cmp"
	"fmt"
	"slices"

	"go.opentelemetry.io/collector/pdata/ptrace"
)

// salvager reads OTLP/JSON traces that bare pdata rejected or found no spans in, from a document that is
// valid JSON. It walks the document with the cheap scanner, rewrites what other tools write (base64 ids,
// "batches", instrumentationLibrary*) to the spec encoding, and hands pdata one scopeSpans element at a time.
// When pdata rejects one, each span is read on its own: the good ones are kept with their resource and scope,
// a bad attribute is left out of its span, and each bad span is reported at its position and left out.
type salvager struct {
	doc   []byte
	lim   *errLimiter
	edits []*edit
	out   ptrace.Traces
	errs  []offErr // reported in file order once the walk is over
}

// offErr is an error at an offset of the document.
type offErr struct {
	off int
	err error
}

// fail records err at offset off of the document.
func (s *salvager) fail(off int, err error) { s.errs = append(s.errs, offErr{off, err}) }

// part is a member of a resourceSpans or scopeSpans element that every document built for pdata copies.
type part struct {
	name    string // the key pdata reads: resource, scope or schemaUrl
	scope   bool   // a member of the scopeSpans element, not of the resourceSpans one
	path    string
	val     rng
	checked bool
	dropped bool
}

// group is one scopeSpans element: its spans and the parts around them.
type group struct {
	path  string
	parts []*part
	spans []rng
	index []int // index of each of spans in the file's array
}

// readOTLPSalvage reads c as OTLP/JSON traces with a salvager; perr is bare pdata's error, if it had one.
func (rd *reader) readOTLPSalvage(c chunk, perr error) {
	s := &salvager{doc: c.data, lim: &errLimiter{rd: rd, c: c}, out: ptrace.NewTraces()}
	s.walk()
	slices.SortStableFunc(s.errs, func(a, b offErr) int { return cmp.Compare(a.off, b.off) })
	for _, e := range s.errs {
		s.lim.fail(e.off, e.err)
	}
	s.lim.done("bad OTLP spans or attributes")
	if s.out.SpanCount() == 0 && len(s.errs) == 0 && perr != nil {
		rd.fail(c, skipSpace(c.data, 0), fmt.Errorf("invalid OTLP/JSON traces: %w", perr))
		return
	}
	rd.emit(FormatOTLPJSON, s.out)
}

// walk reads every resourceSpans and scopeSpans element.
func (s *salvager) walk() {
	root, err := objectFields(s.doc, skipSpace(s.doc, 0))
	if err != nil {
		s.fail(0, fmt.Errorf("invalid JSON: %w", err))
		return
	}
	top := pick(root, "resourceSpans", "resource_spans", "batches")
	if top == nil {
		return
	}
	for i, rsVal := range s.array(top.val, top.key) {
		rsPath := fmt.Sprintf("%s[%d]", top.key, i)
		fields, ok := s.object(rsVal, rsPath)
		if !ok {
			continue
		}
		rsParts := s.parts(fields, rsPath, false, "resource")
		ss := pick(fields, "scopeSpans", "scope_spans", "instrumentationLibrarySpans", "instrumentation_library_spans",
			"deprecatedScopeSpans", "deprecated_scope_spans")
		if ss == nil {
			continue
		}
		var out ptrace.ResourceSpans
		started := false
		for j, ssVal := range s.array(ss.val, rsPath+"."+ss.key) {
			g := &group{path: fmt.Sprintf("%s.%s[%d]", rsPath, ss.key, j)}
			ssFields, ok := s.object(ssVal, g.path)
			if !ok {
				continue
			}
			g.parts = append(s.parts(ssFields, g.path, true, "scope", "instrumentationLibrary",
				"instrumentation_library"), rsParts...)
			if spans := pick(ssFields, "spans"); spans != nil {
				s.spans(g, s.array(spans.val, g.path+".spans"))
			}
			td := s.readGroup(g)
			if td.SpanCount() == 0 {
				continue
			}
			src := td.ResourceSpans().At(0)
			if !started {
				started = true
				out = s.out.ResourceSpans().AppendEmpty()
				src.Resource().MoveTo(out.Resource())
				out.SetSchemaUrl(src.SchemaUrl())
			}
			src.ScopeSpans().MoveAndAppendTo(out.ScopeSpans())
		}
	}
}

// parts returns the members of an element that documents built for pdata copy: the first of names present
// (under names[0]) and schemaUrl.
func (*salvager) parts(fields []jfield, path string, scope bool, names ...string) []*part {
	var ps []*part
	if f := pick(fields, names...); f != nil {
		ps = append(ps, &part{name: names[0], scope: scope, path: path + "." + f.key, val: f.val})
	}
	if f := pick(fields, "schemaUrl", "schema_url"); f != nil {
		ps = append(ps, &part{name: "schemaUrl", scope: scope, path: path + "." + f.key, val: f.val})
	}
	return ps
}

// spans adds to g the spans whose ids are good, rewritten to hex where needed; the others are reported.
func (s *salvager) spans(g *group, spans []rng) {
	for k, sp := range spans {
		path := fmt.Sprintf("%s.spans[%d]", g.path, k)
		fields, ok := s.object(sp, path)
		if !ok {
			continue
		}
		if off, err := s.fixIDs(fields, path); err != nil {
			s.fail(off, fmt.Errorf("bad OTLP span: %w", err))
			continue
		}
		if links := pick(fields, "links"); links != nil && s.doc[links.val.off] == '[' {
			elems, _ := arrayElems(s.doc, links.val.off)
			for l, link := range elems {
				linkFields, err := objectFields(s.doc, link.off)
				if err != nil {
					continue // pdata reports it below
				}
				if off, err := s.fixIDs(linkFields, fmt.Sprintf("%s.links[%d]", path, l)); err != nil {
					s.dropElem(links.val, elems, l)
					s.fail(off, fmt.Errorf("bad OTLP link (left out, the span is kept): %w", err))
				}
			}
		}
		g.spans = append(g.spans, sp)
		g.index = append(g.index, k)
	}
}

// readGroup reads one scopeSpans element: all at once if pdata takes it, else span by span.
func (s *salvager) readGroup(g *group) ptrace.Traces {
	all := func(b []byte) []byte {
		for i, sp := range g.spans {
			if i > 0 {
				b = append(b, ',')
			}
			b = s.appendRaw(b, sp)
		}
		return b
	}
	if td, err := unmarshalOTLP(s.build(g, all)); err == nil {
		return td
	}
	for _, p := range g.parts {
		s.checkPart(p)
	}
	var good []rng
	for i, sp := range g.spans {
		if s.spanOK(g, g.index[i], sp) {
			good = append(good, sp)
		}
	}
	g.spans = good
	td, err := unmarshalOTLP(s.build(g, all))
	if err != nil { // cannot happen: each piece was read on its own
		s.fail(-1, fmt.Errorf("invalid OTLP/JSON traces: %s: %w", g.path, err))
		return ptrace.NewTraces()
	}
	return td
}

// spanOK tells whether pdata reads span k of g on its own, after leaving out its bad attributes; it reports
// each bad attribute, and the span when it is bad.
func (s *salvager) spanOK(g *group, k int, sp rng) bool {
	// The parts around the span were checked on their own: leave them out of the small documents.
	wrap := func(x []byte) []byte { return concat(`{"resourceSpans":[{"scopeSpans":[{"spans":[`, x, `]}]}]}`) }
	for tries := 0; ; tries++ {
		err := probe(wrap(s.raw(sp)))
		if err == nil {
			return true
		}
		ft := s.locate(sp, wrap, "", 0)
		path := fmt.Sprintf("%s.spans[%d]%s", g.path, k, ft.path)
		if ft.arr != nil && tries < maxErrsPerDoc {
			s.dropElem(*ft.arr, ft.elems, ft.idx)
			s.fail(ft.val.off, fmt.Errorf("bad OTLP attribute (left out, the span is kept): %s: %w", path,
				s.invalid(ft)))
			continue
		}
		s.fail(ft.val.off, fmt.Errorf("bad OTLP span: %s: %w", path, s.invalid(ft)))
		return false
	}
}

// checkPart makes sure pdata reads p, leaving out its bad attributes, or p itself.
func (s *salvager) checkPart(p *part) {
	if p.checked {
		return
	}
	p.checked = true
	wrap := func(x []byte) []byte {
		if p.scope {
			return concat(`{"resourceSpans":[{"scopeSpans":[{"`+p.name+`":`, x, `}]}]}`)
		}
		return concat(`{"resourceSpans":[{"`+p.name+`":`, x, `}]}`)
	}
	for tries := 0; ; tries++ {
		if probe(wrap(s.raw(p.val))) == nil {
			return
		}
		ft := s.locate(p.val, wrap, p.name, 0)
		if ft.arr != nil && tries < maxErrsPerDoc {
			s.dropElem(*ft.arr, ft.elems, ft.idx)
			s.fail(ft.val.off, fmt.Errorf("bad OTLP attribute (left out, the %s is kept): %s%s: %w",
				p.name, p.path, ft.path, s.invalid(ft)))
			continue
		}
		p.dropped = true
		s.fail(ft.val.off, fmt.Errorf("bad OTLP %s (left out, its spans are kept): %s%s: %w",
			p.name, p.path, ft.path, s.invalid(ft)))
		return
	}
}

// build returns a one-resource, one-scope document with g's parts around the spans appendSpans appends.
func (s *salvager) build(g *group, appendSpans func([]byte) []byte) []byte {
	b := append(make([]byte, 0, 1024), `{"resourceSpans":[{`...)
	b = s.appendParts(b, g, false)
	b = append(b, `"scopeSpans":[{`...)
	b = s.appendParts(b, g, true)
	b = append(b, `"spans":[`...)
	b = appendSpans(b)
	return append(b, "]}]}]}"...)
}

func (s *salvager) appendParts(b []byte, g *group, scope bool) []byte {
	for _, p := range g.parts {
		if p.scope == scope && !p.dropped {
			b = append(b, `"`+p.name+`":`...)
			b = s.appendRaw(b, p.val)
			b = append(b, ',')
		}
	}
	return b
}
