// Command hang is a test plugin whose Compute never returns.
package main

import (
	"github.com/clvkit/clvkit/plugins"
	"github.com/clvkit/clvkit/plugins/grpc"
)

type hang struct{}

func (hang) Describe() plugins.Description {
	return plugins.Description{
		Name: "hang", Version: "0.0.1", Kind: plugins.KindFormula,
		Inputs: []string{"x"}, Outputs: []string{"y"},
	}
}

func (hang) Configure(plugins.Params) error { return nil }

func (hang) Compute(in, out [][]float64) error { select {} }

func main() { grpc.ServeFormula(hang{}) }
