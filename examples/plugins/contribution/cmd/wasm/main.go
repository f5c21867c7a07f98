//go:build wasip1

// Command wasm is the contribution formula as a WebAssembly plugin (a WASI
// reactor run by plugins/wasm, or by any host speaking plugins/ABI.md):
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o bin/plugins/contribution.wasm ./examples/plugins/contribution/cmd/wasm
package main

import (
	"github.com/clvkit/clvkit/examples/plugins/contribution"
	"github.com/clvkit/clvkit/plugins/guest"
)

func init() { guest.Formula(&contribution.Formula{}) }

// main is not called in a reactor (-buildmode=c-shared); the host calls the
// exports of plugins/guest after _initialize has run init.
func main() {}
