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

// modelBHyp2F1Unit returns the Gauss hypergeometric function 2F1(1, b; c; z)
// for b, c > 0 and 0 ≤ z < 1, the form in which DERT (BG/BB) and DERL (sBG)
// appear. It uses gonum's mathext.Hypergeo (Cephes hyp2f1), which the tests
// check against the defining series Σ (b)_k/(c)_k z^k.
func modelBHyp2F1Unit(b, c, z float64) float64 {
	if z == 0 {
		return 1
	}
	return mathext.Hypergeo(1, b, c, z)
}
