package model

import (
	"fmt"
	"math"
)

// DaysPerMonth is the length of the CLV month: 365.25/12 days.
const DaysPerMonth = 365.25 / 12

// CLVOptions sets the horizon, discounting, margin and time unit of CLV.
type CLVOptions struct {
	// Months is the horizon H in months (≥ 1).
	Months int
	// AnnualDiscountRate is d_year, e.g. 0.1 for 10% a year (≥ 0). The
	// monthly rate is d = (1 + d_year)^(1/12) − 1.
	AnnualDiscountRate float64
	// Margin is the fraction of spend that is profit, in [0, 1]; use 1 for
	// CLV in revenue.
	Margin float64
	// DaysPerUnit is the length of the data's time unit in days: 7 for data
	// in weeks (like CDNOW), 1 for days. It is required: lifetimes'
	// customer_lifetime_value has freq="D" as its default, so weekly data
	// fitted there is silently treated as daily and a "12-month" CLV covers
	// 52 weeks × 30 = 7 years; here the unit is never guessed.
	DaysPerUnit float64
}

// Validate reports options CLV cannot use.
func (o CLVOptions) Validate() error {
	switch {
	case o.Months < 1:
		return fmt.Errorf("CLV months = %d: must be ≥ 1", o.Months)
	case !(o.AnnualDiscountRate >= 0) || math.IsInf(o.AnnualDiscountRate, 0):
		return fmt.Errorf("CLV annual discount rate = %v: must be finite and ≥ 0", o.AnnualDiscountRate)
	case !(o.Margin >= 0 && o.Margin <= 1):
		return fmt.Errorf("CLV margin = %v: must lie in [0, 1]", o.Margin)
	case !(o.DaysPerUnit > 0) || math.IsInf(o.DaysPerUnit, 0):
		return fmt.Errorf("CLV days per unit = %v: must be > 0 (7 for weekly data, 1 for daily)", o.DaysPerUnit)
	}
	return nil
}

// MonthLength returns the CLV month in the data's time unit.
func (o CLVOptions) MonthLength() float64 { return DaysPerMonth / o.DaysPerUnit }

// MonthlyDiscountRate returns d = (1 + d_year)^(1/12) − 1.
func (o CLVOptions) MonthlyDiscountRate() float64 {
	return math.Expm1(math.Log1p(o.AnnualDiscountRate) / 12)
}

// CLV returns the customer lifetime value of a customer with history
// (x, tx, T) and expected spend per transaction spend, under a purchase
// model:
//
//	CLV = Σ_{k=1..H} (E[Y(k·m)] − E[Y((k−1)·m)]) · spend · margin / (1 + d)^k,
//
// where E[Y(t)] is m's conditional expected number of purchases in
// (T, T+t] given (x, tx, T), m = 365.25/12 days expressed in the data's time
// unit, H = o.Months and d the monthly discount rate derived from the annual
// one as (1 + d_year)^(1/12) − 1. Purchases in month k are discounted by a
// full month k (end-of-month convention, as in lifetimes).
//
// CLV panics if o is invalid (see CLVOptions.Validate), as gonum's
// distributions do for invalid parameters; call Validate on user input.
func CLV(m PurchaseModel, x, tx, T, spend float64, o CLVOptions) float64 {
	if err := o.Validate(); err != nil {
		panic(err)
	}
	month, disc := o.MonthLength(), o.MonthlyDiscountRate()
	f, ok := m.(aliveFactored)
	if !ok {
		prev, sum := 0.0, 0.0
		for k := 1; k <= o.Months; k++ {
			cur := m.ConditionalExpectedPurchases(float64(k)*month, x, tx, T)
			sum += (cur - prev) * math.Pow(1+disc, -float64(k))
			prev = cur
		}
		return sum * spend * o.Margin
	}
	return m.ProbabilityAlive(x, tx, T) * unitCLVIfAlive(f, x, T, month, disc, o.Months) * spend * o.Margin
}

// unitCLVIfAlive is Σ_k (h(k·m) − h((k−1)·m)) / (1+d)^k for a live
// customer, with h the factored expectation.
func unitCLVIfAlive(f aliveFactored, x, T, month, disc float64, months int) float64 {
	prev, sum := 0.0, 0.0
	df := 1.0
	for k := 1; k <= months; k++ {
		df /= 1 + disc
		cur := f.expectedIfAlive(float64(k)*month, x, T)
		sum += (cur - prev) * df
		prev = cur
	}
	return sum
}

// CLVRows returns CLV for every row, into dst (grown as needed): spend[i] is
// the expected spend per transaction of row i's customers (nil means 1,
// giving CLV per unit of spend). The horizon sum, which does not depend on
// the recency, is computed once per run of rows with equal (X, T) (adjacent
// after Compress); rows are processed in parallel with results written per
// index, so the output does not depend on the machine.
func CLVRows(m PurchaseModel, rows []RFT, spend []float64, o CLVOptions, dst []float64) ([]float64, error) {
	if err := o.Validate(); err != nil {
		return dst, err
	}
	if spend != nil && len(spend) != len(rows) {
		return dst, fmt.Errorf("CLV: %d spend values for %d rows", len(spend), len(rows))
	}
	dst = grow(dst, len(rows))
	month, disc := o.MonthLength(), o.MonthlyDiscountRate()
	f, ok := m.(aliveFactored)
	forChunks(len(rows), func(lo, hi int) {
		lastX, lastT, u := -1.0, -1.0, 0.0
		for i := lo; i < hi; i++ {
			r := rows[i]
			s := 1.0
			if spend != nil {
				s = spend[i]
			}
			if !ok {
				dst[i] = CLV(m, r.X, r.TX, r.T, s, o)
				continue
			}
			if r.X != lastX || r.T != lastT {
				lastX, lastT = r.X, r.T
				u = unitCLVIfAlive(f, r.X, r.T, month, disc, o.Months)
			}
			dst[i] = m.ProbabilityAlive(r.X, r.TX, r.T) * u * s * o.Margin
		}
	})
	return dst, nil
}
