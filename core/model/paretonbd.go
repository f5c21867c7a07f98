package model

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/integrate/quad"
)

// ParetoNBD is the Pareto/NBD model of repeat buying (Schmittlein, Morrison
// & Colombo 1987, "Counting your customers: who are they and what will they
// do next?", Management Science 33(1)), in the formulation of Fader & Hardie
// (2005), "A note on deriving the Pareto/NBD model and related expressions"
// (note 008).
//
// While active, a customer buys at Poisson rate λ ~ Gamma(R, Alpha); the
// customer's unobserved lifetime is exponential with rate μ ~ Gamma(S, Beta)
// (shape, rate; Alpha and Beta are in the data's time unit).
type ParetoNBD struct {
	R, Alpha float64 // purchase-rate heterogeneity (shape, rate)
	S, Beta  float64 // dropout-rate heterogeneity (shape, rate)
}

var paretoNames = []string{"r", "alpha", "s", "beta"}

// FitParetoNBD fits a Pareto/NBD model to rows by maximum likelihood, with
// the same validation and determinism as FitBGNBD. The default start is
// r = s = 1, alpha = mean T / mean x, beta = mean T. The fit uses the
// analytic gradient (paretoLogLik) and ends with Newton steps on it, so it
// lands on the optimum itself and gives the same parameters, to rounding,
// on every platform. Compress the rows first for speed; the result does not
// depend on it beyond rounding.
func FitParetoNBD(rows []RFT, opt FitOptions) (ParetoNBD, Fit, error) {
	s, err := checkIdentifiable("Pareto/NBD", rows)
	if err != nil {
		return ParetoNBD{}, Fit{}, err
	}
	st := betaGeoStart(s)
	ix := newParetoIndex(rows)
	p := problem{
		names: paretoNames,
		start: []float64{1, st[1], 1, max(s.meanT, 1e-3)},
		logLik: func(th []float64) float64 {
			return paretoLogLik(ix, th[0], th[1], th[2], th[3], nil)
		},
		logLikGrad: func(th, g []float64) float64 {
			return paretoLogLik(ix, th[0], th[1], th[2], th[3], g)
		},
		gradTol:   1e-7,
		rows:      len(rows),
		customers: s.customers,
	}
	fit, err := maximize(p, opt)
	m := ParetoNBD{}
	if len(fit.Params) == 4 {
		m = ParetoNBD{R: fit.Params[0], Alpha: fit.Params[1], S: fit.Params[2], Beta: fit.Params[3]}
	}
	if err != nil && m.S > 100 {
		// The likelihood still rises as s and β grow together: dropout
		// rates that do not vary across customers, the boundary of the
		// model (see maxTiedTerms).
		err = fmt.Errorf("%w; s (%.4g) and β (%.4g) were still growing together: the data cannot tell customers' dropout rates apart "+
			"(as when every customer stopped buying long before the observation end); BG/NBD or an earlier observation end may fit", err, m.S, m.Beta)
	}
	return m, fit, err
}

// LogLikelihood returns the total log-likelihood of rows (weights applied),
// note 008 eq. 19, in log space.
func (m ParetoNBD) LogLikelihood(rows []RFT) float64 {
	return sumRows(len(rows), func(lo, hi int) float64 {
		s := 0.0
		for _, r := range rows[lo:hi] {
			s += r.Weight * m.logLik(r.X, r.TX, r.T)
		}
		return s
	})
}

// logLik is one customer's log-likelihood (note 008 eq. 19):
//
//	L = Γ(r+x) α^r β^s / Γ(r) · [1/((α+T)^(r+x) (β+T)^s) + s/(r+s+x) · A₀].
func (m ParetoNBD) logLik(x, tx, T float64) float64 {
	r, al, s, be := m.R, m.Alpha, m.S, m.Beta
	head := lgamma(r+x) - lgamma(r) + r*math.Log(al) + s*math.Log(be)
	l1 := -(r+x)*math.Log(al+T) - s*math.Log(be+T)
	l2 := math.Log(s) - math.Log(r+s+x) + m.logA0(x, tx, T)
	return head + logAddExp(l1, l2)
}

// logA0 returns log A₀ of note 008 (eqs. 20-21). With α ≥ β,
//
//	A₀ = ₂F₁(r+s+x, s+1; r+s+x+1; (α−β)/(α+t_x)) / (α+t_x)^(r+s+x)
//	   − ₂F₁(r+s+x, s+1; r+s+x+1; (α−β)/(α+T)) / (α+T)^(r+s+x);
//
// with α < β the roles swap: β for α in the denominators and arguments and
// r+x for s+1. Either way the argument lies in [0, 1) and the Gauss series
// has positive terms, summed in log space by log2F1Pos. A₀ is the
// integral ∫_{t_x}^{T} (α+τ)^−(r+x) (β+τ)^−(s+1) dτ times (r+s+x), so it is
// positive for t_x < T and zero for t_x = T.
func (m ParetoNBD) logA0(x, tx, T float64) float64 {
	r, al, s, be := m.R, m.Alpha, m.S, m.Beta
	rsx := r + s + x
	big, b2 := al, s+1
	if al < be {
		big, b2 = be, r+x
	}
	diff := math.Abs(al - be)
	f1 := log2F1Pos(rsx, b2, rsx+1, diff/(big+tx)) - rsx*math.Log(big+tx)
	if tx == T {
		return math.Inf(-1)
	}
	f2 := log2F1Pos(rsx, b2, rsx+1, diff/(big+T)) - rsx*math.Log(big+T)
	return logSubExp(f1, f2)
}

// ProbabilityAlive returns P(alive at T | x, t_x, T) (note 008 eq. 23):
//
//	1 / (1 + s/(r+s+x) · (α+T)^(r+x) (β+T)^s · A₀),
//
// in log space.
//
// Special cases are:
//
//	ProbabilityAlive(x, T, T) = 1 (last purchase at the end of the period)
func (m ParetoNBD) ProbabilityAlive(x, tx, T float64) float64 {
	r, al, s, be := m.R, m.Alpha, m.S, m.Beta
	d := math.Log(s) - math.Log(r+s+x) + (r+x)*math.Log(al+T) + s*math.Log(be+T) + m.logA0(x, tx, T)
	return logistic(-d)
}

// ExpectedPurchases returns E[X(t)] for a new customer (note 008 eq. 17):
//
//	rβ/(α(s−1)) · [1 − (β/(β+t))^(s−1)],
//
// which is rβ/α · log(1 + t/β) at s = 1; evaluated without dividing by s−1.
func (m ParetoNBD) ExpectedPurchases(t float64) float64 {
	if !(t > 0) {
		return 0
	}
	return m.R / m.Alpha * m.Beta * expm1Ratio(m.S-1, math.Log1p(t/m.Beta))
}

// ConditionalExpectedPurchases returns E[Y(t) | x, t_x, T] (note 008
// eq. 25):
//
//	(r+x)(β+T)/((α+T)(s−1)) · [1 − ((β+T)/(β+T+t))^(s−1)] · P(alive | x, t_x, T).
func (m ParetoNBD) ConditionalExpectedPurchases(t, x, tx, T float64) float64 {
	return m.ProbabilityAlive(x, tx, T) * m.expectedIfAlive(t, x, T)
}

func (m ParetoNBD) expectedIfAlive(t, x, T float64) float64 {
	if !(t > 0) {
		return 0
	}
	bt := m.Beta + T
	return (m.R + x) / (m.Alpha + T) * bt * expm1Ratio(m.S-1, math.Log1p(t/bt))
}

// ProbabilityPurchases returns P(X(t) = n) for a new customer. Fader &
// Hardie (2006, "Deriving an expression for P(X(t) = x) under the
// Pareto/NBD model") give a closed form as a difference of ₂F₁ terms that
// cancels badly for large n; this evaluates the equivalent mixture over the
// customer's lifetime τ instead:
//
//	P(X(t) = n) = (β/(β+t))^s · NBD(n; r, α, t) + ∫₀ᵗ f(τ) · NBD(n; r, α, τ) dτ,
//
// where f(τ) = (s/β)(β/(β+τ))^(s+1) is the Pareto (Lomax) density of the
// lifetime, with the integral by tanh-sinh quadrature in log space.
//
// Special cases are:
//
//	ProbabilityPurchases(n < 0, t) = 0
//	ProbabilityPurchases(0, 0) = 1
func (m ParetoNBD) ProbabilityPurchases(n int, t float64) float64 {
	if n < 0 {
		return 0
	}
	if !(t > 0) {
		if n == 0 {
			return 1
		}
		return 0
	}
	var p [1]float64
	m.probabilityPurchasesFrom(n, t, p[:])
	return p[0]
}

// probabilitiesPurchases stores P(X(t) = n) for n = 0 .. len(dst)−1 in
// dst, as ProbabilityPurchases would, bit for bit: the quadrature nodes do
// not depend on n, so all but the last exponential of each node is computed
// once for all n (FrequencyHistogram asks for several n at each T).
func (m ParetoNBD) probabilitiesPurchases(t float64, dst []float64) {
	if !(t > 0) {
		for n := range dst {
			dst[n] = 0
		}
		if len(dst) > 0 {
			dst[0] = 1
		}
		return
	}
	m.probabilityPurchasesFrom(0, t, dst)
}

// probabilityPurchasesFrom stores P(X(t) = n0+i) in dst[i], for t > 0.
func (m ParetoNBD) probabilityPurchasesFrom(n0 int, t float64, dst []float64) {
	r, al, s, be := m.R, m.Alpha, m.S, m.Beta
	// ∫₀ᵗ with τ = t·p, p = 1/(1 + e^(−π sinh u)).
	const h = 1.0 / 48
	const umax = 4.0
	const nodes = 2*int(umax/h) + 1
	// Per node: −r log1p(τ/α), log τ − log(α+τ) = log t + log p − log(α+τ),
	// −(s+1) log1p(τ/β), log p, log(1−p) and cosh u.
	var lr, lx, lf, lp, lq, wc [nodes]float64
	for k := range nodes {
		u := float64(k-int(umax/h)) * h
		sh := math.Pi * math.Sinh(u)
		logP, logQ := -softplus(-sh), -softplus(sh)
		tau := t * math.Exp(logP)
		lr[k] = -r * math.Log1p(tau/al)
		lx[k] = math.Log(t) + logP - math.Log(al+tau)
		lf[k] = -(s + 1) * math.Log1p(tau/be)
		lp[k], lq[k] = logP, logQ
		wc[k] = math.Cosh(u)
	}
	for i := range dst {
		n := n0 + i
		fn := float64(n)
		survive := -s*math.Log1p(t/be) + logNBD(n, r, al, t)
		lc := lgamma(r+fn) - lgamma(r) - lgamma(fn+1) + math.Log(s/be) + math.Log(t)
		sum := 0.0
		for k := range nodes {
			// log NBD(n; τ) = lc' − r log(1+τ/α) + n log(τ/(α+τ)).
			lnbd := lr[k]
			if n > 0 {
				lnbd = lr[k] + fn*lx[k]
			}
			sum += math.Exp(lc+lnbd+lf[k]+lp[k]+lq[k]) * math.Pi * wc[k]
		}
		dst[i] = math.Exp(survive) + sum*h
	}
}

// DERT returns the discounted expected residual transactions of a customer
// with history (x, t_x, T) (Fader, Hardie & Lee 2005, "RFM and CLV: using
// iso-value curves for customer base analysis", JMR 42(4), eq. 2):
//
//	DERT(δ) = α^r β^s δ^(s−1) Γ(r+x+1) Ψ(s, s; δ(β+T)) / (Γ(r) (α+T)^(r+x+1) L(r, α, s, β | x, t_x, T)),
//
// with δ the continuously compounded discount rate per unit of the data's
// time (an annual rate d_year on weekly data gives δ = ln(1 + d_year)/52;
// FHL use 15% a year, δ = 0.0027 per week), Ψ Tricomi's confluent
// hypergeometric function and L the likelihood. It is evaluated as the
// equivalent
//
//	DERT(δ) = P(alive | x, t_x, T) · (r+x)/(α+T) · E[1/(δ+μ)], μ ~ Gamma(s, β+T),
//
// since (β+T)^s δ^(s−1) Ψ(s, s; δ(β+T)) = E[1/(δ+μ)], with the expectation
// written as ∫₀^∞ e^(−δu) ((β+T)/(β+T+u))^s du and integrated by
// Gauss-Legendre quadrature after u = (β+T)(eʷ − 1), which turns the
// algebraic tail into a double-exponential one.
//
// Special cases are:
//
//	DERT(δ < 0 or NaN, ...) = NaN
//	DERT(0, ...) = P(alive)·(r+x)/(α+T)·(β+T)/(s−1) if s > 1, +Inf otherwise
func (m ParetoNBD) DERT(delta, x, tx, T float64) float64 {
	if !(delta >= 0) {
		return math.NaN()
	}
	return m.ProbabilityAlive(x, tx, T) * (m.R + x) / (m.Alpha + T) * discountedLifetime(delta, m.S, m.Beta+T)
}

// discountedLifetime returns E[1/(δ+μ)] for μ ~ Gamma(s, beta): the expected
// discounted remaining lifetime ∫₀^∞ e^(−δu) P(alive at u) du.
func discountedLifetime(delta, s, beta float64) float64 {
	if delta == 0 {
		if s > 1 {
			return beta / (s - 1)
		}
		return math.Inf(1)
	}
	z := delta * beta
	// beta ∫₀^∞ exp(−z(eʷ−1) + (1−s)w) dw; cut where the exponent is < −60.
	W := math.Log1p(60 / z)
	if s < 1 {
		W = math.Log1p((60 + (1-s)*W) / z)
		W = math.Log1p((60 + (1-s)*W) / z)
	}
	f := func(w float64) float64 { return math.Exp(-z*math.Expm1(w) + (1-s)*w) }
	panels := int(math.Ceil(W))
	sum := 0.0
	for i := range panels {
		lo := W * float64(i) / float64(panels)
		hi := W * float64(i+1) / float64(panels)
		sum += quad.Fixed(f, lo, hi, 20, quad.Legendre{}, 0)
	}
	return beta * sum
}
