//go:build !linux

package harness

import "syscall"

// sysProcAttr returns nil: only Linux can tie the Collector's life to the test binary's.
func sysProcAttr() *syscall.SysProcAttr { return nil }
