package processor

import (
	"reflect"
	"runtime"
	"strings"
)

// maxStack bounds the stack trace RecordPanic records.
const maxStack = 64 << 10

// recordPanicFunc is the name of RecordPanic in stack traces, after which a stack trace taken outside a
// panic starts.
var recordPanicFunc = reflect.TypeFor[Processor]().PkgPath() + ".RecordPanic"

// stack returns the calling goroutine's stack, which during a deferred recover still holds the frames that
// panicked, starting at the panic site (see trimStack).
func stack() string {
	for n := 4 << 10; ; n *= 2 {
		buf := make([]byte, n)
		if m := runtime.Stack(buf, false); m < n || n >= maxStack {
			return trimStack(string(buf[:m]))
		}
	}
}

// trimStack makes a stack trace in runtime.Stack's format start at the panic site, so that error trackers
// that group errors by their top frame (Bugsnag does) tell panics apart. It keeps the goroutine header and
// drops the frames above the site: the recording code (this package, the deferred function that recovered)
// and the runtime's panic machinery, that is every frame up to and including the first "panic(" (or
// runtime.gopanic) frame, then the runtime frames right below it (runtime.sigpanic, runtime.panicmem and
// the like, shown with GOTRACEBACK=system). Outside a panic (RecordPanic called with a value not recovered
// in a deferred function) it drops the frames up to and including RecordPanic. A trace it cannot read is
// returned unchanged.
func trimStack(st string) string {
	header, body, ok := strings.Cut(st, "\n")
	if !ok || !strings.HasPrefix(header, "goroutine ") {
		return st
	}
	lines := strings.SplitAfter(body, "\n")
	start := -1
	for i, l := range lines {
		if strings.HasPrefix(l, "panic(") || strings.HasPrefix(l, "runtime.gopanic(") {
			start = skipFrame(lines, i)
			for start < len(lines) && strings.HasPrefix(lines[start], "runtime.") {
				start = skipFrame(lines, start)
			}
			break
		}
	}
	if start < 0 {
		for i, l := range lines {
			if strings.HasPrefix(l, recordPanicFunc+"(") {
				start = skipFrame(lines, i)
				break
			}
		}
	}
	if start < 0 {
		return st
	}
	return header + "\n" + strings.Join(lines[start:], "")
}

// skipFrame returns the index of the line after the frame whose function line is lines[i]: the function
// line and the indented file lines that follow it.
func skipFrame(lines []string, i int) int {
	i++
	for i < len(lines) && strings.HasPrefix(lines[i], "\t") {
		i++
	}
	return i
}
