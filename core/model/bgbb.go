package model

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mathext"
)

// BGBB is the beta-geometric/beta-Bernoulli (BG/BB) model of Fader, Hardie &
// Shang (2010), "Customer-Base Analysis in a Discrete-Time Noncontractual
// Setting", Marketing Science 29(6), 1086–1108 (FHS below).
//
// Time is a sequence of discrete transaction opportunities 1, 2, ... (for
// example one charity appeal per year). While alive, a customer transacts at
// each opportunity with probability p; at the start of each opportunity after
// the first transaction (the acquisition, period 0) she dies with probability
// θ. Across customers p ~ beta(Alpha, Beta) and θ ~ beta(Gamma, Delta).
// "Alive at opportunity t" means she has survived t independent death draws,
// so P(alive at t) = B(γ, δ+t)/B(γ, δ).
type BGBB struct {
	// Alpha and Beta are the beta parameters of the transaction probability
	// p while alive (α, β > 0).
	Alpha, Beta float64
	// Gamma and Delta are the beta parameters of the per-opportunity dropout
	// probability θ (γ, δ > 0).
	Gamma, Delta float64
}

// BGBBRow is one recency/frequency pattern, in transaction opportunities.
type BGBBRow struct {
	// X is the number of repeat transactions in the N opportunities
	// (a whole number, 0 ≤ X ≤ TX).
	X float64
	// TX is the opportunity of the last repeat transaction (0 when X = 0;
	// X ≤ TX ≤ N otherwise).
	TX float64
	// N is the number of transaction opportunities observed (a whole number ≥ 1).
	N float64
	// Weight is the number of customers with this pattern (≥ 0).
	Weight float64
}

func bgbbValidParams(m BGBB) bool {
	ok := func(a float64) bool { return a > 0 && !math.IsInf(a, 1) }
	return ok(m.Alpha) && ok(m.Beta) && ok(m.Gamma) && ok(m.Delta)
}

// bgbbValidPattern reports whether (x, tx, n) is a possible BG/BB history.
func bgbbValidPattern(x, tx, n float64) bool {
	whole := func(a float64) bool { return a >= 0 && a == math.Trunc(a) && !math.IsInf(a, 0) }
	if !whole(x) || !whole(tx) || !whole(n) {
		return false
	}
	if x == 0 {
		return tx == 0
	}
	return x <= tx && tx <= n
}

// logL returns ln L(α, β, γ, δ | x, tx, n), FHS eq. (5):
//
//	L = B(α+x, β+n−x)/B(α,β) · B(γ, δ+n)/B(γ,δ)
//	  + Σ_{i=0}^{n−tx−1} B(α+x, β+tx−x+i)/B(α,β) · B(γ+1, δ+tx+i)/B(γ,δ)
//
// summed in log space; buf is scratch space for the n−tx+1 terms.
func (m BGBB) logL(x, tx, n float64, buf []float64) float64 {
	lab := mathext.Lbeta(m.Alpha, m.Beta)
	lgd := mathext.Lbeta(m.Gamma, m.Delta)
	buf = buf[:0]
	buf = append(buf, mathext.Lbeta(m.Alpha+x, m.Beta+n-x)-lab+mathext.Lbeta(m.Gamma, m.Delta+n)-lgd)
	for i := 0.0; i <= n-tx-1; i++ {
		buf = append(buf, mathext.Lbeta(m.Alpha+x, m.Beta+tx-x+i)-lab+mathext.Lbeta(m.Gamma+1, m.Delta+tx+i)-lgd)
	}
	return modelBLogSumExp(buf)
}

// LogLikelihood returns the total log-likelihood of rows under m (FHS
// eq. 5, weights applied). Special cases: NaN if a parameter is not positive
// and finite, a row is not a possible pattern (see BGBBRow) or has a
// negative weight.
func (m BGBB) LogLikelihood(rows []BGBBRow) float64 {
	if !bgbbValidParams(m) {
		return math.NaN()
	}
	for _, r := range rows {
		if !bgbbValidPattern(r.X, r.TX, r.N) || !(r.Weight >= 0) || math.IsInf(r.Weight, 1) {
			return math.NaN()
		}
	}
	return m.totalLL(rows)
}

func (m BGBB) totalLL(rows []BGBBRow) float64 {
	return sumRows(len(rows), func(lo, hi int) float64 {
		var buf []float64
		s := 0.0
		for _, r := range rows[lo:hi] {
			if r.Weight == 0 {
				continue
			}
			if need := int(r.N-r.TX) + 1; cap(buf) < need {
				buf = make([]float64, 0, need)
			}
			s += r.Weight * m.logL(r.X, r.TX, r.N, buf)
		}
		return s
	})
}

// logLGrad returns logL(x, tx, n) and adds weight times its gradient with
// respect to (α, β, γ, δ) to g. Each term of L is
// B(α+x, β+m)/B(α,β) · B(γ+e, δ+k)/B(γ,δ) with whole m, k and e ∈ {0, 1};
// with H(y, j) = Σ_{i=0}^{j−1} 1/(y+i) = ψ(y+j) − ψ(y) its log has the
// derivatives
//
//	∂α = H(α, x) − H(α+β, x+m)   ∂β = H(β, m) − H(α+β, x+m)
//	∂γ = H(γ, e) − H(γ+δ, e+k)   ∂δ = H(δ, k) − H(γ+δ, e+k)
//
// (from ∂ ln B(a, b)/∂a = ψ(a) − ψ(a+b)), and ln L's gradient is theirs
// weighted by each term's share of L. The first term has m = n−x, e = 0,
// k = n; the i-th of the sum m = tx−x+i, e = 1, k = tx+i, so walking i
// upwards extends each H by one term.
func (m BGBB) logLGrad(x, tx, n, weight float64, buf, g []float64) float64 {
	ll := m.logL(x, tx, n, buf)
	buf = buf[:int(n-tx)+1] // the terms logL left there
	h := func(y, j float64) float64 {
		s := 0.0
		for i := 0.0; i < j; i++ {
			s += 1 / (y + i)
		}
		return s
	}
	ab, gd := m.Alpha+m.Beta, m.Gamma+m.Delta
	hAx := h(m.Alpha, x)
	w := math.Exp(buf[0] - ll)
	g[0] += weight * w * (hAx - h(ab, n))
	g[1] += weight * w * (h(m.Beta, n-x) - h(ab, n))
	g[2] += weight * w * -h(gd, n)
	g[3] += weight * w * (h(m.Delta, n) - h(gd, n))
	// At i = 0: H(α+β, tx), H(β, tx−x), H(δ, tx), H(γ+δ, 1+tx).
	hABk, hBm, hDk, hGDk := h(ab, tx), h(m.Beta, tx-x), h(m.Delta, tx), h(gd, 1+tx)
	for i := 0.0; i <= n-tx-1; i++ {
		w := weight * math.Exp(buf[1+int(i)]-ll)
		g[0] += w * (hAx - hABk)
		g[1] += w * (hBm - hABk)
		g[2] += w * (1/m.Gamma - hGDk)
		g[3] += w * (hDk - hGDk)
		hABk += 1 / (ab + tx + i)
		hBm += 1 / (m.Beta + tx - x + i)
		hDk += 1 / (m.Delta + tx + i)
		hGDk += 1 / (gd + 1 + tx + i)
	}
	return ll
}

// totalLLGrad returns totalLL(rows) and stores its gradient with respect to
// (α, β, γ, δ) in g, summed in the same fixed chunk order.
func (m BGBB) totalLLGrad(rows []BGBBRow, g []float64) float64 {
	tot := sumRowsVec(len(rows), 5, func(lo, hi int, acc []float64) {
		var buf []float64
		for _, r := range rows[lo:hi] {
			if r.Weight == 0 {
				continue
			}
			if need := int(r.N-r.TX) + 1; cap(buf) < need {
				buf = make([]float64, 0, need)
			}
			acc[4] += r.Weight * m.logLGrad(r.X, r.TX, r.N, r.Weight, buf, acc[:4])
		}
	})
	copy(g, tot[:4])
	return tot[4] // the same sums as totalLL's, in the same order
}

// FitBGBB fits the BG/BB model by maximum likelihood (FHS eq. 5). The
// parameter order in Fit is alpha, beta, gamma, delta; default starting
// values are all 1.
//
// It returns an error when a row is not a possible pattern, or when the data
// cannot identify the model: no customers, fewer than two customers or
// distinct patterns, nobody with a repeat transaction (x = 0 for all), or
// everybody transacting at every opportunity (x = n for all).
func FitBGBB(rows []BGBBRow, opt FitOptions) (BGBB, Fit, error) {
	var customers float64
	patterns := 0
	anyBuyer, anyMiss := false, false
	for i, r := range rows {
		if !bgbbValidPattern(r.X, r.TX, r.N) || r.N < 1 {
			return BGBB{}, Fit{}, fmt.Errorf("bg/bb fit: %w", &RowError{Row: i, Field: "X", Value: r.X,
				Rule: fmt.Sprintf("with t_x = %v and n = %v: want whole numbers with 0 ≤ x ≤ t_x ≤ n, n ≥ 1, and t_x = 0 when x = 0", r.TX, r.N)})
		}
		if !(r.Weight >= 0) || math.IsInf(r.Weight, 1) {
			return BGBB{}, Fit{}, fmt.Errorf("bg/bb fit: %w", &RowError{Row: i, Field: "Weight", Value: r.Weight, Rule: "weight must be finite and ≥ 0"})
		}
		if r.Weight == 0 {
			continue
		}
		customers += r.Weight
		patterns++
		anyBuyer = anyBuyer || r.X > 0
		anyMiss = anyMiss || r.X < r.N
	}
	switch {
	case customers == 0:
		return BGBB{}, Fit{}, errors.New("bg/bb fit: no customers (empty data or all weights zero)")
	case customers < 2 || patterns < 2:
		return BGBB{}, Fit{}, fmt.Errorf("bg/bb fit: %v customers in %d distinct patterns: the four parameters are not identified", customers, patterns)
	case !anyBuyer:
		return BGBB{}, Fit{}, errors.New("bg/bb fit: no customer made a repeat transaction (x = 0 for all): transaction and dropout rates are not identified")
	case !anyMiss:
		return BGBB{}, Fit{}, errors.New("bg/bb fit: every customer transacted at every opportunity (x = n for all): the transaction probability is not identified")
	}
	fit, err := maximize(problem{
		names: []string{"alpha", "beta", "gamma", "delta"},
		start: []float64{1, 1, 1, 1},
		logLik: func(t []float64) float64 {
			return BGBB{t[0], t[1], t[2], t[3]}.totalLL(rows)
		},
		// The analytic gradient takes the fit to BFGS and the Newton
		// finish, which land on the optimum itself: the same parameters
		// to ~1e-13 on every platform (core/crossbuild_test.go).
		logLikGrad: func(t, g []float64) float64 {
			return BGBB{t[0], t[1], t[2], t[3]}.totalLLGrad(rows, g)
		},
		rows:      patterns,
		customers: customers,
	}, opt)
	if err != nil {
		return BGBB{}, fit, fmt.Errorf("bg/bb fit: %w", err)
	}
	return BGBB{fit.Params[0], fit.Params[1], fit.Params[2], fit.Params[3]}, fit, nil
}

// aliveSum returns Σ_{t=a+1}^{b} B(γ, δ+t)/B(γ, δ), the expected number of
// opportunities a+1..b at which a customer alive at acquisition is still
// alive. FHS eq. (7) gives the closed form
//
//	δ/(γ−1) · [R(a) − R(b)],  R(m) = Γ(γ+δ)Γ(1+δ+m) / (Γ(1+δ)Γ(γ+δ+m)),
//
// used when |γ−1| ≥ 1e-3; closer to γ = 1 the bracket cancels, so the terms
// are summed with the ratio B(γ,δ+t+1)/B(γ,δ+t) = (δ+t)/(γ+δ+t) instead.
func (m BGBB) aliveSum(a, b float64) float64 {
	if b <= a {
		return 0
	}
	g, d := m.Gamma, m.Delta
	if math.Abs(g-1) >= 1e-3 {
		// ln R(m) = [lnΓ(1+δ+γ−1) − lnΓ(1+δ)] − [lnΓ(1+δ+m+γ−1) − lnΓ(1+δ+m)]
		lnR := func(k float64) float64 { return modelBLogGammaRatio(1+d, g-1) - modelBLogGammaRatio(1+d+k, g-1) }
		ra := lnR(a)
		diff := lnR(b) - ra // < 0 when γ > 1, > 0 when γ < 1
		return d / (g - 1) * math.Exp(ra) * -math.Expm1(diff)
	}
	term := math.Exp(mathext.Lbeta(g, d+a+1) - mathext.Lbeta(g, d))
	s := 0.0
	for t := a + 1; t <= b; t++ {
		s += term
		term *= (d + t) / (g + d + t)
	}
	return s
}

// ExpectedPurchases returns E[X(n)], the expected number of transactions of
// a newly acquired customer in the next n opportunities (FHS eq. 7):
//
//	α/(α+β) · δ/(γ−1) · [1 − Γ(γ+δ)Γ(1+δ+n) / (Γ(γ+δ+n)Γ(1+δ))]
//
// Special cases are:
//
//	n = 0: 0
//	γ near 1: the limit, by direct summation (see aliveSum)
//	n < 0 or invalid parameters: NaN
func (m BGBB) ExpectedPurchases(n int) float64 {
	if n < 0 || !bgbbValidParams(m) {
		return math.NaN()
	}
	return m.Alpha / (m.Alpha + m.Beta) * m.aliveSum(0, float64(n))
}

// ProbabilityPurchases returns P(X(n) = k), the probability that a newly
// acquired customer makes k transactions in the next n opportunities (FHS
// eq. 8):
//
//	C(n,k) B(α+k, β+n−k)/B(α,β) · B(γ, δ+n)/B(γ,δ)
//	  + Σ_{i=k}^{n−1} C(i,k) B(α+k, β+i−k)/B(α,β) · B(γ+1, δ+i)/B(γ,δ)
//
// summed in log space. Special cases: 0 for k < 0 or k > n; NaN for n < 0 or
// invalid parameters.
func (m BGBB) ProbabilityPurchases(k, n int) float64 {
	if n < 0 || !bgbbValidParams(m) {
		return math.NaN()
	}
	if k < 0 || k > n {
		return 0
	}
	a, b, g, d := m.Alpha, m.Beta, m.Gamma, m.Delta
	lab, lgd := mathext.Lbeta(a, b), mathext.Lbeta(g, d)
	fk, fn := float64(k), float64(n)
	terms := make([]float64, 0, n-k+1)
	terms = append(terms, modelBLogChoose(fn, fk)+mathext.Lbeta(a+fk, b+fn-fk)-lab+mathext.Lbeta(g, d+fn)-lgd)
	for i := fk; i <= fn-1; i++ {
		terms = append(terms, modelBLogChoose(i, fk)+mathext.Lbeta(a+fk, b+i-fk)-lab+mathext.Lbeta(g+1, d+i)-lgd)
	}
	return math.Exp(modelBLogSumExp(terms))
}

// ProbabilityAlive returns the probability that a customer with x repeat
// transactions, the last at opportunity tx, out of n, is alive at
// opportunity n+1 (FHS eq. 11, the paper's definition; lifetimes'
// conditional_probability_alive is the same):
//
//	B(α+x, β+n−x)/B(α,β) · B(γ, δ+n+1)/B(γ,δ) / L(α,β,γ,δ | x, tx, n)
//
// Alive at n+1 means she also survived the death draw before opportunity
// n+1, so a customer who transacted at n (tx = n) gets (δ+n)/(γ+δ+n) < 1.
// Special cases: NaN for an impossible pattern (see BGBBRow) or invalid
// parameters.
func (m BGBB) ProbabilityAlive(x, tx, n int) float64 {
	fx, ftx, fn := float64(x), float64(tx), float64(n)
	if !bgbbValidParams(m) || !bgbbValidPattern(fx, ftx, fn) {
		return math.NaN()
	}
	ll := m.logL(fx, ftx, fn, make([]float64, 0, n-tx+1))
	lp := mathext.Lbeta(m.Alpha+fx, m.Beta+fn-fx) - mathext.Lbeta(m.Alpha, m.Beta) +
		mathext.Lbeta(m.Gamma, m.Delta+fn+1) - mathext.Lbeta(m.Gamma, m.Delta)
	return math.Min(1, math.Exp(lp-ll))
}

// ConditionalExpectedPurchases returns E[X(n, n+nStar) | x, tx, n], the
// expected number of transactions in the nStar opportunities n+1..n+nStar of
// a customer with x repeat transactions, the last at tx, out of n (FHS
// eq. 13):
//
//	1/L · B(α+x+1, β+n−x)/B(α,β) · δ/(γ−1) · Γ(γ+δ)/Γ(1+δ)
//	  · [Γ(1+δ+n)/Γ(γ+δ+n) − Γ(1+δ+n+n*)/Γ(γ+δ+n+n*)]
//
// Special cases: 0 for nStar = 0; NaN for nStar < 0, an impossible pattern or
// invalid parameters.
func (m BGBB) ConditionalExpectedPurchases(nStar, x, tx, n int) float64 {
	fx, ftx, fn := float64(x), float64(tx), float64(n)
	if nStar < 0 || !bgbbValidParams(m) || !bgbbValidPattern(fx, ftx, fn) {
		return math.NaN()
	}
	if nStar == 0 {
		return 0
	}
	ll := m.logL(fx, ftx, fn, make([]float64, 0, n-tx+1))
	lp := mathext.Lbeta(m.Alpha+fx+1, m.Beta+fn-fx) - mathext.Lbeta(m.Alpha, m.Beta)
	return math.Exp(lp-ll) * m.aliveSum(fn, fn+float64(nStar))
}

// DERT returns the discounted expected residual transactions of a customer
// with x repeat transactions, the last at tx, out of n (FHS eq. 14): the
// expected transactions at opportunities n+1, n+2, ..., the one at n+k
// discounted by (1+d)^k, where d is discountRatePerPeriod, the discount
// rate per transaction opportunity:
//
//	1/L · B(α+x+1, β+n−x)/B(α,β) · B(γ, δ+n+1)/(B(γ,δ)(1+d))
//	  · 2F1(1, δ+n+1; γ+δ+n+1; 1/(1+d))
//
// Multiply by the value of a transaction to get residual lifetime value.
// Special cases are:
//
//	d = 0, γ > 1: the undiscounted expected residual transactions, with
//	              2F1(1, b; c; 1) = (c−1)/(c−b−1) (Gauss)
//	d = 0, γ ≤ 1: +Inf (the expected residual lifetime is infinite)
//	d < 0 or NaN, impossible pattern, invalid parameters: NaN
func (m BGBB) DERT(discountRatePerPeriod float64, x, tx, n int) float64 {
	d := discountRatePerPeriod
	fx, ftx, fn := float64(x), float64(tx), float64(n)
	if !(d >= 0) || math.IsInf(d, 1) || !bgbbValidParams(m) || !bgbbValidPattern(fx, ftx, fn) {
		return math.NaN()
	}
	b := m.Delta + fn + 1
	var h float64
	if d == 0 {
		if m.Gamma <= 1 {
			return math.Inf(1)
		}
		h = (m.Gamma + m.Delta + fn) / (m.Gamma - 1) // (c−1)/(c−b−1)
	} else {
		h = modelBHyp2F1Unit(b, m.Gamma, 1/(1+d))
	}
	ll := m.logL(fx, ftx, fn, make([]float64, 0, n-tx+1))
	lp := mathext.Lbeta(m.Alpha+fx+1, m.Beta+fn-fx) - mathext.Lbeta(m.Alpha, m.Beta) +
		mathext.Lbeta(m.Gamma, m.Delta+fn+1) - mathext.Lbeta(m.Gamma, m.Delta)
	return math.Exp(lp-ll) / (1 + d) * h
}
