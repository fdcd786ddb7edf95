//go:build !unix

package bench

import (
	"testing"
	"time"
)

// cpuTime returns 0 where getrusage is missing: reportCPU then reports nothing.
func cpuTime(b *testing.B) time.Duration {
	b.Helper()
	return 0
}
