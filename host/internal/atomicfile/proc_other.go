//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package atomicfile

import (
	"io/fs"
	"os"
)

// processAlive cannot tell on this platform, so every process counts as
// alive and no temporary file is ever removed as stale.
func processAlive(pid int) bool { return true }

// keepOwner does nothing on this platform.
func keepOwner(f *os.File, old fs.FileInfo) {}

// isLockBusy never reports a busy lock: locking is not supported here.
func isLockBusy(err error) bool { return false }

// tryLock does not lock on this platform (see the package doc).
func tryLock(f *os.File) error { return nil }

// locksSupported is false: output locks are not taken on this platform.
const locksSupported = false
