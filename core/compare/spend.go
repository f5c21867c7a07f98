package compare

import (
	"math"

	"github.com/clvkit/clvkit/core/model"
	"github.com/clvkit/clvkit/core/summary"
)

// checkSpend fits Gamma-Gamma on the calibration spend (frequency and
// mean repeat spend) and compares its expected spend per purchase with the
// holdout spend of the customers who bought in the holdout.
func checkSpend(customers []summary.Customer, fit model.FitOptions) *SpendCheck {
	rows := make([]model.SpendRow, len(customers))
	for i, c := range customers {
		rows[i] = model.SpendRow{Frequency: float64(c.Frequency), MeanSpend: c.Monetary, Weight: 1}
	}
	g, f, err := model.FitGammaGamma(rows, fit)
	if err != nil {
		return &SpendCheck{Err: "fit Gamma-Gamma: " + err.Error()}
	}
	sc := &SpendCheck{P: g.P, Q: g.Q, V: g.V, LogLikelihood: f.LogLikelihood}
	pop, err := g.MeanSpend()
	if err != nil {
		return &SpendCheck{Err: "Gamma-Gamma: " + err.Error()}
	}
	var absSum float64
	for _, c := range customers {
		if c.FrequencyHoldout == 0 {
			continue
		}
		pred := pop
		if c.Frequency > 0 && c.Monetary > 0 {
			if pred, err = g.ConditionalExpectedSpend(float64(c.Frequency), c.Monetary); err != nil {
				return &SpendCheck{Err: "Gamma-Gamma: " + err.Error()}
			}
		}
		sc.Customers++
		sc.Predicted += pred
		sc.Actual += c.MonetaryHoldout
		absSum += math.Abs(pred - c.MonetaryHoldout)
	}
	if sc.Customers > 0 {
		n := float64(sc.Customers)
		sc.Predicted /= n
		sc.Actual /= n
		sc.MAE = absSum / n
		if sc.Actual != 0 {
			sc.ErrorPercent = 100 * (sc.Predicted - sc.Actual) / sc.Actual
		}
	}
	return sc
}
