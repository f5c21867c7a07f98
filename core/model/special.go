package model

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// This file holds the log-space special functions the purchase models share.

// logAddExp returns log(eˣ + eʸ) without overflow.
func logAddExp(x, y float64) float64 {
	if x < y {
		x, y = y, x
	}
	if math.IsInf(y, -1) {
		return x
	}
	return x + math.Log1p(math.Exp(y-x))
}

// logSubExp returns log(eˣ − eʸ) for x ≥ y; −Inf when x == y.
func logSubExp(x, y float64) float64 {
	if math.IsInf(y, -1) {
		return x
	}
	if y >= x {
		return math.Inf(-1)
	}
	return x + log1mExp(y-x)
}

// log1mExp returns log(1 − eᵈ) for d < 0, accurately for d near 0 and for
// very negative d (Mächler 2012, "Accurately computing log(1 − exp(−|a|))").
func log1mExp(d float64) float64 {
	if d > -math.Ln2 {
		return math.Log(-math.Expm1(d))
	}
	return math.Log1p(-math.Exp(d))
}

// logistic returns 1/(1 + e⁻ᵈ) without overflow.
func logistic(d float64) float64 {
	if d >= 0 {
		return 1 / (1 + math.Exp(-d))
	}
	e := math.Exp(d)
	return e / (1 + e)
}

// expm1Ratio returns (1 − e^{−εL})/ε, the limit L as ε → 0. It is the
// building block of "(1 − y^ε)/ε" expressions that appear with ε = s − 1 in
// the Pareto/NBD and ε = a − 1 in the BG/NBD.
func expm1Ratio(eps, L float64) float64 {
	if eps == 0 {
		return L
	}
	return -math.Expm1(-eps*L) / eps
}

// log2F1Pos returns log ₂F₁(a, b; c; z) for a, b, c > 0 and 0 ≤ z < 1 by
// summing the Gauss series, whose terms are then all positive so no
// cancellation occurs. The partial sum is rescaled as it grows, so the
// result is finite even when ₂F₁ itself overflows a float64 (e.g. a, b in
// the hundreds with z near 1, as for heavy buyers in the Pareto/NBD).
//
// Special cases are:
//
//	log2F1Pos(a, b, c, 0) = 0
//	log2F1Pos(a, b, c, z) = NaN if z < 0, z ≥ 1 or the series has not
//	converged after maxSeriesTerms terms.
func log2F1Pos(a, b, c, z float64) float64 {
	if z == 0 {
		return 0
	}
	if !(z > 0 && z < 1) {
		return math.NaN()
	}
	const big = 1e250
	sum, term, logScale := 1.0, 1.0, 0.0
	for n := 0; n < maxSeriesTerms; n++ {
		fn := float64(n)
		ratio := (a + fn) * (b + fn) / ((c + fn) * (fn + 1)) * z
		term *= ratio
		sum += term
		if sum > big {
			sum /= big
			term /= big
			logScale += math.Log(big)
		}
		// Once the ratios are below one the tail is bounded by a geometric
		// series with ratio max(next ratio, z) (the ratios tend to z).
		next := (a + fn + 1) * (b + fn + 1) / ((c + fn + 1) * (fn + 2)) * z
		rho := max(next, z)
		if rho < 1 && term*rho/(1-rho) <= 1e-17*sum {
			return math.Log(sum) + logScale
		}
	}
	return math.NaN()
}

// maxSeriesTerms bounds every series in this package. Series that need more
// report failure and the caller falls back to quadrature (or NaN).
const maxSeriesTerms = 1_000_000

// maxTiedTerms bounds log2F1Tied's series, which only the Pareto/NBD fit
// evaluates (predictions use log2F1 with its quadrature fallback). When
// the data cannot tell customers' dropout rates apart (every customer long
// gone), the fit pushes s and β upwards together, z = |α−β|/(max(α, β)+t)
// tends to 1 and the series needs about 40/(1−z) terms a row: with a
// million terms allowed, each evaluation took seconds and such a fit ran
// for hours. A NaN is a point the optimiser steps back from, so the fit
// now ends, with "did not converge". 100,000 terms cover z up to about
// 0.9996, beyond any optimum seen on real data.
const maxTiedTerms = 100_000

// expectedIfAliveBG returns the expected number of purchases in the next t
// time units of a customer who is alive now, whose purchase rate λ has a
// Gamma(r, alpha) distribution (shape, rate) and who drops out after each
// purchase with probability p ~ Beta(a, b):
//
//	h(t) = ∫₀¹ Beta(p; a, b) · (1 − (1 + p t/alpha)^(−r)) / p dp
//
// because a live customer with rate λ and dropout p makes (1 − e^(−λpt))/p
// purchases in t on average (Fader, Hardie & Lee 2005, "Counting your
// customers the easy way", §4) and E[e^(−λpt)] = (1 + pt/alpha)^(−r). The
// BG/NBD's eq. 9 (unconditional, r, alpha, a, b) and eq. 10 (conditional,
// r+x, alpha+T, a, b+x) and the MBG/NBD's (b+x+1) are this integral; it is
// the closed form
//
//	(a+b−1)/(a−1) · [1 − (alpha/(alpha+t))^r ₂F₁(r, b; a+b−1; t/(alpha+t))],
//
// which divides by a−1 and has ₂F₁'s parameter c = a+b−1 ≤ 0 for some legal
// a, b. Here instead it is summed as one of two cancellation-free series,
// obtained from the integral by Pfaff's transformation:
//
//   - k = t/alpha ≤ 1/2: h = Σ_{n≥1} (−1)^(n+1) (r)_n (a)_(n−1) / ((a+b)_(n−1) n!) kⁿ;
//   - z = t/(alpha+t) ≤ 0.95: h = (a+b−1)·(1 − (1−z)^(a−1))/(a−1)
//     − (1−z)^(a−1) Σ_{n≥1} (a+b−1−r)_n (a)_(n−1) / ((a+b)_(n−1) n!) zⁿ,
//
// neither of which divides by a−1 (the first term is expm1Ratio), and
// otherwise (z near 1, or a series losing more than 6 digits to
// cancellation) by tanh-sinh quadrature of the integral itself.
//
// Special cases are:
//
//	expectedIfAliveBG(t ≤ 0, ...) = 0
//	expectedIfAliveBG(+Inf, r, alpha, a, b) = +Inf if a ≤ 1, (a+b−1)/(a−1) otherwise
func expectedIfAliveBG(t, r, alpha, a, b float64) float64 {
	if !(t > 0) {
		return 0
	}
	if math.IsInf(t, 1) {
		if a <= 1 {
			return math.Inf(1)
		}
		return (a + b - 1) / (a - 1)
	}
	k := t / alpha
	if k <= 0.5 {
		if v, ok := bgSeriesK(k, r, a, b); ok {
			return v
		}
	}
	z := t / (alpha + t)
	if z <= 0.95 {
		if v, ok := bgSeriesZ(z, k, r, a, b); ok {
			return v
		}
	}
	return bgQuad(k, r, a, b)
}

// bgSeriesK sums h as an alternating series in k = t/alpha (k ≤ 1/2).
func bgSeriesK(k, r, a, b float64) (float64, bool) {
	term := r * k
	sum, maxAbs := term, math.Abs(term)
	for n := 1; n < 10_000; n++ {
		fn := float64(n)
		term *= -(r + fn) * (a + fn - 1) / ((a + b + fn - 1) * (fn + 1)) * k
		sum += term
		if a := math.Abs(term); a > maxAbs { // max() is a runtime call under js/wasm
			maxAbs = a
		}
		if math.Abs(term) <= 1e-17*math.Abs(sum) {
			return sum, sum > 0 && maxAbs <= 1e6*sum
		}
	}
	return 0, false
}

// bgSeriesZ sums h in z = t/(alpha+t) (z ≤ 0.95) after Pfaff's
// transformation; k = t/alpha is passed to compute log(1−z) = −log1p(k)
// accurately.
func bgSeriesZ(z, k, r, a, b float64) (float64, bool) {
	c := a + b - 1
	L := math.Log1p(k) // −log(1−z)
	// (1 − (1−z)^(a−1))/(a−1) = (1 − e^(−(a−1)L))/(a−1).
	first := c * expm1Ratio(a-1, L)
	term := (c - r) * z
	sum, maxAbs := term, math.Abs(term)
	for n := 1; n < 10_000; n++ {
		fn := float64(n)
		term *= (c - r + fn) * (a + fn - 1) / ((a + b + fn - 1) * (fn + 1)) * z
		sum += term
		if a := math.Abs(term); a > maxAbs { // max() is a runtime call under js/wasm
			maxAbs = a
		}
		if math.Abs(term) <= 1e-17*math.Abs(sum) || term == 0 {
			scale := math.Exp(-(a - 1) * L) // (1−z)^(a−1)
			h := first - scale*sum
			biggest := max(math.Abs(first), scale*maxAbs, scale*math.Abs(sum))
			return h, h > 0 && biggest <= 1e6*h
		}
	}
	return 0, false
}

// bgQuad integrates h by the tanh-sinh rule (Takahasi & Mori 1974) with
// p = 1/(1 + e^(−π sinh u)), so that log p and log(1−p) are exact even where
// p underflows, and the integrable singularities of Beta(p; a, b) at 0 and 1
// are harmless.
func bgQuad(k, r, a, b float64) float64 {
	lb := mathext.Lbeta(a, b)
	// Range of u: far enough that p^a or (1−p)^b is below e^(−45).
	umax := math.Asinh(45/(math.Pi*min(a, b))) + 0.5
	umax = min(umax, 8)
	const h = 1.0 / 48
	n := int(math.Ceil(umax / h))
	sum := 0.0
	for i := -n; i <= n; i++ {
		u := float64(i) * h
		s := math.Pi * math.Sinh(u)
		logP := -softplus(-s) // log p
		logQ := -softplus(s)  // log(1−p)
		p := math.Exp(logP)
		// g(p) = (1 − (1+pk)^(−r))/p, → r k as p → 0.
		var g float64
		if p*k < 1e-8 {
			g = r * k * (1 - (r+1)*p*k/2)
		} else {
			g = -math.Expm1(-r*math.Log1p(p*k)) / p
		}
		// Beta density × dp/du = p^a (1−p)^b / B(a,b) · π cosh u.
		w := math.Exp(a*logP + b*logQ - lb)
		sum += w * g * math.Pi * math.Cosh(u)
	}
	return sum * h
}

// softplus returns log(1 + eˣ) without overflow.
func softplus(x float64) float64 {
	if x > 0 {
		return x + math.Log1p(math.Exp(-x))
	}
	return math.Log1p(math.Exp(x))
}

// logNBD returns the log of the negative binomial probability that a
// Gamma(r, alpha)-mixed Poisson process has n events in a period of length t:
// Γ(r+n)/(Γ(r) n!) (alpha/(alpha+t))^r (t/(alpha+t))^n.
func logNBD(n int, r, alpha, t float64) float64 {
	if t == 0 {
		if n == 0 {
			return 0
		}
		return math.Inf(-1)
	}
	fn := float64(n)
	lr, _ := math.Lgamma(r + fn)
	l0, _ := math.Lgamma(r)
	ln, _ := math.Lgamma(fn + 1)
	return lr - l0 - ln - r*math.Log1p(t/alpha) + fn*(math.Log(t)-math.Log(alpha+t))
}

// logNBDAtLeast returns log P(N ≥ n) for the same negative binomial count:
// the regularised incomplete beta I_{t/(alpha+t)}(n, r) (0 for n = 0).
func logNBDAtLeast(n int, r, alpha, t float64) float64 {
	if n <= 0 {
		return 0
	}
	if t == 0 {
		return math.Inf(-1)
	}
	return math.Log(mathext.RegIncBeta(float64(n), r, t/(alpha+t)))
}

// lgamma is math.Lgamma without the sign (arguments here are positive).
func lgamma(x float64) float64 {
	v, _ := math.Lgamma(x)
	return v
}

// log2F1Tied returns log ₂F₁(a, b; a+1; z) for a, b > 0 and 0 ≤ z < 1
// together with its partial derivatives with respect to a (c = a+1 moving
// with it), b and z: the ₂F₁ of the Pareto/NBD's A₀ (note 008 eqs. 20-21).
// With c = a+1 the Gauss series is
//
//	₂F₁(a, b; a+1; z) = Σₙ tₙ,  tₙ = a/(a+n) · (b)ₙ zⁿ / n!,
//
// so ∂log tₙ/∂a = n/(a(a+n)), ∂log tₙ/∂b = Σ_{k<n} 1/(b+k) and
// ∂log tₙ/∂z = n/z, and the derivatives of the sum are sums of the same
// positive terms with those weights (forward-mode differentiation of the
// series, exact up to rounding). The four sums are carried together and
// rescaled together, as in log2F1Pos, and the series stops once a
// geometric bound on every sum's tail is below 1e-17 of it.
//
// Special cases are:
//
//	log2F1Tied(a, b, 0) = 0, 0, 0, ab/(a+1)
//	log2F1Tied(a, b, z) = NaN, … if z < 0, z ≥ 1 or the series has not
//	converged after maxTiedTerms terms.
func log2F1Tied(a, b, z float64) (f, da, db, dz float64) {
	if z == 0 {
		return 0, 0, 0, a * b / (a + 1)
	}
	nan := math.NaN()
	if !(z > 0 && z < 1) {
		return nan, nan, nan, nan
	}
	const big = 1e250
	const eps = 1e-17
	// s: Σtₙ; sa: Σtₙ·n/(a+n); sb: Σtₙ·Hₙ with Hₙ = Σ_{k<n} 1/(b+k); sz: Σ n·tₙ.
	s, sa, sb, sz := 1.0, 0.0, 0.0, 0.0
	term, h, logScale := 1.0, 0.0, 0.0
	ib := 1 / b // 1/(b+n−1)
	for n := 1; n < maxTiedTerms; n++ {
		fn := float64(n)
		d := 1 / ((a + fn) * fn)
		ia := d * fn // 1/(a+n)
		h += ib
		term *= (a + fn - 1) * (b + fn - 1) * z * d
		s += term
		sa += term * fn * ia
		sb += term * h
		sz += term * fn
		if sz > big {
			s /= big
			sa /= big
			sb /= big
			sz /= big
			term /= big
			logScale += math.Log(big)
		}
		ib = 1 / (b + fn)
		// The term ratios are below ρ = max((b+n)z/(n+1), z) and tend to
		// z: once ρ is below one, the tail of Σtₘ is below tₙρ/(1−ρ), that
		// of Σm·tₘ below tₙρ/(1−ρ)·(n + 1/(1−ρ)) and that of Σtₘ·Hₘ below
		// tₙρ/(1−ρ)·(Hₙ + 1/((1−ρ)(b+n))), since Hₘ grows by at most
		// 1/(b+n) a term. tₙz ≤ tₙρ/(1−ρ) is a cheap first test.
		if term*z > eps*s {
			continue
		}
		rho := (b + fn) * z / (fn + 1)
		if rho < z { // not max(): that is a runtime call under js/wasm
			rho = z
		}
		if rho >= 1 {
			continue
		}
		iom := 1 / (1 - rho)
		g := term * rho * iom
		if g <= eps*s && g*(fn+iom) <= eps*sz && g*(h+iom*ib) <= eps*sb {
			f = math.Log(s) + logScale
			return f, sa / (a * s), sb / s, sz / (z * s)
		}
	}
	return nan, nan, nan, nan
}
