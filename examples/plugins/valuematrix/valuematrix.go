// Package valuematrix is an example segmentation plugin: a value tier ×
// churn risk matrix from CLV and P(alive), the grid account managers plan
// retention budgets with. The same source builds as a WebAssembly module
// (cmd/wasm) and as a go-plugin binary (cmd/grpc).
package valuematrix

import (
	"fmt"

	"github.com/clvkit/clvkit/plugins"
)

// The labels, in the order Segment's indices point into.
var labels = []string{
	"High value, active", "High value, at risk",
	"Mid value, active", "Mid value, at risk",
	"Low value, active", "Low value, at risk",
}

// Segmentation puts each customer in one cell of the matrix: value tier by
// CLV thresholds, risk by P(alive) below a threshold.
type Segmentation struct {
	high, low, risk float64
}

// Describe declares the inputs, labels and parameters.
func (s *Segmentation) Describe() plugins.Description {
	return plugins.Description{
		Name:    "valuematrix",
		Version: "1.0.0",
		Kind:    plugins.KindSegmentation,
		Inputs:  []string{"clv", "p_alive"},
		Labels:  append([]string(nil), labels...),
		Params: []plugins.Param{
			{Name: "high_value", Description: "CLV at or above which a customer is high value", Default: 50, Min: 0, Max: 1e12},
			{Name: "low_value", Description: "CLV below which a customer is low value", Default: 5, Min: 0, Max: 1e12},
			{Name: "at_risk_below", Description: "P(alive) below which a customer is at risk", Default: 0.5, Min: 0, Max: 1},
		},
	}
}

// Configure takes the parameters (defaults filled in by the host).
func (s *Segmentation) Configure(p plugins.Params) error {
	s.high, s.low, s.risk = p["high_value"], p["low_value"], p["at_risk_below"]
	if s.low > s.high {
		return fmt.Errorf("low_value %v is above high_value %v", s.low, s.high)
	}
	return nil
}

// Segment labels a batch.
func (s *Segmentation) Segment(in [][]float64, out []int32) error {
	clv, alive := in[0], in[1]
	for i := range clv {
		tier := int32(1) // mid
		switch {
		case clv[i] >= s.high:
			tier = 0
		case clv[i] < s.low:
			tier = 2
		}
		risk := int32(0)
		if alive[i] < s.risk {
			risk = 1
		}
		out[i] = 2*tier + risk
	}
	return nil
}
