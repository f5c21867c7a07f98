//go:build unix

package summary

import (
	"syscall"
	"time"
)

// cpuTime is the process's user + system CPU time so far, for benchmarks
// on a shared machine, where wall time also counts other processes' turns.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
