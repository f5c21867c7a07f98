package score

import (
	"fmt"
	"math"

	"github.com/clvkit/clvkit/core/model"
)

// discrete adapts the BG/BB model, whose time is counted in whole purchase
// opportunities, to the continuous-time PurchaseModel interface: each time
// unit is one opportunity and times are rounded down to whole units.
type discrete struct{ m model.BGBB }

func whole(t float64) int { return int(math.Floor(t + 1e-9)) }

func (d discrete) ExpectedPurchases(t float64) float64 { return d.m.ExpectedPurchases(whole(t)) }

func (d discrete) ConditionalExpectedPurchases(t, x, tx, T float64) float64 {
	return d.m.ConditionalExpectedPurchases(whole(t), whole(x), whole(tx), whole(T))
}

func (d discrete) ProbabilityAlive(x, tx, T float64) float64 {
	return d.m.ProbabilityAlive(whole(x), whole(tx), whole(T))
}

func (d discrete) ProbabilityPurchases(n int, t float64) float64 {
	return d.m.ProbabilityPurchases(n, whole(t))
}

func (d discrete) LogLikelihood(rows []model.RFT) float64 {
	return d.m.LogLikelihood(bgbbRows(rows))
}

func bgbbRows(rows []model.RFT) []model.BGBBRow {
	out := make([]model.BGBBRow, len(rows))
	for i, r := range rows {
		out[i] = model.BGBBRow{X: r.X, TX: r.TX, N: r.T, Weight: r.Weight}
	}
	return out
}

// checkWhole returns an error when a row's recency or T is not a whole
// number of time units, as BG/BB needs.
func checkWhole(rows []model.RFT) error {
	for _, r := range rows {
		if r.TX != math.Trunc(r.TX) || r.T != math.Trunc(r.T) {
			return fmt.Errorf("BG/BB counts whole purchase opportunities, but a customer has recency %v and T %v: set the time grain equal to the unit (for example grain = \"month\", unit = \"month\")", r.TX, r.T)
		}
	}
	return nil
}

func fitBGBB(rows []model.RFT, o Options) (model.PurchaseModel, model.Fit, error) {
	if err := checkWhole(rows); err != nil {
		return nil, model.Fit{}, err
	}
	m, f, err := model.FitBGBB(bgbbRows(rows), o.Fit)
	if err != nil {
		return nil, f, fmt.Errorf("fit BG/BB: %w", err)
	}
	return discrete{m}, f, nil
}

// FitPurchase fits the purchase model named name (BGNBD, ParetoNBD, MBGNBD
// or BGBB) to rows exactly as Score does, so that a model fitted here (by
// core/compare, say) predicts what Score's would. A BG/BB model comes back
// as Score uses it: each time unit one purchase opportunity, times rounded
// down to whole units (see AsBGBB).
func FitPurchase(name string, rows []model.RFT, opt model.FitOptions) (model.PurchaseModel, model.Fit, error) {
	return fitPurchase(rows, Options{Purchase: name, Fit: opt})
}

// AsBGBB returns the BG/BB model behind a purchase model FitPurchase or
// Score fitted with BGBB, and whether m is one.
func AsBGBB(m model.PurchaseModel) (model.BGBB, bool) {
	d, ok := m.(discrete)
	return d.m, ok
}
