//go:build wasip1

// Command wasm is the value-matrix segmentation as a WebAssembly plugin (a
// WASI reactor run by plugins/wasm, or by any host speaking plugins/ABI.md):
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o bin/plugins/valuematrix.wasm ./examples/plugins/valuematrix/cmd/wasm
package main

import (
	"github.com/clvkit/clvkit/examples/plugins/valuematrix"
	"github.com/clvkit/clvkit/plugins/guest"
)

func init() { guest.Segmentation(&valuematrix.Segmentation{}) }

// main is not called in a reactor (-buildmode=c-shared); the host calls the
// exports of plugins/guest after _initialize has run init.
func main() {}
