//go:build wasip1

// Command importer is a test module that imports a host function beyond
// WASI, which the ABI does not allow.
package main

import "github.com/clvkit/clvkit/plugins/guest"

//go:wasmimport env socket
func socket() int32

//go:wasmexport open_socket
func openSocket() int32 { return socket() }

func init() { _ = guest.ABIVersion }

func main() {}
