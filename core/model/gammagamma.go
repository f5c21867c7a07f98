package model

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mathext"
)

// GammaGamma is the Gamma-Gamma model of monetary value (Fader, Hardie & Lee
// 2005, "RFM and CLV: Using Iso-Value Curves for Customer Base Analysis",
// J. Marketing Research 42(4), section "Adding Monetary Value"; Fader &
// Hardie 2013, note 025 "The Gamma-Gamma Model of Monetary Value").
//
// The value of each transaction of a customer is gamma(P, ν) distributed,
// and ν varies across customers as gamma(Q, V). The mean spend z̄ of a
// customer's x transactions is then gamma(P·x, ν·x) given ν. The paper's γ
// is named V here, as lifetimes names it. Spend and purchase frequency are
// assumed independent (see GammaGammaFit.Correlation).
type GammaGamma struct {
	// P is the shape of the per-transaction spend distribution (p > 0).
	P float64
	// Q is the shape of the gamma mixing distribution of ν (q > 0; the
	// population mean spend exists only for q > 1).
	Q float64
	// V is the scale of the gamma mixing distribution of ν (the paper's γ,
	// v > 0), in the data's currency.
	V float64
}

// SpendRow is one customer (or Weight identical customers) for the
// Gamma-Gamma model.
type SpendRow struct {
	// Frequency is the number of repeat transactions x (a whole number ≥ 0).
	Frequency float64
	// MeanSpend is the mean value z̄ of those x transactions (0 when x = 0).
	// It may be zero or negative (returns netted against purchases): such
	// a row is left out of the fit and counted in GammaGammaFit.NonPositive.
	MeanSpend float64
	// Weight is the number of customers the row stands for (≥ 0).
	Weight float64
}

// GammaGammaCorrelationThreshold is the absolute Pearson correlation between
// frequency and mean spend, over the fitted customers, above which
// FitGammaGamma sets GammaGammaFit.Warning. The model assumes the two are
// independent; 0.3 is the conventional "weak correlation" cut-off (lifetimes'
// documentation checks the same correlation by eye and finds 0.11 on CDNOW).
const GammaGammaCorrelationThreshold = 0.3

// GammaGammaFit is the outcome of FitGammaGamma.
type GammaGammaFit struct {
	Fit
	// Excluded counts the customers (weights summed) left out of the fit:
	// those without a repeat purchase (x = 0) or without a positive mean
	// spend. They are not in Fit.Customers or Fit.LogLikelihood.
	Excluded float64
	// NonPositive counts the customers (weights summed) among Excluded who
	// have repeat purchases (x ≥ 1) but a mean spend z̄ ≤ 0, as returns
	// netted against purchases can give.
	NonPositive float64
	// Correlation is the weighted Pearson correlation between frequency x
	// and mean spend z̄ over the fitted customers (NaN when either has no
	// variation).
	Correlation float64
	// Warning is empty unless |Correlation| > GammaGammaCorrelationThreshold,
	// in which case it says that the independence assumption is doubtful.
	Warning string
}

// ErrNoMeanSpend is returned when the population mean spend p·v/(q−1) does
// not exist because q ≤ 1 (the mixing distribution puts too much mass near
// ν = 0, so E[1/ν] is infinite).
var ErrNoMeanSpend = errors.New("gamma-gamma: population mean spend is infinite (q ≤ 1)")

// ErrNotIdentified is returned (wrapped) by FitGammaGamma when the data
// cannot identify the model: no customer with a repeat purchase and a
// positive mean spend, fewer than two such customers, or a single mean
// spend among them. Like ErrNotConverged it is about the data, not the
// call, so a caller may fall back to a simpler spend estimate.
var ErrNotIdentified = errors.New("the data do not identify the model")

// checkSpendRow returns a *RowError when row i cannot be read at all: a
// negative or non-finite frequency or weight, or a non-finite mean spend.
// A zero or negative mean spend is valid (the row is left out of the fit).
func checkSpendRow(i int, r SpendRow) error {
	switch {
	case !(r.Frequency >= 0) || math.IsInf(r.Frequency, 0):
		return &RowError{Row: i, Field: "Frequency", Value: r.Frequency, Rule: "repeat purchases must be finite and ≥ 0"}
	case math.IsNaN(r.MeanSpend) || math.IsInf(r.MeanSpend, 0):
		return &RowError{Row: i, Field: "MeanSpend", Value: r.MeanSpend, Rule: "mean spend must be a finite number"}
	case !(r.Weight >= 0) || math.IsInf(r.Weight, 0):
		return &RowError{Row: i, Field: "Weight", Value: r.Weight, Rule: "weight must be finite and ≥ 0"}
	}
	return nil
}

// gammaGammaEligible reports whether a row takes part in the fit.
func gammaGammaEligible(r SpendRow) bool {
	return r.Frequency >= 1 && r.MeanSpend > 0 && r.Weight > 0
}

// LogLikelihood returns the total log-likelihood of rows (weights applied)
// under g: the density of the observed mean spend z̄ given x (note 025,
// eq. 3 with z̄ = Σz/x):
//
//	ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln v + (px−1) ln z̄ + px ln x − (px+q) ln(v + x z̄)
//
// Rows that FitGammaGamma leaves out (x < 1, z̄ ≤ 0 or weight 0) contribute
// nothing. Special cases: NaN if a parameter is not positive and finite, or
// a row has a non-finite field or a negative frequency or weight.
func (g GammaGamma) LogLikelihood(rows []SpendRow) float64 {
	if !gammaGammaValid(g.P, g.Q, g.V) {
		return math.NaN()
	}
	for i, r := range rows {
		if checkSpendRow(i, r) != nil {
			return math.NaN()
		}
	}
	return gammaGammaLL(g.P, g.Q, g.V, newSpendIndex(rows))
}

func gammaGammaValid(p, q, v float64) bool {
	ok := func(a float64) bool { return a > 0 && !math.IsInf(a, 1) }
	return ok(p) && ok(q) && ok(v)
}

// spendIndex is rows prepared for repeated Gamma-Gamma evaluations. The
// log-likelihood's terms in Γ and ψ depend on x only, so each evaluation
// computes them once per distinct x (a few dozen values, against one per
// customer); ln z̄ and ln x are computed once per fit. The per-row
// arithmetic is otherwise unchanged, in the same order, so totals are
// bit-identical to evaluating every term in the row loop.
type spendIndex struct {
	rows []SpendRow
	xs   []float64 // distinct x among the eligible rows
	xi   []int32   // per row: index into xs, −1 when the row is not eligible
	lz   []float64 // per row: ln z̄
	lx   []float64 // per row: ln x
}

func newSpendIndex(rows []SpendRow) *spendIndex {
	ix := &spendIndex{rows: rows, xi: make([]int32, len(rows)), lz: make([]float64, len(rows)), lx: make([]float64, len(rows))}
	pos := map[float64]int32{}
	for i, r := range rows {
		if !gammaGammaEligible(r) {
			ix.xi[i] = -1
			continue
		}
		j, ok := pos[r.Frequency]
		if !ok {
			j = int32(len(ix.xs))
			pos[r.Frequency] = j
			ix.xs = append(ix.xs, r.Frequency)
		}
		ix.xi[i] = j
		ix.lz[i], ix.lx[i] = math.Log(r.MeanSpend), math.Log(r.Frequency)
	}
	return ix
}

// perX returns ln Γ(px+q) and ln Γ(px) for every distinct x and, with
// digamma set, ψ(px+q) and ψ(px) (nil otherwise).
func (ix *spendIndex) perX(p, q float64, digamma bool) (lgPQ, lgP, psiPQ, psiP []float64) {
	n := len(ix.xs)
	lgPQ, lgP = make([]float64, n), make([]float64, n)
	if digamma {
		psiPQ, psiP = make([]float64, n), make([]float64, n)
	}
	for j, x := range ix.xs {
		px := p * x
		lgPQ[j], _ = math.Lgamma(px + q)
		lgP[j], _ = math.Lgamma(px)
		if digamma {
			psiPQ[j], psiP[j] = mathext.Digamma(px+q), mathext.Digamma(px)
		}
	}
	return lgPQ, lgP, psiPQ, psiP
}

func gammaGammaLL(p, q, v float64, ix *spendIndex) float64 {
	lgq, _ := math.Lgamma(q)
	qlv := q * math.Log(v)
	lgPQ, lgP, _, _ := ix.perX(p, q, false)
	rows, xi, lzs, lxs := ix.rows, ix.xi, ix.lz, ix.lx
	return sumRows(len(rows), func(lo, hi int) float64 {
		s := 0.0
		for i := lo; i < hi; i++ {
			j := xi[i]
			if j < 0 {
				continue
			}
			r := rows[i]
			x, z := r.Frequency, r.MeanSpend
			px := p * x
			a, b := lgPQ[j], lgP[j]
			ll := a - b - lgq + qlv + (px-1)*lzs[i] + px*lxs[i] - (px+q)*math.Log(v+x*z)
			s += r.Weight * ll
		}
		return s
	})
}

// gammaGammaLLGrad returns gammaGammaLL and stores its gradient with
// respect to (p, q, v) in g, differentiating the per-row log-likelihood
// above term by term (ψ is the digamma function):
//
//	∂/∂p = x (ψ(px+q) − ψ(px) + ln z̄ + ln x − ln(v + x z̄))
//	∂/∂q = ψ(px+q) − ψ(q) + ln v − ln(v + x z̄)
//	∂/∂v = q/v − (px+q)/(v + x z̄)
//
// The gradient lets the fit stop on a small gradient rather than on a flat
// function value, so the parameters are pinned down to near machine
// precision and do not depend on rounding details of the optimiser's path
// (which differ between amd64 and arm64).
func gammaGammaLLGrad(p, q, v float64, ix *spendIndex, g []float64) float64 {
	const chunks = 4 // ll, dp, dq, dv
	rows, xi, lzs, lxs := ix.rows, ix.xi, ix.lz, ix.lx
	n := (len(rows) + chunkRows - 1) / chunkRows
	if n == 0 {
		n = 1
	}
	partial := make([]float64, chunks*n)
	psiQ := mathext.Digamma(q)
	lgq, _ := math.Lgamma(q)
	lv := math.Log(v)
	lgPQ, lgP, psiPQs, psiPs := ix.perX(p, q, true)
	sumRows(len(rows), func(lo, hi int) float64 {
		var ll, gp, gq, gv float64
		for i := lo; i < hi; i++ {
			j := xi[i]
			if j < 0 {
				continue
			}
			r := rows[i]
			x, z, w := r.Frequency, r.MeanSpend, r.Weight
			px := p * x
			a, b := lgPQ[j], lgP[j]
			lz, lx, lvxz := lzs[i], lxs[i], math.Log(v+x*z)
			psiPQ := psiPQs[j]
			ll += w * (a - b - lgq + q*lv + (px-1)*lz + px*lx - (px+q)*lvxz)
			gp += w * x * (psiPQ - psiPs[j] + lz + lx - lvxz)
			gq += w * (psiPQ - psiQ + lv - lvxz)
			gv += w * (q/v - (px+q)/(v+x*z))
		}
		c := lo / chunkRows
		partial[chunks*c], partial[chunks*c+1], partial[chunks*c+2], partial[chunks*c+3] = ll, gp, gq, gv
		return 0
	})
	var out [chunks]float64
	for c := 0; c < n; c++ {
		for k := range out {
			out[k] += partial[chunks*c+k]
		}
	}
	g[0], g[1], g[2] = out[1], out[2], out[3]
	return out[0]
}

// MeanSpend returns the population mean spend per transaction,
// E[Z] = p·v/(q−1) (FHL 2005, the prior mean of the expected spend). It
// returns +Inf and ErrNoMeanSpend when q ≤ 1.
func (g GammaGamma) MeanSpend() (float64, error) {
	if !(g.Q > 1) {
		return math.Inf(1), ErrNoMeanSpend
	}
	return g.P * g.V / (g.Q - 1), nil
}

// ConditionalExpectedSpend returns the expected spend per transaction of a
// customer with x repeat transactions of mean value zbar (FHL 2005, eq. 5;
// note 025, eq. 5), a weighted average of the population mean and the
// customer's own mean:
//
//	E[Z | x, z̄] = (q−1)/(px+q−1) · pv/(q−1) + px/(px+q−1) · z̄ = p(v + x z̄)/(px+q−1)
//
// Special cases are:
//
//	x = 0: the population mean, MeanSpend (an error when q ≤ 1)
//	px+q ≤ 1: +Inf and ErrNoMeanSpend (the posterior mean of 1/ν is infinite)
//	x < 0, zbar < 0, x or zbar not finite: NaN and an error
func (g GammaGamma) ConditionalExpectedSpend(x, zbar float64) (float64, error) {
	if !(x >= 0) || !(zbar >= 0) || math.IsInf(x, 0) || math.IsInf(zbar, 0) {
		return math.NaN(), fmt.Errorf("gamma-gamma: conditional spend for x = %v, mean spend = %v: both must be finite and ≥ 0", x, zbar)
	}
	if x == 0 {
		return g.MeanSpend()
	}
	den := g.P*x + g.Q - 1
	if !(den > 0) {
		return math.Inf(1), fmt.Errorf("%w: p·x+q−1 = %v for x = %v", ErrNoMeanSpend, den, x)
	}
	// (q−1)/(px+q−1) · pv/(q−1) simplifies to pv/(px+q−1), which also
	// holds at q = 1; both weights stay in [0, 1] for q ≥ 1.
	return g.P*g.V/den + g.P*x/den*zbar, nil
}

// FitGammaGamma fits the Gamma-Gamma model by maximum likelihood to the
// customers with at least one repeat transaction (x ≥ 1) and a positive mean
// spend; the others are counted in GammaGammaFit.Excluded (and those with
// x ≥ 1 but z̄ ≤ 0 also in NonPositive). Default starting values are p = 1,
// q = 2, v = the weighted mean of z̄ (lifetimes starts from ones; a scale
// near the data's converges in fewer steps to the same optimum).
//
// Errors are:
//
//	a row with a non-finite field or a negative frequency or weight: a *RowError
//	no eligible customer, fewer than two, or a single distinct mean spend
//	  among them: wraps ErrNotIdentified
//	the optimiser does not converge: wraps ErrNotConverged
//	bad options (start values, penalty): a plain error
//
// The parameter order in Fit is p, q, v. A fit may succeed with q ≤ 1, in
// which case the population mean spend does not exist (MeanSpend).
func FitGammaGamma(rows []SpendRow, opt FitOptions) (GammaGamma, GammaGammaFit, error) {
	var res GammaGammaFit
	var used, excluded float64
	nRows := 0
	var sw, sx, sz float64
	distinct := false
	firstZ := math.NaN()
	for i, r := range rows {
		if err := checkSpendRow(i, r); err != nil {
			return GammaGamma{}, res, fmt.Errorf("gamma-gamma fit: %w", err)
		}
		if !gammaGammaEligible(r) {
			excluded += r.Weight
			if r.Frequency >= 1 && !(r.MeanSpend > 0) {
				res.NonPositive += r.Weight
			}
			continue
		}
		used += r.Weight
		nRows++
		sw += r.Weight
		sx += r.Weight * r.Frequency
		sz += r.Weight * r.MeanSpend
		if math.IsNaN(firstZ) {
			firstZ = r.MeanSpend
		} else if r.MeanSpend != firstZ {
			distinct = true
		}
	}
	res.Excluded = excluded
	if used == 0 {
		return GammaGamma{}, res, fmt.Errorf("gamma-gamma fit: %w: no customer with a repeat purchase (x ≥ 1) and a positive mean spend", ErrNotIdentified)
	}
	if used < 2 || !distinct {
		return GammaGamma{}, res, fmt.Errorf("gamma-gamma fit: %w: %v eligible customers with %s", ErrNotIdentified, used, map[bool]string{true: "varying mean spends", false: "a single mean spend"}[distinct])
	}
	// Weighted Pearson correlation of x and z̄ over the fitted customers.
	mx, mz := sx/sw, sz/sw
	var cxx, czz, cxz float64
	for _, r := range rows {
		if !gammaGammaEligible(r) {
			continue
		}
		dx, dz := r.Frequency-mx, r.MeanSpend-mz
		cxx += r.Weight * dx * dx
		czz += r.Weight * dz * dz
		cxz += r.Weight * dx * dz
	}
	res.Correlation = math.NaN()
	if cxx > 0 && czz > 0 {
		res.Correlation = cxz / math.Sqrt(cxx*czz)
	}
	if math.Abs(res.Correlation) > GammaGammaCorrelationThreshold {
		res.Warning = fmt.Sprintf("frequency and mean spend are correlated (Pearson r = %.3f, |r| > %.1f): the Gamma-Gamma model assumes they are independent, so its spend predictions may be biased", res.Correlation, GammaGammaCorrelationThreshold)
	}

	ix := newSpendIndex(rows)
	fit, err := maximize(problem{
		names: []string{"p", "q", "v"},
		start: []float64{1, 2, mz},
		logLik: func(t []float64) float64 {
			return gammaGammaLL(t[0], t[1], t[2], ix)
		},
		logLikGrad: func(t, g []float64) float64 {
			return gammaGammaLLGrad(t[0], t[1], t[2], ix, g)
		},
		rows:      nRows,
		customers: used,
	}, opt)
	res.Fit = fit
	if err != nil {
		return GammaGamma{}, res, fmt.Errorf("gamma-gamma fit: %w", err)
	}
	return GammaGamma{P: fit.Params[0], Q: fit.Params[1], V: fit.Params[2]}, res, nil
}
