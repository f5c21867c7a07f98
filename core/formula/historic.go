package formula

import "math"

// IDHistoricPlusRemaining is the formula ID of the historic + remaining
// value heuristic.
const IDHistoricPlusRemaining = "historic_plus_remaining"

// HistoricPlusRemaining returns the value to date plus the discounted
// margin of the expected remaining tenure:
//
//	V + m × Σ_{t=1..R} 1/(1+d)ᵗ = V + m × (1 − (1+d)^−R) / d,
//	R = max(0, L − τ)
//
// with V the value already earned from the customer (revenue or margin so
// far, undiscounted), L the expected lifespan and τ the tenure so far, in
// periods, m the margin per period and d the discount rate per period.
// Each remaining period's margin is booked at its end, the first one
// period from now (the end-of-period convention of the model CLV). A
// fractional remainder R uses the annuity formula at that R (half a
// period left adds a little under m/2). With d = 0 the sum is m × R:
// Tresl's "total past sales + AOV × average orders × max(0, average
// tenure − current tenure)" with m = AOV × orders per period; Klaviyo's
// total CLV is historic plus predicted CLV in the same spirit.
//
// Special cases are:
//
//	τ ≥ L                                 = V (nothing remains)
//	d = 0                                 = V + m × R
//	m < 0 or V < 0                        = allowed, no error
//	τ, L or d negative, any non-finite    = 0 and an *InputError naming it
func HistoricPlusRemaining(valueToDate, tenure, lifespan, margin, discount float64) (float64, error) {
	id := IDHistoricPlusRemaining
	for _, c := range [...]struct {
		in Input
		v  float64
	}{{inValueToDate, valueToDate}, {inTenure, tenure}, {inExpectedLifespan, lifespan}, {inMarginPerPeriod, margin}, {inDiscount, discount}} {
		if err := c.in.check(id, c.v); err != nil {
			return 0, err
		}
	}
	return valueToDate + margin*remainingAnnuity(max(0, lifespan-tenure), discount), nil
}

// remainingAnnuity is Σ_{t=1..R} 1/(1+d)ᵗ = (1 − (1+d)^−R)/d, R for d = 0,
// computed without cancellation for small d.
func remainingAnnuity(r, d float64) float64 {
	if d == 0 || r == 0 {
		return r
	}
	return -math.Expm1(-r*math.Log1p(d)) / d
}
