//go:build unix

package main

import "syscall"

// cpuMs returns the CPU time (user + system) this process has used, in
// milliseconds, every thread included.
func cpuMs() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e6
}
