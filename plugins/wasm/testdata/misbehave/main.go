//go:build wasip1

// Command misbehave is a test plugin that does what a plugin should not, as
// chosen by its "mode" parameter; the tests of plugins/wasm load it.
package main

import (
	"errors"
	"math"
	"os"
	"time"

	"github.com/clvkit/clvkit/plugins"
	"github.com/clvkit/clvkit/plugins/guest"
)

// The modes.
const (
	double   = iota // out[0] = 2*in[0], out[1] = 0: behaves
	crash           // panics
	hang            // loops forever
	hog             // allocates until the memory runs out
	nan             // returns NaN
	readFile        // out[0] = size of /data/secret.txt
	clock           // out[0] = time.Now() in Unix seconds, out[1] its nanoseconds
	fail            // returns an error
	skip            // writes nothing
)

type misbehave struct{ mode int }

func (m *misbehave) Describe() plugins.Description {
	return plugins.Description{
		Name: "misbehave", Version: "0.0.1", Kind: plugins.KindFormula,
		Inputs:  []string{"x"},
		Outputs: []string{"a", "b"},
		Params:  []plugins.Param{{Name: "mode", Description: "what to do wrong", Min: 0, Max: 100}},
	}
}

func (m *misbehave) Configure(p plugins.Params) error {
	m.mode = int(p["mode"])
	return nil
}

var hoard [][]byte

func (m *misbehave) Compute(in, out [][]float64) error {
	switch m.mode {
	case crash:
		var s []int
		_ = s[len(in[0])] // index out of range: a runtime panic
	case hang:
		for {
		}
	case hog:
		for {
			hoard = append(hoard, make([]byte, 1<<20))
		}
	case nan:
		for i := range out[0] {
			out[0][i], out[1][i] = math.NaN(), 0
		}
	case readFile:
		b, err := os.ReadFile("/data/secret.txt")
		if err != nil {
			return err
		}
		for i := range out[0] {
			out[0][i], out[1][i] = float64(len(b)), 0
		}
	case clock:
		now := time.Now()
		for i := range out[0] {
			out[0][i], out[1][i] = float64(now.Unix()), float64(now.Nanosecond())
		}
	case fail:
		return errors.New("the customer table is upside down")
	case skip:
	default:
		for i, x := range in[0] {
			out[0][i], out[1][i] = 2*x, 0
		}
	}
	return nil
}

func init() { guest.Formula(&misbehave{}) }

func main() {}
