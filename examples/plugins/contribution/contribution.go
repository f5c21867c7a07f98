// Package contribution is an example formula plugin: an agency's
// contribution CLV, the predicted margin left after returns and the cost of
// serving each order. The same source builds as a WebAssembly module
// (cmd/wasm) and as a go-plugin binary (cmd/grpc).
package contribution

import (
	"fmt"

	"github.com/clvkit/clvkit/plugins"
)

// Formula computes, per customer, over the scoring horizon:
//
//	predicted_revenue = expected_purchases × expected_spend
//	contribution_clv  = predicted_revenue × (margin − return_rate)
//	                    − expected_purchases × cost_per_order
//
// Returns are refunded at full price, so they take their revenue share off
// the margin; the servicing cost (pick, pack, ship, support) is per order.
type Formula struct {
	margin, returnRate, costPerOrder float64
}

// Describe declares the inputs, outputs and parameters.
func (f *Formula) Describe() plugins.Description {
	return plugins.Description{
		Name:    "contribution",
		Version: "1.0.0",
		Kind:    plugins.KindFormula,
		Inputs:  []string{"expected_purchases", "expected_spend"},
		Outputs: []string{"predicted_revenue", "contribution_clv"},
		Params: []plugins.Param{
			{Name: "margin", Description: "gross margin as a fraction of revenue", Default: 0.3, Min: -1, Max: 1},
			{Name: "return_rate", Description: "share of revenue refunded as returns", Default: 0.08, Min: 0, Max: 1},
			{Name: "cost_per_order", Description: "servicing cost per order, in currency", Default: 2.5, Min: 0, Max: 1e6},
		},
	}
}

// Configure takes the parameters (defaults filled in by the host).
func (f *Formula) Configure(p plugins.Params) error {
	f.margin, f.returnRate, f.costPerOrder = p["margin"], p["return_rate"], p["cost_per_order"]
	if f.returnRate > 1 {
		return fmt.Errorf("return_rate %v: a share between 0 and 1", f.returnRate)
	}
	return nil
}

// Compute fills both output columns for a batch.
func (f *Formula) Compute(in, out [][]float64) error {
	purchases, spend := in[0], in[1]
	revenue, contribution := out[0], out[1]
	for i := range purchases {
		rev := float64(purchases[i] * spend[i])
		revenue[i] = rev
		contribution[i] = float64(rev*(f.margin-f.returnRate)) - float64(purchases[i]*f.costPerOrder)
	}
	return nil
}
