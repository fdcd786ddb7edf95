//go:build unix

package bench

import (
	"syscall"
	"testing"
	"time"
)

// cpuTime returns the CPU time the process has used so far in all its threads: the benchmark's goroutine,
// the garbage collector's workers, and background goroutines such as the SDK's batcher and bugsnag-go's
// session tracker. Unlike the wall time, it hardly changes when other processes load the machine.
func cpuTime(b *testing.B) time.Duration {
	b.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatalf("getrusage: %v", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
