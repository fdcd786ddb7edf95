package harness

import "syscall"

// sysProcAttr makes the kernel kill the Collector if the test binary dies first, so that no process is left
// behind even when the tests are killed.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
