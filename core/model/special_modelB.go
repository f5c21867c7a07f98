package model

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// Special functions shared by the discrete-time models (BGBB, SBG) and the
// Gamma-Gamma model. Names carry a modelB prefix so they cannot clash with
// helpers of the continuous-time models in the same package.

// modelBLogSumExp returns ln Σ exp(v[i]) without overflow; −Inf for an empty
// slice or when every term is −Inf.
func modelBLogSumExp(v []float64) float64 {
	m := math.Inf(-1)
	for _, x := range v {
		if x > m {
			m = x
		}
	}
	if math.IsInf(m, -1) || math.IsNaN(m) {
		return m
	}
	s := 0.0
	for _, x := range v {
		s += math.Exp(x - m)
	}
	return m + math.Log(s)
}

// modelBLogChoose returns ln C(n, k) for whole numbers 0 ≤ k ≤ n.
func modelBLogChoose(n, k float64) float64 {
	a, _ := math.Lgamma(n + 1)
	b, _ := math.Lgamma(k + 1)
	c, _ := math.Lgamma(n - k + 1)
	return a - b - c
}

// modelBHyp2F1MaxTerms bounds the series in modelBHyp2F1Unit; it is reached
// only for 1−z below about 2e-5 (a discount rate per period under 0.002%).
const modelBHyp2F1MaxTerms = 2_000_000

// modelBHyp2F1Unit returns the Gauss hypergeometric function
// 2F1(1, b; b+s; z) for b, s > 0 and 0 ≤ z < 1, the form in which DERT
// (BG/BB) and DERL (sBG) appear (s is γ or α there). Passing s rather than
// c = b+s keeps the ratio exact when b is so large that b+s rounds to b.
//
// The defining series Σ_k (b)_k/(c)_k z^k has positive terms whose ratio
// z(b+k)/(c+k) stays below z, so the tail after a term t is below
// t·z/(1−z): the sum stops when that bound falls under 1e-17 of the total,
// and is accumulated with Neumaier's compensated summation. When that would
// take more than modelBHyp2F1MaxTerms terms (z within ~2e-5 of 1) it falls
// back to gonum's mathext.Hypergeo (Cephes hyp2f1, which uses the
// 1−z transformation there). The series is the primary method because
// Hypergeo returns NaN for some long histories (for example c−b−1 a whole
// number with b ≈ 200), which the tests reproduce.
func modelBHyp2F1Unit(b, s, z float64) float64 {
	if z == 0 {
		return 1
	}
	if !(b > 0 && s > 0 && z > 0 && z < 1) || math.IsInf(b, 0) || math.IsInf(s, 0) {
		return math.NaN()
	}
	if -math.Log(1e-17)/-math.Log(z) > modelBHyp2F1MaxTerms {
		return mathext.Hypergeo(1, b, b+s, z)
	}
	tailFactor := z / (1 - z)
	sum, comp := 1.0, 0.0
	term := 1.0
	for k := 0.0; k < modelBHyp2F1MaxTerms; k++ {
		term *= z * (1 - s/(b+s+k)) // z·(b+k)/(b+s+k)
		t := sum + term
		if math.Abs(sum) >= math.Abs(term) {
			comp += (sum - t) + term
		} else {
			comp += (term - t) + sum
		}
		sum = t
		if term*tailFactor < 1e-17*sum {
			break
		}
	}
	return sum + comp
}

// modelBLogGammaRatio returns ln Γ(x+a) − ln Γ(x) for x > 0, x+a > 0.
// For x ≥ 1e4 and |a| ≤ x/10 it uses Stirling's series on the difference,
//
//	(x−½)·log1p(a/x) + a·ln(x+a) − a + 1/(12(x+a)) − 1/(12x)
//	  − 1/(360(x+a)³) + 1/(360x³),
//
// (truncation error below 1e-20 there) because the difference of two
// math.Lgamma values near 1e15 loses every digit; for the survival of a
// customer after 2^50 periods the difference is what matters.
func modelBLogGammaRatio(x, a float64) float64 {
	if x >= 1e4 && math.Abs(a) <= x/10 {
		y := x + a
		return (x-0.5)*math.Log1p(a/x) + a*math.Log(y) - a +
			1/(12*y) - 1/(12*x) - 1/(360*y*y*y) + 1/(360*x*x*x)
	}
	p, _ := math.Lgamma(x + a)
	q, _ := math.Lgamma(x)
	return p - q
}
