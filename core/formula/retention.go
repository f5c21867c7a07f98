package formula

import "math"

// Formula IDs of the retention/discount family.
const (
	IDRetentionA         = "retention_a"
	IDRetentionB         = "retention_b"
	IDRetentionC         = "retention_c"
	IDRetentionTruncated = "retention_truncated"
)

// The three textbook infinite-horizon formulas differ only in timing, as Fader
// & Hardie explain in "Reconciling and Clarifying CLV Formulas"
// (http://brucehardie.com/notes/024/). With margin m per period, retention r
// and discount d per period, all constant:
//
//	(a) m·r/(1+d−r)      the first payment is not counted (the customer is
//	                     already acquired; value of the payments to come),
//	                     each paid at the end of its period
//	(b) m(1+d)/(1+d−r)   the first payment counts, paid now (start of period 0)
//	(c) m/(1+d−r)        the first payment counts, paid at the end of period 0
//
// so (b) = (c)·(1+d) and (a) = (c)·r: two calculators disagree by a factor of
// r or 1+d unless they say which variant they use.

// RetentionA returns variant (a), m·r/(1+d−r): the expected value of the
// payments still to come from an existing customer, each booked at the end of
// its period. Sources: Kotler & Keller; Capon; Lehmann & Winer; Farris et al.,
// Marketing Metrics. With r = 0.8 and d = 0.1 the multiplier r/(1+d−r) is
// 0.8/0.3 = 2.667.
//
// Special cases are:
//
//	r = 1 and d = 0                = ±Inf and an error wrapping ErrUnbounded
//	r outside [0, 1] or d < 0      = 0 and an *InputError naming the input
//	m < 0                          = a negative CLV, no error
func RetentionA(margin, retention, discount float64) (float64, error) {
	if err := checkRetention(IDRetentionA, margin, retention, discount); err != nil {
		return unboundedOr(err, margin)
	}
	return margin * retention / (1 + discount - retention), nil
}

// RetentionB returns variant (b), m(1+d)/(1+d−r): the first payment counts and
// every payment is booked at the start of its period, so it is also the limit
// of RetentionTruncated as the horizon grows. Sources: Blattberg et al.;
// Steenburgh & Avery, HBS note 511-029 "Marketing Analysis Toolkit:
// Customer Lifetime Value Analysis". Special cases are as for RetentionA.
func RetentionB(margin, retention, discount float64) (float64, error) {
	if err := checkRetention(IDRetentionB, margin, retention, discount); err != nil {
		return unboundedOr(err, margin)
	}
	return margin * (1 + discount) / (1 + discount - retention), nil
}

// RetentionC returns variant (c), m/(1+d−r): the first payment counts and
// every payment is booked at the end of its period. Sources: Ofek; Davis.
// Special cases are as for RetentionA.
func RetentionC(margin, retention, discount float64) (float64, error) {
	if err := checkRetention(IDRetentionC, margin, retention, discount); err != nil {
		return unboundedOr(err, margin)
	}
	return margin / (1 + discount - retention), nil
}

// RetentionTruncated returns the finite-horizon ("truncated") CLV over
// horizon periods, each payment at the start of its period:
//
//	Σ_{t=0..H−1} m·rᵗ/(1+d)ᵗ = m·(1 − qᴴ)/(1 − q),  q = r/(1+d)
//
// Fader & Hardie, "What's Wrong With This CLV Formula?" (2014), ask that it be
// called truncated CLV, not lifetime value; as H → ∞ it tends to RetentionB.
// It is computed in closed form, so any horizon costs the same.
//
// Special cases are:
//
//	H = 0                          = 0
//	r = 0                          = m (only the first payment, t = 0)
//	q = 1 (r = 1 and d = 0)        = m·H
//	H not a whole number ≥ 0       = 0 and an *InputError naming horizon
//	r outside [0, 1] or d < 0      = 0 and an *InputError naming the input
func RetentionTruncated(margin, retention, discount, horizon float64) (float64, error) {
	id := IDRetentionTruncated
	for _, c := range [...]struct {
		in Input
		v  float64
	}{{inMarginPerPeriod, margin}, {inRetention, retention}, {inDiscount, discount}, {inHorizon, horizon}} {
		if err := c.in.check(id, c.v); err != nil {
			return 0, err
		}
	}
	switch {
	case horizon == 0:
		return 0, nil
	case retention == 0:
		return margin, nil
	case retention == 1 && discount == 0:
		return margin * horizon, nil
	}
	// 1 − q = (1+d−r)/(1+d) without cancellation; qᴴ = exp(H·(log r − log1p d)).
	oneMinusQ := (1 + discount - retention) / (1 + discount)
	oneMinusQH := -math.Expm1(horizon * (math.Log(retention) - math.Log1p(discount)))
	return margin * oneMinusQH / oneMinusQ, nil
}

// checkRetention validates the inputs shared by variants (a)–(c) and flags the
// unbounded case r = 1 + d, which within the legal ranges means r = 1, d = 0.
func checkRetention(id string, margin, retention, discount float64) error {
	for _, c := range [...]struct {
		in Input
		v  float64
	}{{inMarginPerPeriod, margin}, {inRetention, retention}, {inDiscount, discount}} {
		if err := c.in.check(id, c.v); err != nil {
			return err
		}
	}
	if retention >= 1+discount {
		_, err := unbounded(id, "retention", retention, margin,
			"retention 1 with discount 0 means customers never leave and future cash is not discounted: the sum 1+d−r is 0")
		return err
	}
	return nil
}

// unboundedOr turns a checkRetention error into the documented return value:
// the flagged infinity for ErrUnbounded, 0 otherwise.
func unboundedOr(err error, numerator float64) (float64, error) {
	if ie, ok := err.(*InputError); ok && ie.Err == ErrUnbounded {
		switch {
		case numerator > 0:
			return math.Inf(1), err
		case numerator < 0:
			return math.Inf(-1), err
		}
	}
	return 0, err
}
