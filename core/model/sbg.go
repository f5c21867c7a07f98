package model

import (
	"errors"
	"fmt"
	"math"
)

// SBG is the shifted-beta-geometric (sBG) model of contractual retention of
// Fader & Hardie (2007), "How to Project Customer Retention", J. Interactive
// Marketing 21(1), 76–90 (FH 2007 below).
//
// Each customer renews at the end of every period with her own probability
// 1−θ and, once she has churned, never returns; θ ~ beta(Alpha, Beta) across
// the cohort. Periods are counted from acquisition: period 1 is the first
// contract period, T ≥ 1 is the period in which the customer churns, and
// S(t) = P(T > t) is the share of the cohort still a customer at the start
// of period t+1 (having renewed t times).
type SBG struct {
	// Alpha and Beta are the beta parameters of the per-period churn
	// probability θ (α, β > 0). Its mean is α/(α+β).
	Alpha, Beta float64
}

// ErrInfiniteLifetime is returned by SBG.ExpectedLifetime when α ≤ 1: the
// survival function decays like t^(−α), so Σ S(t) diverges and the mean
// lifetime is infinite, however fast most customers churn.
var ErrInfiniteLifetime = errors.New("sbg: expected lifetime is infinite (alpha ≤ 1)")

func sbgValidParams(m SBG) bool {
	return m.Alpha > 0 && m.Beta > 0 && !math.IsInf(m.Alpha, 1) && !math.IsInf(m.Beta, 1)
}

// logChurn returns ln P(T = t) = ln B(α+1, β+t−1) − ln B(α, β), t ≥ 1,
// written as ln α − [lnΓ(β+t+α) − lnΓ(β+t−1)] + [lnΓ(α+β) − lnΓ(β)] so far
// horizons keep their digits (see modelBLogGammaRatio).
func (m SBG) logChurn(t float64) float64 {
	if t == 1 {
		return math.Log(m.Alpha / (m.Alpha + m.Beta))
	}
	return math.Log(m.Alpha) - modelBLogGammaRatio(m.Beta+t-1, m.Alpha+1) + modelBLogGammaRatio(m.Beta, m.Alpha)
}

// logSurvival returns ln S(t) = ln B(α, β+t) − ln B(α, β), t ≥ 0, as
// [lnΓ(α+β) − lnΓ(β)] − [lnΓ(α+β+t) − lnΓ(β+t)].
func (m SBG) logSurvival(t float64) float64 {
	if t == 0 {
		return 0
	}
	return modelBLogGammaRatio(m.Beta, m.Alpha) - modelBLogGammaRatio(m.Beta+t, m.Alpha)
}

// ChurnProbability returns P(T = t), the probability that a newly acquired
// customer churns in period t (FH 2007, eq. 7):
//
//	P(T = t) = B(α+1, β+t−1) / B(α, β),  t = 1, 2, ...
//
// Special cases: 0 for t < 1; NaN for invalid parameters.
func (m SBG) ChurnProbability(t int) float64 {
	if !sbgValidParams(m) {
		return math.NaN()
	}
	if t < 1 {
		return 0
	}
	return math.Exp(m.logChurn(float64(t)))
}

// Survival returns S(t) = P(T > t), the share of a cohort still customers
// after t renewal decisions (FH 2007, eq. 8):
//
//	S(t) = B(α, β+t) / B(α, β),  t = 0, 1, ...
//
// Special cases: 1 for t ≤ 0; NaN for invalid parameters. Far horizons are
// computed in log space and decay to 0 without overflow.
func (m SBG) Survival(t int) float64 {
	if !sbgValidParams(m) {
		return math.NaN()
	}
	if t <= 0 {
		return 1
	}
	return math.Exp(m.logSurvival(float64(t)))
}

// Retention returns the retention rate r_t = S(t)/S(t−1), the share of the
// customers alive at the start of period t who renew at its end (FH 2007,
// eq. 6):
//
//	r_t = (β + t − 1) / (α + β + t − 1),  t = 1, 2, ...
//
// It increases with t: the sorting effect of a heterogeneous cohort.
// Special cases: NaN for t < 1 or invalid parameters.
func (m SBG) Retention(t int) float64 {
	if t < 1 || !sbgValidParams(m) {
		return math.NaN()
	}
	ft := float64(t)
	return (m.Beta + ft - 1) / (m.Alpha + m.Beta + ft - 1)
}

// SurvivalCurve returns S(1), ..., S(n); nil for n < 1.
func (m SBG) SurvivalCurve(n int) []float64 {
	return sbgCurve(n, m.Survival)
}

// RetentionCurve returns r_1, ..., r_n; nil for n < 1.
func (m SBG) RetentionCurve(n int) []float64 {
	return sbgCurve(n, m.Retention)
}

// ChurnCurve returns P(T = 1), ..., P(T = n); nil for n < 1.
func (m SBG) ChurnCurve(n int) []float64 {
	return sbgCurve(n, m.ChurnProbability)
}

func sbgCurve(n int, f func(int) float64) []float64 {
	if n < 1 {
		return nil
	}
	out := make([]float64, n)
	for i := range out {
		out[i] = f(i + 1)
	}
	return out
}

// sbgMaxPeriod bounds the search of MedianLifetime: 2^53, the largest range
// in which every whole number of periods is exact in a float64.
const sbgMaxPeriod = 1 << 53

// MedianLifetime returns the median lifetime in periods: the smallest whole
// t ≥ 1 with S(t) ≤ 0.5. Special cases: +Inf when S(2^53) > 0.5 (α tiny: the
// median exists but is astronomically far away); NaN for invalid parameters.
func (m SBG) MedianLifetime() float64 {
	if !sbgValidParams(m) {
		return math.NaN()
	}
	ln2 := -math.Ln2
	above := func(t float64) bool { return m.logSurvival(t) > ln2 }
	// S is decreasing in t: double to bracket, then bisect.
	lo, hi := 0.0, 1.0
	for above(hi) {
		if hi >= sbgMaxPeriod {
			return math.Inf(1)
		}
		lo, hi = hi, math.Min(2*hi, sbgMaxPeriod)
	}
	// Invariant: S(lo) > 0.5 ≥ S(hi).
	for hi-lo > 1 {
		mid := math.Floor((lo + hi) / 2)
		if above(mid) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi
}

// ExpectedLifetime returns the mean lifetime E[T] in periods of a newly
// acquired customer, E[T] = Σ_{t≥0} S(t) = (α+β−1)/(α−1) for α > 1.
//
// For α ≤ 1 the sum diverges: the few customers with θ near 0 stay so long
// that the mean is infinite, although the median (MedianLifetime) is finite.
// ExpectedLifetime then returns +Inf and ErrInfiniteLifetime, never a
// truncated sum; use DERL, which discounts, or a finite horizon instead.
// Invalid parameters give NaN and an error.
func (m SBG) ExpectedLifetime() (float64, error) {
	if !sbgValidParams(m) {
		return math.NaN(), fmt.Errorf("sbg: invalid parameters alpha = %v, beta = %v", m.Alpha, m.Beta)
	}
	if m.Alpha <= 1 {
		return math.Inf(1), ErrInfiniteLifetime
	}
	return (m.Alpha + m.Beta - 1) / (m.Alpha - 1), nil
}

// DERL returns the discounted expected residual lifetime, in periods, of a
// customer who has made n−1 renewals and is about to make her n-th renewal
// decision (Fader & Hardie 2010, "Customer-Base Valuation in a Contractual
// Setting: The Perils of Ignoring Heterogeneity", Marketing Science 29(1),
// eq. 6):
//
//	DERL(d | α, β, n) = Σ_{t≥n} S(t)/S(n−1) / (1+d)^(t−n)
//	                  = (β+n−1)/(α+β+n−1) · 2F1(1, β+n; α+β+n; 1/(1+d))
//
// where d is discountRatePerPeriod. Each future payment is made at the start
// of a period, so the n-th renewal (if it happens) is counted undiscounted.
// Multiply by the margin per period for the residual value. n = 1 is a
// customer just acquired who has not yet renewed (the payment of period 1,
// already made, is not included).
//
// Special cases are:
//
//	d = 0, α > 1: the undiscounted residual lifetime (β+n−1)/(α−1)
//	d = 0, α ≤ 1: +Inf
//	n < 1, d < 0 or NaN, invalid parameters: NaN
func (m SBG) DERL(discountRatePerPeriod float64, n int) float64 {
	d := discountRatePerPeriod
	if n < 1 || !(d >= 0) || math.IsInf(d, 1) || !sbgValidParams(m) {
		return math.NaN()
	}
	fn := float64(n)
	r := (m.Beta + fn - 1) / (m.Alpha + m.Beta + fn - 1)
	if d == 0 {
		if m.Alpha <= 1 {
			return math.Inf(1)
		}
		// 2F1(1, β+n; α+β+n; 1) = (α+β+n−1)/(α−1) (Gauss).
		return (m.Beta + fn - 1) / (m.Alpha - 1)
	}
	return r * modelBHyp2F1Unit(m.Beta+fn, m.Alpha, 1/(1+d))
}

// LogLikelihood returns the log-likelihood of a cohort's survival counts
// under m (FH 2007, eq. 9): alive[0] is the cohort size, alive[t] the number
// still customers at the start of period t+1 (after t renewals), so
// alive[t−1]−alive[t] churned in period t and the alive[T] still active at
// the end are right-censored:
//
//	LL = Σ_{t=1}^{T} (alive[t−1]−alive[t]) ln P(T=t) + alive[T] ln S(T)
//
// Special cases: NaN for invalid parameters or counts that are negative,
// not finite or increasing; 0 for fewer than two counts.
func (m SBG) LogLikelihood(alive []float64) float64 {
	if !sbgValidParams(m) || sbgCheckCounts(alive) != nil {
		return math.NaN()
	}
	return m.totalLL(alive)
}

func (m SBG) totalLL(alive []float64) float64 {
	if len(alive) < 2 {
		return 0
	}
	s := 0.0
	for t := 1; t < len(alive); t++ {
		if c := alive[t-1] - alive[t]; c > 0 {
			s += c * m.logChurn(float64(t))
		}
	}
	if last := alive[len(alive)-1]; last > 0 {
		s += last * m.logSurvival(float64(len(alive)-1))
	}
	return s
}

// totalLLGrad returns totalLL(alive) and stores its gradient with respect
// to (α, β) in g. With H(x, n) = Σ_{k=0}^{n−1} 1/(x+k) = ψ(x+n) − ψ(x)
// (digamma differences at whole offsets, summed exactly in a fixed order):
//
//	∂/∂α ln P(T=t) = 1/α − H(α+β, t)        ∂/∂β ln P(T=t) = H(β, t−1) − H(α+β, t)
//	∂/∂α ln S(t)   = −H(α+β, t)             ∂/∂β ln S(t)   = H(β, t) − H(α+β, t)
//
// from ∂ ln B(a, b)/∂a = ψ(a) − ψ(a+b). Walking t upwards extends each H by
// one term.
func (m SBG) totalLLGrad(alive []float64, g []float64) float64 {
	g[0], g[1] = 0, 0
	if len(alive) < 2 {
		return 0
	}
	ab := m.Alpha + m.Beta
	hB, hAB := 0.0, 0.0 // H(β, t−1) and H(α+β, t−1) at the top of step t
	for t := 1; t < len(alive); t++ {
		hBnext := hB + 1/(m.Beta+float64(t-1)) // H(β, t)
		hAB += 1 / (ab + float64(t-1))         // H(α+β, t)
		if c := alive[t-1] - alive[t]; c > 0 {
			g[0] += c * (1/m.Alpha - hAB)
			g[1] += c * (hB - hAB)
		}
		hB = hBnext
	}
	if last := alive[len(alive)-1]; last > 0 {
		g[0] += last * -hAB
		g[1] += last * (hB - hAB)
	}
	return m.totalLL(alive)
}

func sbgCheckCounts(alive []float64) error {
	for t, a := range alive {
		if !(a >= 0) || math.IsInf(a, 1) {
			return fmt.Errorf("alive[%d] = %v: counts must be finite and ≥ 0", t, a)
		}
		if t > 0 && a > alive[t-1] {
			return fmt.Errorf("alive[%d] = %v > alive[%d] = %v: a cohort cannot grow", t, a, t-1, alive[t-1])
		}
	}
	return nil
}

// FitSBG fits the sBG model by maximum likelihood (FH 2007, eq. 9) to one
// cohort's survival counts alive[0..T] (see LogLikelihood). Counts may be
// fractional (for example percentages). The parameter order in Fit is
// alpha, beta; default starting values are both 1.
//
// It returns an error when the counts are invalid (see LogLikelihood) or do
// not identify the model: fewer than two periods observed (T < 2), an empty
// cohort, nobody churning, or the whole cohort churning in period 1 (θ = 1
// for all, a boundary with no maximum).
func FitSBG(alive []float64, opt FitOptions) (SBG, Fit, error) {
	if err := sbgCheckCounts(alive); err != nil {
		return SBG{}, Fit{}, fmt.Errorf("sbg fit: %w", err)
	}
	switch T := len(alive) - 1; {
	case T < 2:
		return SBG{}, Fit{}, fmt.Errorf("sbg fit: %d counts: need the cohort size and at least 2 periods to identify alpha and beta", len(alive))
	case alive[0] == 0:
		return SBG{}, Fit{}, errors.New("sbg fit: empty cohort (alive[0] = 0)")
	case alive[T] == alive[0]:
		return SBG{}, Fit{}, fmt.Errorf("sbg fit: nobody churned in %d periods: the churn distribution is not identified", T)
	case alive[1] == 0:
		return SBG{}, Fit{}, errors.New("sbg fit: the whole cohort churned in period 1: the churn distribution is not identified")
	}
	fit, err := maximize(problem{
		names: []string{"alpha", "beta"},
		start: []float64{1, 1},
		logLik: func(t []float64) float64 {
			return SBG{t[0], t[1]}.totalLL(alive)
		},
		// The analytic gradient takes the fit to BFGS and the Newton
		// finish, which land on the optimum itself: the same parameters
		// to ~1e-13 on every platform (core/crossbuild_test.go).
		logLikGrad: func(t, g []float64) float64 {
			return SBG{t[0], t[1]}.totalLLGrad(alive, g)
		},
		rows:      len(alive) - 1,
		customers: alive[0],
	}, opt)
	if err != nil {
		return SBG{}, fit, fmt.Errorf("sbg fit: %w", err)
	}
	return SBG{fit.Params[0], fit.Params[1]}, fit, nil
}
