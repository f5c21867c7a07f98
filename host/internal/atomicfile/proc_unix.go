//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package atomicfile

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
)

// processAlive reports whether a process with the given id exists. A
// process of another user (EPERM) counts as alive: only ESRCH proves it is
// gone.
func processAlive(pid int) bool {
	if pid <= 0 {
		return true
	}
	err := syscall.Kill(pid, 0)
	return !errors.Is(err, syscall.ESRCH)
}

// keepOwner gives f the owner and group of the file it replaces, as far as
// the process may (root can; others keep their own, which chown would
// refuse anyway). Failures are ignored: ownership is best effort.
func keepOwner(f *os.File, old fs.FileInfo) {
	st, ok := old.Sys().(*syscall.Stat_t)
	if !ok {
		return
	}
	if int(st.Uid) == os.Geteuid() && int(st.Gid) == os.Getegid() {
		return
	}
	f.Chown(int(st.Uid), int(st.Gid))
}

// isLockBusy reports whether a non-blocking flock failed because another
// process holds the lock.
func isLockBusy(err error) bool {
	return errors.Is(err, syscall.EWOULDBLOCK) || errors.Is(err, syscall.EAGAIN)
}

// tryLock takes an exclusive advisory lock on f without waiting.
func tryLock(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}

// locksSupported is true where tryLock really locks.
const locksSupported = true
