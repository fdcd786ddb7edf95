package sessionsprocessor

import (
	"bytes"
	"slices"
	"time"

	"github.com/google/uuid"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelsessions/otelsessions/internal/derive"
	"github.com/otelsessions/otelsessions/internal/sessionid"
	"github.com/otelsessions/otelsessions/internal/traceiter"
)

const (
	// AttrSessionID is the span attribute the processor writes (OpenTelemetry semantic conventions).
	AttrSessionID   = "session.id"
	attrServiceName = "service.name"
)

// resolveInto derives the sessions of ts from its pending spans and the ancestry kept from earlier
// resolutions, tags the pending spans, moves them to out and keeps their ancestry for late spans. Unless
// final, spans whose ancestry is missing stay held, until max_wait, for that ancestry: the entry span of a
// request that outlasts the wait arrives after its children. That is every span outside any session with a
// missing ancestor, and every span of a session whose entry span is one only because its parent is missing
// (without OTLP's flags, a nested SERVER span looks so until the request's entry span comes). A trace that
// arrived in a held batch with others is resolved with all of them (resolveBatch).
func (sp *sessionsProcessor) resolveInto(ts *traceState, now time.Time, out ptrace.Traces, c *counts, final bool) {
	if ts.batch != nil {
		sp.resolveBatch(ts.batch, now, out, c, final)
		return
	}
	eng := sp.engines.Get()
	defer sp.engines.Put(eng)
	if standIns := ts.standIns(); len(standIns) > 0 {
		eng.Add(standInTraces(ts.id, standIns))
	}
	eng.Add(ts.pending)
	t, _ := eng.Resolve(ts.id)
	r := newResolution(ts, t, final, ts.pending.SpanCount())
	parents := lazyAncestry{build: func() ancestryMap { return ancestry(ts) }}
	held := ptrace.Traces{}
	if keep := r.visitAll(ts.pending, &parents, c); keep != nil {
		held = extract(ts.pending, keep)
	}
	ts.pending.ResourceSpans().MoveAndAppendTo(out.ResourceSpans())
	sp.settle(r, held, now, c)
}

// resolution applies one trace's derived sessions to its held spans: which session each span joins, which
// spans stay held for their ancestry, and what is remembered of those forwarded.
type resolution struct {
	ts         *traceState
	t          derive.Trace
	adopt      map[uuid.UUID]uuid.UUID
	waiting    []bool   // per session: its spans wait for the entry span's parent (unless final)
	ids        []string // each session's session.id, formatted once
	final      bool
	next       int  // the place, in the order the engine was given the trace's spans, of the next one visited
	n, kept    int  // spans visited, and of them those that stay held
	unresolved bool // a span forwarded outside any session hangs below a missing ancestor
	svc        serviceOf
}

func newResolution(ts *traceState, t derive.Trace, final bool, spans int) *resolution {
	r := &resolution{
		ts: ts, t: t, adopt: adoptions(t, ts.id, ts.standIns()), ids: make([]string, len(t.Sessions)), final: final,
		next: len(ts.standIns()), // given to the engine first
	}
	if !final {
		r.waiting = tentative(t, ts.standIns())
	}
	if spans > 0 {
		f := ts.remember()
		f.standIns = slices.Grow(f.standIns, max(0, min(spans, maxStandIns-len(f.standIns))))
	}
	return r
}

// visit decides the fate of one of the trace's held spans. It reports true when the span stays held; else it
// tags the span with its session, if it has one, and remembers it for late spans. The trace's spans must be
// visited in the order the engine was given them, where the session of each is found without a search.
func (r *resolution) visit(res pcommon.Resource, span ptrace.Span, parents *lazyAncestry, c *counts) bool {
	r.n++
	sid := uuid.Nil
	i, inSession := -1, false
	if !span.SpanID().IsEmpty() { // the engine drops such a span: it has no place among those given
		i, inSession = r.t.SessionAt(r.next)
		r.next++
	}
	// Outside any session below a missing ancestor; once one such span is found in a final resolution, the
	// others need no walk.
	orphan := !inSession && (!r.final || !r.unresolved) && missingAncestor(parents.get(), r.ts.id, span.ParentSpanID())
	if !r.final && (orphan || (inSession && r.waiting[i])) {
		r.kept++
		return true
	}
	if inSession {
		sid = r.t.Sessions[i].ID
		if a, ok := r.adopt[sid]; ok {
			sid = a
		}
		if _, has := span.Attributes().Get(AttrSessionID); !has {
			if r.ids[i] == "" {
				r.ids[i] = sid.String()
			}
			span.Attributes().PutStr(AttrSessionID, r.ids[i])
			c.tagged++
		}
	} else if orphan {
		r.unresolved = true
	}
	if f := r.ts.remember(); len(f.standIns) < maxStandIns && !span.SpanID().IsEmpty() {
		f.standIns = append(f.standIns, newStandIn(r.svc.of(res), span, sid))
	}
	return false
}

// visitAll visits every span of td, all of them the trace's. It returns which stay held, one flag per span
// in traceiter.Spans order, or nil when none does.
func (r *resolution) visitAll(td ptrace.Traces, parents *lazyAncestry, c *counts) []bool {
	var keep []bool // per span in traceiter.Spans order, once one span stays held
	k := 0
	for res, span := range traceiter.Spans(td) {
		if r.visit(res, span, parents, c) {
			if keep == nil {
				keep = make([]bool, td.SpanCount())
			}
			keep[k] = true
		}
		k++
	}
	return keep
}

// settle records the outcome of a resolution whose forwarded spans are in out: held (the spans that stay
// held, or the zero Traces) becomes the trace's pending spans, and the trace's ancestry is kept for late
// spans once any of its spans was forwarded.
func (sp *sessionsProcessor) settle(r *resolution, held ptrace.Traces, now time.Time, c *counts) {
	ts := r.ts
	if r.unresolved {
		c.unresolved++
	}
	if r.kept > 0 {
		ts.pending, ts.waiting = held, true
		sp.held.postpone(ts, later(ts.since, sp.cfg.maxHold()))
		if r.kept == r.n {
			return // nothing forwarded: no ancestry to keep yet
		}
	} else {
		sp.held.release(ts)
		ts.pending, ts.waiting = ptrace.Traces{}, false
	}
	f := ts.remember()
	if f.elem != nil {
		sp.resolved.Remove(f.elem)
	}
	f.resolvedAt, f.elem = sp.at(now), sp.resolved.PushBack(ts)
}

// tentative tells, per session of t, whether its entry span is one only because its parent is missing and
// was not forwarded yet: its spans may still turn out to belong to an enclosing session.
func tentative(t derive.Trace, standIns []standIn) []bool {
	waiting := make([]bool, len(t.Sessions))
	var forwarded map[pcommon.SpanID]bool
	for i, s := range t.Sessions {
		if !s.ParentMissing {
			continue
		}
		if forwarded == nil {
			forwarded = make(map[pcommon.SpanID]bool, len(standIns))
			for _, si := range standIns {
				forwarded[si.id] = true
			}
		}
		waiting[i] = !forwarded[s.EntrySpanID]
	}
	return waiting
}

// adoptions maps sessions newly derived for late spans onto the sessions already forwarded: when a late
// entry span turns a forwarded entry span into a nested one, the late spans take the session the forwarded
// spans already carry, so that a request never gets two session ids. Only a forwarded span that started its
// own session counts: a forwarded span that merely sat in another session (under the CLIENT twin of a Zipkin
// shared span, say) keeps it, and the late entry span starts its own. Of several candidates the smallest id
// wins, whatever the arrival order.
func adoptions(t derive.Trace, trace pcommon.TraceID, standIns []standIn) map[uuid.UUID]uuid.UUID {
	var adopt map[uuid.UUID]uuid.UUID
	for _, s := range standIns {
		i, ok := sessionIndex(t, s.id, s.kind)
		if !ok || s.session == uuid.Nil || t.Sessions[i].ID == s.session || s.session != sessionid.Of(trace, s.id) {
			continue
		}
		if adopt == nil {
			adopt = make(map[uuid.UUID]uuid.UUID)
		}
		if cur, ok := adopt[t.Sessions[i].ID]; !ok || bytes.Compare(s.session[:], cur[:]) < 0 {
			adopt[t.Sessions[i].ID] = s.session
		}
	}
	return adopt
}

// sessionIndex returns the index in t.Sessions of the session of the span with this id and kind.
func sessionIndex(t derive.Trace, id pcommon.SpanID, kind ptrace.SpanKind) (int, bool) {
	return t.SessionOf(derive.SpanRef{ID: id, Kind: kind})
}

// ancestryKey names a span within the traces a resolution sees.
type ancestryKey struct {
	trace pcommon.TraceID
	span  pcommon.SpanID
}

// ancestryMap maps every span known to a resolution to its parent's id.
type ancestryMap map[ancestryKey]pcommon.SpanID

// lazyAncestry builds the ancestry map when the first span outside any session needs it.
type lazyAncestry struct {
	m     ancestryMap
	build func() ancestryMap
}

func (a *lazyAncestry) get() ancestryMap {
	if a.m == nil {
		a.m = a.build()
	}
	return a.m
}

// ancestry maps every span known for ts, forwarded or held, to its parent.
func ancestry(ts *traceState) ancestryMap {
	parents := make(ancestryMap, len(ts.standIns())+ts.pending.SpanCount())
	for _, s := range ts.standIns() {
		parents[ancestryKey{ts.id, s.id}] = s.parent
	}
	addAncestry(parents, ts.pending)
	return parents
}

// addAncestry adds every span of td to parents.
func addAncestry(parents ancestryMap, td ptrace.Traces) {
	for _, span := range traceiter.Spans(td) {
		parents[ancestryKey{span.TraceID(), span.SpanID()}] = span.ParentSpanID()
	}
}

// missingAncestor reports whether the walk up from parent, in the given trace, ends at a span that is not in
// the data, rather than at a root: the span may belong to a session whose entry span has not been seen.
func missingAncestor(parents ancestryMap, trace pcommon.TraceID, parent pcommon.SpanID) bool {
	for range len(parents) + 1 { // a cycle in bad data ends the walk
		if parent.IsEmpty() {
			return false
		}
		next, ok := parents[ancestryKey{trace, parent}]
		if !ok {
			return true
		}
		parent = next
	}
	return false
}

// serviceOf reads the service name of the resource of consecutive spans once per resource.
type serviceOf struct {
	res  pcommon.Resource
	name string
	read bool
}

func (s *serviceOf) of(res pcommon.Resource) string {
	if s.read && s.res == res {
		return s.name
	}
	s.res, s.name, s.read = res, "", true
	if v, ok := res.Attributes().Get(attrServiceName); ok {
		s.name = v.AsString()
	}
	return s.name
}

func newStandIn(svc string, span ptrace.Span, sid uuid.UUID) standIn {
	return standIn{
		id: span.SpanID(), parent: span.ParentSpanID(), start: span.StartTimestamp(), kind: span.Kind(),
		flags: span.Flags(), service: svc, session: sid,
	}
}

// standInTraces rebuilds the forwarded spans as far as the rules need them, one resource per service.
func standInTraces(id pcommon.TraceID, standIns []standIn) ptrace.Traces {
	td := ptrace.NewTraces()
	scopes := make(map[string]ptrace.SpanSlice)
	for _, s := range standIns {
		spans, ok := scopes[s.service]
		if !ok {
			rs := td.ResourceSpans().AppendEmpty()
			if s.service != "" {
				rs.Resource().Attributes().PutStr(attrServiceName, s.service)
			}
			spans = rs.ScopeSpans().AppendEmpty().Spans()
			scopes[s.service] = spans
		}
		span := spans.AppendEmpty()
		span.SetTraceID(id)
		span.SetSpanID(s.id)
		span.SetParentSpanID(s.parent)
		span.SetStartTimestamp(s.start)
		span.SetKind(s.kind)
		span.SetFlags(s.flags)
	}
	return td
}
