//go:build !(js && wasm)

// Command wasm is clvkit's core for the browser; it only does something
// when built with GOOS=js GOARCH=wasm (see README.md).
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "wasm: build with GOOS=js GOARCH=wasm go build -o clv.wasm ./wasm (see wasm/README.md)")
	os.Exit(2)
}
