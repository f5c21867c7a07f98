//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package atomicfile

import (
	"os"
	"strconv"
	"syscall"
)

// umaskChild sets the process umask to the octal mask, writes target once
// through set and commits it. It runs in a child process so the umask of
// the test process is never changed.
func umaskChild(set *Set, target, mask string) int {
	m, err := strconv.ParseUint(mask, 8, 32)
	if err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		return 1
	}
	syscall.Umask(int(m))
	f, err := set.Create(target, 0)
	if err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		return 1
	}
	defer set.Cleanup()
	f.Write([]byte("scored customers\n"))
	// The data must never be more readable while being written than the
	// committed file will be: report the temporary file's mode.
	st, err := os.Stat(f.TempName())
	if err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		return 1
	}
	os.Stdout.WriteString(strconv.FormatUint(uint64(st.Mode().Perm()), 8) + "\n")
	if err := f.Commit(); err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		return 1
	}
	return 0
}
