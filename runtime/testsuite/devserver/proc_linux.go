//go:build linux

package devserver

import "syscall"

// sysProcAttr makes the kernel kill the server if the test process dies
// (e.g. on a `go test -timeout` panic), so no orphaned servers linger.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
