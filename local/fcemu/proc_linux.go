package fcemu

import "syscall"

// procAttr puts the function in its own process group (killed as a whole)
// and has the kernel kill it if the emulating process dies first.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
