package model

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// MBGNBD is the modified BG/NBD model (Batislam, Denizel & Filiztekin 2007,
// "Empirical validation and comparison of models for customer base
// analysis", International Journal of Research in Marketing 24(3); lifetimes'
// ModifiedBetaGeoFitter).
//
// It is the BG/NBD except that a customer may also drop out right after the
// first purchase, at time 0, so customers with no repeat purchase need not
// be alive: while active a customer buys at Poisson rate λ ~ Gamma(R, Alpha)
// (shape, rate); at time 0 and after each repeat purchase the customer drops
// out with probability p ~ Beta(A, B).
type MBGNBD struct {
	R, Alpha float64 // purchase-rate heterogeneity (shape, rate)
	A, B     float64 // dropout-probability heterogeneity
}

// FitMBGNBD fits an MBG/NBD model to rows by maximum likelihood, with the
// same validation, defaults and determinism as FitBGNBD.
func FitMBGNBD(rows []RFT, opt FitOptions) (MBGNBD, Fit, error) {
	fit, err := fitBetaGeo("MBG/NBD", rows, opt, true)
	m := MBGNBD{}
	if len(fit.Params) == 4 {
		m = MBGNBD{R: fit.Params[0], Alpha: fit.Params[1], A: fit.Params[2], B: fit.Params[3]}
	}
	return m, fit, err
}

// LogLikelihood returns the total log-likelihood of rows (weights applied),
// Batislam et al. 2007 eq. 3, in log space.
func (m MBGNBD) LogLikelihood(rows []RFT) float64 {
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
//	L = Γ(r+x) α^r / Γ(r) · [B(a, b+x+1)/B(a, b) · (α+T)^−(r+x)
//	                         + B(a+1, b+x)/B(a, b) · (α+t_x)^−(r+x)].
func (m MBGNBD) logLik(x, tx, T float64) float64 {
	r, al, a, b := m.R, m.Alpha, m.A, m.B
	head := lgamma(r+x) - lgamma(r) + r*math.Log(al) - mathext.Lbeta(a, b)
	l1 := mathext.Lbeta(a, b+x+1) - (r+x)*math.Log(al+T)
	l2 := mathext.Lbeta(a+1, b+x) - (r+x)*math.Log(al+tx)
	return head + logAddExp(l1, l2)
}

// ExpectedPurchases returns E[X(t)] for a new customer (lifetimes'
// ModifiedBetaGeoFitter):
//
//	b/(a−1) · [1 − (α/(α+t))^r ₂F₁(r, b+1; a+b; t/(α+t))],
//
// evaluated as the probability b/(a+b) of surviving time 0 times the
// expectation for a live customer with traits Gamma(r, α), Beta(a, b+1)
// (see expectedIfAliveBG).
func (m MBGNBD) ExpectedPurchases(t float64) float64 {
	return m.B / (m.A + m.B) * expectedIfAliveBG(t, m.R, m.Alpha, m.A, m.B+1)
}

// ProbabilityAlive returns P(alive at T | x, t_x, T):
//
//	1 / (1 + a/(b+x) · ((α+T)/(α+t_x))^(r+x)),
//
// which, unlike the BG/NBD's, is below 1 for x = 0.
func (m MBGNBD) ProbabilityAlive(x, tx, T float64) float64 {
	d := math.Log(m.A/(m.B+x)) + (m.R+x)*math.Log1p((T-tx)/(m.Alpha+tx))
	return logistic(-d)
}

// ConditionalExpectedPurchases returns E[Y(t) | x, t_x, T]:
//
//	(a+b+x)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x+1; a+b+x; t/(α+T+t))]
//	· P(alive | x, t_x, T),
//
// evaluated as P(alive) times the expectation for a live customer with
// posterior traits Gamma(r+x, α+T), Beta(a, b+x+1).
func (m MBGNBD) ConditionalExpectedPurchases(t, x, tx, T float64) float64 {
	return m.ProbabilityAlive(x, tx, T) * m.expectedIfAlive(t, x, T)
}

func (m MBGNBD) expectedIfAlive(t, x, T float64) float64 {
	return expectedIfAliveBG(t, m.R+x, m.Alpha+T, m.A, m.B+x+1)
}

// ProbabilityPurchases returns P(X(t) = n) for a new customer:
//
//	B(a, b+n+1)/B(a, b) · NBD(n; r, α, t) + B(a+1, b+n)/B(a, b) · P(NBD(r, α, t) ≥ n):
//
// either the customer survives time 0 and all n purchases, or drops out
// right after the n-th (at time 0 when n = 0) having made n purchases by t.
//
// Special cases are:
//
//	ProbabilityPurchases(n < 0, t) = 0
//	ProbabilityPurchases(0, 0) = 1
func (m MBGNBD) ProbabilityPurchases(n int, t float64) float64 {
	if n < 0 {
		return 0
	}
	r, al, a, b := m.R, m.Alpha, m.A, m.B
	fn := float64(n)
	lb := mathext.Lbeta(a, b)
	l1 := mathext.Lbeta(a, b+fn+1) - lb + logNBD(n, r, al, t)
	l2 := mathext.Lbeta(a+1, b+fn) - lb + logNBDAtLeast(n, r, al, t)
	return math.Exp(logAddExp(l1, l2))
}
