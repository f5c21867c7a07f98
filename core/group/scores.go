package group

import (
	"errors"
	"fmt"
	"math"

	"github.com/clvkit/clvkit/core/score"
	"github.com/clvkit/clvkit/core/summary"
	"github.com/clvkit/clvkit/internal/quote"
)

// FromScores builds Compute's customers from a scoring run: res's clv,
// p_alive, expected_purchases and expected_spend columns (the expected
// spend over the horizon is expected_purchases × expected_spend), the
// revenue to date of the summaries res was scored from, and values, each
// customer's attribute values by id (nBy of them; a customer not in values
// gets Unknown for every attribute). Costs are NaN (unknown). res needs the
// spend model (its clv column).
func FromScores(res *score.Result, summaries []summary.Customer, values map[string][]string, nBy int) ([]Customer, error) {
	cols := map[string][]float64{}
	for _, name := range []string{"clv", "p_alive", "expected_purchases", "expected_spend"} {
		c, ok := res.Column(name)
		if !ok || c.Floats == nil {
			if name == "clv" || name == "expected_spend" {
				return nil, errors.New("groups need CLV: the scoring ran without the spend model (no clv column)")
			}
			return nil, fmt.Errorf("groups: the scores have no %s column", name)
		}
		cols[name] = c.Floats
	}
	revenue := make(map[string]float64, len(summaries))
	for _, s := range summaries {
		revenue[s.ID] = s.Revenue
	}
	unknown := make([]string, nBy)
	for i := range unknown {
		unknown[i] = Unknown
	}
	out := make([]Customer, len(res.IDs))
	for i, id := range res.IDs {
		rev, ok := revenue[id]
		if !ok {
			return nil, fmt.Errorf("groups: customer %s is scored but has no summary", quote.Value(id))
		}
		v, ok := values[id]
		if !ok {
			v = unknown
		} else if len(v) != nBy {
			return nil, fmt.Errorf("groups: customer %s: %d attribute values, want %d", quote.Value(id), len(v), nBy)
		}
		e := cols["expected_purchases"][i]
		out[i] = Customer{
			ID: id, Values: v,
			CLV: cols["clv"][i], PAlive: cols["p_alive"][i], ExpectedPurchases: e,
			// float64() keeps the product from being fused on arm64.
			ExpectedSpend: float64(e * cols["expected_spend"][i]),
			Revenue:       rev, Cost: math.NaN(),
		}
	}
	return out, nil
}
