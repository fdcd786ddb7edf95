// Package demo runs `otelsessions demo`: an in-process net/http service instrumented with otelhttp and the
// session processor, driven by a built-in load generator with a planned share of handled errors and
// panics, printing per-minute session summaries and stability as they are flushed.
package demo
