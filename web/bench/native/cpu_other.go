//go:build !linux

package main

import "math"

// cpuMs is not measured on this system: NaN.
func cpuMs() float64 { return math.NaN() }
