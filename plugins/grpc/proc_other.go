//go:build !linux

package grpc

import "os/exec"

// tieToParent does nothing outside Linux: the plugin's parent watchdog
// (in ServeFormula and ServeSegmentation) ends it when the host dies.
func tieToParent(*exec.Cmd) {}
