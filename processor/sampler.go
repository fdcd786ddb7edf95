package processor

import (
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// Sampler wraps base so that sessions count whether or not their traces are sampled. It decides as base
// does, except that a span base drops is recorded without being sampled (RecordOnly) when it would start a
// session or belong to one. Such spans reach the processor, which counts their sessions and errors, but
// not the exporters: the SDK's batch and simple span processors export only sampled spans, and the trace
// flags that propagate downstream still say "not sampled". A nil base is the SDK's default sampler,
// ParentBased(AlwaysSample()).
//
// Recording costs what sampling would, minus the export, for every request: the price of counting every
// session.
//
// Only spans that start or belong to a session are recorded: the errors of spans outside any session in a
// trace base drops (a scheduled job's INTERNAL root span without WithInternalRootEntries, a CLIENT call
// with no request around it) never reach the processor, so the errors outside sessions that the sink gets
// are those of sampled traces only.
//
// TODO(#3): record spans outside sessions too (RecordOnly) behind an option, so that errors outside
// sessions count whatever the sampling, at the price of recording every span.
func (p *Processor) Sampler(base sdktrace.Sampler) sdktrace.Sampler {
	if base == nil {
		base = sdktrace.ParentBased(sdktrace.AlwaysSample())
	}
	return sampler{p: p, base: base}
}

type sampler struct {
	p    *Processor
	base sdktrace.Sampler
}

// ShouldSample returns base's decision, turning Drop into RecordOnly for spans in sessions.
func (s sampler) ShouldSample(params sdktrace.SamplingParameters) sdktrace.SamplingResult {
	r := s.base.ShouldSample(params)
	if r.Decision != sdktrace.Drop || s.p.closed.Load() {
		return r
	}
	ss, entry := s.p.resolve(params.ParentContext, trace.SpanContextFromContext(params.ParentContext),
		params.Kind)
	if ss != nil || entry {
		r.Decision = sdktrace.RecordOnly
	}
	return r
}

// Description names the sampler and the one it wraps.
func (s sampler) Description() string {
	return "OTelSessions{" + s.base.Description() + "}"
}
