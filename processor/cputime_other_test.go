//go:build !unix

package processor

import (
	"testing"
	"time"
)

// cpuTime returns 0 where the process's CPU time is not known: the cpu-ns/op metric then reads 0.
func cpuTime(testing.TB) time.Duration { return 0 }
