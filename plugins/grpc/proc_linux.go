//go:build linux

package grpc

import (
	"os/exec"
	"syscall"
)

// tieToParent has the kernel send the plugin SIGKILL when the host dies,
// even by SIGKILL. Pdeathsig follows the host thread that started the
// process; Go keeps its threads alive unless a goroutine locked to one
// with runtime.LockOSThread exits, so do not Load from such a goroutine.
func tieToParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
