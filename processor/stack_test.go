package processor

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/trace"
)

const thisPackage = "github.com/otelsessions/otelsessions/processor."

// priceOrder is a handler that panics in a named function, the panic site the stack trace must start at.
func priceOrder(http.ResponseWriter, *http.Request) {
	panic("pricing rule missing")
}

// frames returns the goroutine header and the function lines of a stack trace, without their arguments.
func frames(t *testing.T, st string) (header string, funcs []string) {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(st), "\n")
	require.NotEmpty(t, lines)
	for _, l := range lines[1:] {
		if !strings.HasPrefix(l, "\t") {
			name, _, _ := strings.Cut(l, "(")
			funcs = append(funcs, name)
		}
	}
	return lines[0], funcs
}

// TestPanicStackStartsAtPanicSite checks that the stack trace of a panic recorded by PanicHandler starts,
// after the goroutine header, at the function that panicked, without the frames of the recording code and
// of the runtime's panic machinery: error trackers group errors by their top frame.
func TestPanicStackStartsAtPanicSite(t *testing.T) {
	h := newHarness(t)
	handler := otelhttp.NewHandler(PanicHandler(http.HandlerFunc(priceOrder)), "server",
		otelhttp.WithTracerProvider(h.tp))
	assert.Equal(t, "pricing rule missing", serve(handler))

	evs := h.sink.errors()
	require.Len(t, evs, 1)
	header, funcs := frames(t, evs[0].Stacktrace)
	assert.Regexp(t, `^goroutine \d+ \[running\]:$`, header)
	require.NotEmpty(t, funcs)
	assert.Equal(t, thisPackage+"priceOrder", funcs[0])
	recording := []string{"panic", "runtime.gopanic", thisPackage + "RecordPanic", thisPackage + "stack"}
	for _, f := range funcs {
		assert.NotContains(t, recording, f)
	}
}

// TestRecordPanicOutsidePanicStartsAtCaller checks that RecordPanic called outside a deferred recover
// records a stack trace that starts at its caller.
func TestRecordPanicOutsidePanicStartsAtCaller(t *testing.T) {
	h := newHarness(t)
	ctx, span := h.tracer.Start(t.Context(), "job", trace.WithSpanKind(trace.SpanKindServer))
	RecordPanic(ctx, "not from a panic")
	span.End()

	evs := h.sink.errors()
	require.Len(t, evs, 1)
	_, funcs := frames(t, evs[0].Stacktrace)
	require.NotEmpty(t, funcs)
	assert.Equal(t, thisPackage+"TestRecordPanicOutsidePanicStartsAtCaller", funcs[0])
}

func TestTrimStack(t *testing.T) {
	const system = "goroutine 7 [running]:\n" +
		"runtime/debug.Stack()\n\t/go/src/runtime/debug/stack.go:26 +0x5e\n" +
		"example.com/app.recoverer()\n\t/app/main.go:11 +0x45\n" +
		"runtime.gopanic({0x4ae460?, 0x57e270?})\n\t/go/src/runtime/panic.go:860 +0x13a\n" +
		"runtime.panicmem(...)\n\t/go/src/runtime/panic.go:262\n" +
		"runtime.sigpanic()\n\t/go/src/runtime/signal_unix.go:925 +0x359\n" +
		"example.com/app.deref(...)\n\t/app/main.go:22\n" +
		"main.main()\n\t/app/main.go:27 +0x14\n"
	assert.Equal(t, "goroutine 7 [running]:\n"+
		"example.com/app.deref(...)\n\t/app/main.go:22\n"+
		"main.main()\n\t/app/main.go:27 +0x14\n", trimStack(system))

	for name, st := range map[string]string{
		"no header":      "example.com/app.f()\n\t/app/main.go:1\n",
		"no panic frame": "goroutine 1 [running]:\nexample.com/app.f()\n\t/app/main.go:1\n",
		"empty":          "",
	} {
		assert.Equal(t, st, trimStack(st), name)
	}
}
