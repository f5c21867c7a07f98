//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package atomicfile

import "os"

// umaskChild is not available without a umask.
func umaskChild(set *Set, target, mask string) int {
	os.Stderr.WriteString("no umask on this platform\n")
	return 1
}
