package sessionsprocessor

import (
	"bytes"
	"slices"
	"time"

	"github.com/google/uuid"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/otelsessions/otelsessions/internal/derive"
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
// (without OTLP's flags, a nested SERVER span looks so until the request's entry span comes).
func (sp *sessionsProcessor) resolveInto(ts *traceState, now time.Time, out ptrace.Traces, c *counts, final bool) {
	eng := sp.engines.Get()
	defer sp.engines.Put(eng)
	if len(ts.standIns) > 0 {
		eng.Add(standInTraces(ts.id, ts.standIns))
	}
	eng.Add(ts.pending)
	t, _ := eng.Resolve(ts.id)
	adopt := adoptions(t, ts.id, ts.standIns)
	var parents map[pcommon.SpanID]pcommon.SpanID // made for the first span outside any session
	var waiting []bool                            // per session: its spans wait for the entry span's parent
	if !final {
		waiting = tentative(t, ts.standIns)
	}
	ids := make([]string, len(t.Sessions)) // each session's session.id, formatted once
	var keep []bool                        // per span in forEachSpan order, once one span stays held
	n, kept, unresolved := 0, 0, false
	ts.standIns = slices.Grow(ts.standIns, min(ts.pending.SpanCount(), maxStandIns-len(ts.standIns)))
	var svc serviceOf
	forEachSpan(ts.pending, func(res pcommon.Resource, span ptrace.Span) {
		defer func() { n++ }()
		sid := uuid.Nil
		i, inSession := sessionIndex(t, span.SpanID(), span.Kind())
		// Outside any session below a missing ancestor; once one such span is found in a final resolution,
		// the others need no walk.
		orphan := false
		if !inSession && (!final || !unresolved) {
			if parents == nil {
				parents = ancestry(ts)
			}
			orphan = missingAncestor(parents, span.ParentSpanID())
		}
		if !final && (orphan || (inSession && waiting[i])) {
			if keep == nil {
				keep = make([]bool, ts.pending.SpanCount())
			}
			keep[n] = true
			kept++
			return
		}
		if inSession {
			sid = t.Sessions[i].ID
			if a, ok := adopt[sid]; ok {
				sid = a
			}
			if _, has := span.Attributes().Get(AttrSessionID); !has {
				if ids[i] == "" {
					ids[i] = sid.String()
				}
				span.Attributes().PutStr(AttrSessionID, ids[i])
				c.tagged++
			}
		} else if orphan {
			unresolved = true
		}
		if len(ts.standIns) < maxStandIns {
			ts.standIns = append(ts.standIns, newStandIn(svc.of(res), span, sid))
		}
	})
	if unresolved {
		c.unresolved++
	}
	if kept > 0 {
		held := extract(ts.pending, keep)
		ts.pending.ResourceSpans().MoveAndAppendTo(out.ResourceSpans())
		ts.pending, ts.waiting = held, true
		sp.held.postpone(ts, ts.since.Add(sp.cfg.maxHold()))
		if kept == n {
			return // nothing forwarded: no ancestry to keep yet
		}
	} else {
		ts.pending.ResourceSpans().MoveAndAppendTo(out.ResourceSpans())
		sp.held.release(ts)
		ts.pending, ts.waiting = ptrace.Traces{}, false
	}
	if ts.resolvedElem != nil {
		sp.resolved.Remove(ts.resolvedElem)
	}
	ts.resolvedAt, ts.resolvedElem = now, sp.resolved.PushBack(ts)
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
		if !ok || s.session == uuid.Nil || t.Sessions[i].ID == s.session || s.session != derive.SessionID(trace, s.id) {
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

// ancestry maps the id of every span known for ts to its parent id.
func ancestry(ts *traceState) map[pcommon.SpanID]pcommon.SpanID {
	parents := make(map[pcommon.SpanID]pcommon.SpanID, len(ts.standIns)+ts.pending.SpanCount())
	for _, s := range ts.standIns {
		parents[s.id] = s.parent
	}
	forEachSpan(ts.pending, func(_ pcommon.Resource, span ptrace.Span) {
		parents[span.SpanID()] = span.ParentSpanID()
	})
	return parents
}

// missingAncestor reports whether the walk up from parent ends at a span that is not in the data, rather
// than at a root: the span may belong to a session whose entry span has not been seen.
func missingAncestor(parents map[pcommon.SpanID]pcommon.SpanID, parent pcommon.SpanID) bool {
	for range len(parents) + 1 { // a cycle in bad data ends the walk
		if parent.IsEmpty() {
			return false
		}
		next, ok := parents[parent]
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

func forEachSpan(td ptrace.Traces, fn func(pcommon.Resource, ptrace.Span)) {
	rss := td.ResourceSpans()
	for i := range rss.Len() {
		rs := rss.At(i)
		sss := rs.ScopeSpans()
		for j := range sss.Len() {
			spans := sss.At(j).Spans()
			for k := range spans.Len() {
				fn(rs.Resource(), spans.At(k))
			}
		}
	}
}
