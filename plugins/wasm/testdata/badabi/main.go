//go:build wasip1

// Command badabi is a test module that answers ABI version 2.
package main

//go:wasmexport clv_abi_version
func abiVersion() int32 { return 2 }

func main() {}
