package model

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// BGNBD is the beta-geometric/negative-binomial distribution model of
// repeat buying (Fader, Hardie & Lee 2005, "Counting your customers the easy
// way: an alternative to the Pareto/NBD model", Marketing Science 24(2)).
//
// While active, a customer buys at Poisson rate λ ~ Gamma(R, Alpha) (shape R,
// rate Alpha, so Alpha is in the data's time unit); after each repeat purchase
// the customer drops out for good with probability p ~ Beta(A, B).
type BGNBD struct {
	R, Alpha float64 // purchase-rate heterogeneity (shape, rate)
	A, B     float64 // dropout-probability heterogeneity
}

// bgnbdNames are the parameter names in lifetimes' spelling.
var bgnbdNames = []string{"r", "alpha", "a", "b"}

// FitBGNBD fits a BG/NBD model to rows by maximum likelihood.
//
// Rows are validated (see ValidateRFT); data that cannot identify the model
// (no rows, fewer than two customers, no repeat buyer, a single distinct
// history) is refused before optimising. The default start is r = 1,
// alpha = mean T / mean x, a = b = 1. The fit uses the analytic gradient and
// is deterministic: the same rows give the same parameters bit for bit.
// Compress the rows first for speed; the result does not depend on it
// beyond rounding.
func FitBGNBD(rows []RFT, opt FitOptions) (BGNBD, Fit, error) {
	fit, err := fitBetaGeo("BG/NBD", rows, opt, false)
	m := BGNBD{}
	if len(fit.Params) == 4 {
		m = BGNBD{R: fit.Params[0], Alpha: fit.Params[1], A: fit.Params[2], B: fit.Params[3]}
	}
	return m, fit, err
}

// LogLikelihood returns the total log-likelihood of rows (weights applied),
// FHL 2005 eq. 6, computed in log space.
func (m BGNBD) LogLikelihood(rows []RFT) float64 {
	return sumRows(len(rows), func(lo, hi int) float64 {
		s := 0.0
		for _, r := range rows[lo:hi] {
			s += r.Weight * m.logLik(r.X, r.TX, r.T)
		}
		return s
	})
}

// logLik is one customer's log-likelihood:
//
//	L = B(a, b+x)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+T)^(r+x))
//	  + [x > 0] B(a+1, b+x−1)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+t_x)^(r+x)).
func (m BGNBD) logLik(x, tx, T float64) float64 {
	r, al, a, b := m.R, m.Alpha, m.A, m.B
	head := lgamma(r+x) - lgamma(r) + r*math.Log(al) - mathext.Lbeta(a, b)
	l1 := mathext.Lbeta(a, b+x) - (r+x)*math.Log(al+T)
	if x == 0 {
		return head + l1
	}
	l2 := mathext.Lbeta(a+1, b+x-1) - (r+x)*math.Log(al+tx)
	return head + logAddExp(l1, l2)
}

// ExpectedPurchases returns E[X(t)], the expected number of repeat purchases
// in (0, t] of a new customer (FHL 2005 eq. 9):
//
//	E[X(t)] = (a+b−1)/(a−1) · [1 − (α/(α+t))^r ₂F₁(r, b; a+b−1; t/(α+t))],
//
// evaluated without dividing by a−1 (see expectedIfAliveBG).
//
// Special cases are:
//
//	ExpectedPurchases(t ≤ 0) = 0
func (m BGNBD) ExpectedPurchases(t float64) float64 {
	return expectedIfAliveBG(t, m.R, m.Alpha, m.A, m.B)
}

// ProbabilityAlive returns P(alive at T | x, t_x, T) (FHL 2005 eq. 12):
//
//	1 / (1 + [x > 0] a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)).
//
// Special cases are:
//
//	ProbabilityAlive(0, 0, T) = 1 (a BG/NBD customer can only drop out
//	right after a repeat purchase)
func (m BGNBD) ProbabilityAlive(x, tx, T float64) float64 {
	if x == 0 {
		return 1
	}
	d := math.Log(m.A/(m.B+x-1)) + (m.R+x)*math.Log1p((T-tx)/(m.Alpha+tx))
	return logistic(-d)
}

// ConditionalExpectedPurchases returns E[Y(t) | x, t_x, T], the expected
// number of purchases in (T, T+t] (FHL 2005 eq. 10):
//
//	(a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))]
//	· P(alive | x, t_x, T),
//
// evaluated as P(alive) times the expectation for a live customer whose
// posterior traits are Gamma(r+x, α+T) and Beta(a, b+x).
func (m BGNBD) ConditionalExpectedPurchases(t, x, tx, T float64) float64 {
	return m.ProbabilityAlive(x, tx, T) * m.expectedIfAlive(t, x, T)
}

func (m BGNBD) expectedIfAlive(t, x, T float64) float64 {
	return expectedIfAliveBG(t, m.R+x, m.Alpha+T, m.A, m.B+x)
}

// ProbabilityPurchases returns P(X(t) = n) for a new customer (FHL 2005
// eq. 8; Fader & Hardie note 004 writes the bracket as a finite sum):
//
//	B(a, b+n)/B(a, b) · NBD(n; r, α, t)
//	+ [n > 0] B(a+1, b+n−1)/B(a, b) · P(NBD(r, α, t) ≥ n),
//
// with the negative-binomial tail as a regularised incomplete beta function
// I_{t/(α+t)}(n, r), so no alternating sum is formed.
//
// Special cases are:
//
//	ProbabilityPurchases(n < 0, t) = 0
//	ProbabilityPurchases(0, 0) = 1
func (m BGNBD) ProbabilityPurchases(n int, t float64) float64 {
	if n < 0 {
		return 0
	}
	r, al, a, b := m.R, m.Alpha, m.A, m.B
	fn := float64(n)
	lb := mathext.Lbeta(a, b)
	l1 := mathext.Lbeta(a, b+fn) - lb + logNBD(n, r, al, t)
	if n == 0 {
		return math.Exp(l1)
	}
	l2 := mathext.Lbeta(a+1, b+fn-1) - lb + logNBDAtLeast(n, r, al, t)
	return math.Exp(logAddExp(l1, l2))
}
