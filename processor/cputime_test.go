//go:build unix

package processor

import (
	"syscall"
	"testing"
	"time"
)

// cpuTime returns the CPU time the process has used, in every thread: the benchmark's goroutine and the
// garbage collector's workers alike.
func cpuTime(tb testing.TB) time.Duration {
	tb.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatalf("getrusage: %v", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
