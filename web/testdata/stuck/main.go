//go:build wasip1

// Command stuck is a test plugin for the page's browser tests: a formula
// plugin over the page's clv column that misbehaves as its "mode" parameter
// says (like plugins/wasm/testdata/misbehave, whose input "x" is not a
// scored column). web/plugins_test.go builds it with
// GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared.
package main

import (
	"math"

	"github.com/clvkit/clvkit/plugins"
	"github.com/clvkit/clvkit/plugins/guest"
)

// The modes.
const (
	double = iota // stuck_double = 2*clv: behaves
	hang          // loops forever
	nan           // returns NaN
	crash         // panics
)

type stuck struct{ mode int }

func (s *stuck) Describe() plugins.Description {
	return plugins.Description{
		Name: "stuck", Version: "0.0.1", Kind: plugins.KindFormula,
		Inputs:  []string{"clv"},
		Outputs: []string{"stuck_double"},
		Params:  []plugins.Param{{Name: "mode", Description: "0 behave, 1 hang, 2 NaN, 3 panic", Min: 0, Max: 3}},
	}
}

func (s *stuck) Configure(p plugins.Params) error {
	s.mode = int(p["mode"])
	return nil
}

func (s *stuck) Compute(in, out [][]float64) error {
	switch s.mode {
	case hang:
		for {
		}
	case nan:
		for i := range out[0] {
			out[0][i] = math.NaN()
		}
	case crash:
		panic("the customer table is upside down")
	default:
		for i, x := range in[0] {
			out[0][i] = 2 * x
		}
	}
	return nil
}

func init() { guest.Formula(&stuck{}) }

func main() {}
