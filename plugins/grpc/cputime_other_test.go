//go:build !linux

package grpc_test

import "time"

func selfCPU() time.Duration        { return 0 }
func procCPU(pid int) time.Duration { return 0 }
