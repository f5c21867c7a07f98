// Command crash is a test plugin that fails mid-call: with mode 0 the
// process exits with status 3 on its second Compute call; with mode 1 the
// second call panics (the Serve helper turns that into an error).
package main

import (
	"fmt"
	"os"

	"github.com/clvkit/clvkit/plugins"
	"github.com/clvkit/clvkit/plugins/grpc"
)

type crash struct {
	mode  float64
	calls int
}

func (c *crash) Describe() plugins.Description {
	return plugins.Description{
		Name: "crash", Version: "0.0.1", Kind: plugins.KindFormula,
		Inputs: []string{"x"}, Outputs: []string{"y"},
		Params: []plugins.Param{{Name: "mode", Description: "0 exit, 1 panic", Default: 0, Min: 0, Max: 1}},
	}
}

func (c *crash) Configure(p plugins.Params) error { c.mode = p["mode"]; return nil }

func (c *crash) Compute(in, out [][]float64) error {
	c.calls++
	if c.calls == 2 {
		if c.mode == 1 {
			var m map[string]int
			m["boom"]++ // assignment to entry in nil map
		}
		fmt.Fprintln(os.Stderr, "crash: exiting with status 3 mid-call")
		os.Exit(3)
	}
	copy(out[0], in[0])
	return nil
}

func main() { grpc.ServeFormula(&crash{}) }
