package model

import (
	"gonum.org/v1/gonum/mathext"
)

// trigamma returns ψ₁(x) = d²/dx² log Γ(x) for x > 0, as the Hurwitz zeta
// function ζ(2, x).
func trigamma(x float64) float64 { return mathext.Zeta(2, x) }

// betaGeoHessian returns the total log-likelihood of the BG/NBD
// (modified = false) or MBG/NBD (modified = true) at (r, alpha, a, b)
// and stores its gradient in grad (length 4) and its Hessian with respect
// to (r, alpha, a, b) in hess (length 16, row-major, symmetric). The
// log-likelihood and gradient are betaGeoLogLik's; the second derivatives
// are analytic, term by term of the decomposition documented there:
//
//	x terms   ∂²/∂r² log Γ(r+x) − log Γ(r) = ψ₁(r+x) − ψ₁(r),
//	          ∂²(r log α)/∂r∂α = 1/α,  ∂²/∂α² = −r/α²,
//	          log B(a, b+x+m) − log B(a, b): ∂²/∂a² = ∂²/∂a∂b = ψ₁(a+b) − ψ₁(a+b+x+m),
//	          ∂²/∂b² = ψ₁(b+x+m) − ψ₁(a+b+x+m) − ψ₁(b) + ψ₁(a+b);
//	T terms   −(r+x) log(α+T): ∂²/∂r∂α = −1/(α+T), ∂²/∂α² = (r+x)/(α+T)²;
//	row term  log(1 + e^d) with σ = logistic(d):
//	          ∂²/∂θᵢ∂θⱼ = σ(1−σ)·∂ᵢd·∂ⱼd + σ·∂ᵢ∂ⱼd, where
//	          ∂d/∂r = log(α+T) − log(α+t_x), ∂d/∂α = (r+x)(1/(α+T) − 1/(α+t_x)),
//	          ∂d/∂a = 1/a, ∂d/∂b = −1/(b+x−1+m), and the non-zero second
//	          derivatives ∂²d/∂r∂α = 1/(α+T) − 1/(α+t_x),
//	          ∂²d/∂α² = (r+x)(1/(α+t_x)² − 1/(α+T)²), ∂²d/∂a² = −1/a²,
//	          ∂²d/∂b² = 1/(b+x−1+m)².
//
// The row sums are added in betaGeoLogLik's fixed chunk order, so the
// result does not depend on the number of threads.
func betaGeoHessian(ix *rftIndex, r, alpha, a, b float64, modified bool, grad, hess []float64) float64 {
	tb := newBetaGeoTerms(ix, r, alpha, a, b, modified, true)
	m := 0.0
	if modified {
		m = 1
	}
	const rr, ral, aa, ab, bb, alal = 0*4 + 0, 0*4 + 1, 2*4 + 2, 2*4 + 3, 3*4 + 3, 1*4 + 1
	var h [16]float64
	t1r := trigamma(r)
	t1ab := trigamma(a + b)
	t1b := trigamma(b)
	for i, x := range ix.xs {
		w := ix.wx[i]
		t1abx := trigamma(a + b + x + m)
		h[rr] += w * (trigamma(r+x) - t1r)
		h[ral] += w / alpha
		h[alal] -= w * r / (alpha * alpha)
		h[aa] += w * (t1ab - t1abx)
		h[ab] += w * (t1ab - t1abx)
		h[bb] += w * (trigamma(b+x+m) - t1abx - t1b + t1ab)
	}
	for j := range ix.ts {
		h[ral] -= ix.wT[j] * tb.invT[j]
		h[alal] += (r*ix.wT[j] + ix.xwT[j]) * tb.invT[j] * tb.invT[j]
	}
	// One pass over the rows gives the log-likelihood's and gradient's row
	// sums (betaGeoLogLik's, in the same order, so the same bits) and the
	// Hessian's: the ten products of σ(1−σ)·∂ᵢd·∂ⱼd (i ≤ j) and the four
	// σ-weighted second derivatives of d.
	const k = 5 + 14
	all := sumRowsVec(len(ix.rows), k, func(lo, hi int, acc []float64) {
		var s [14]float64
		tb.rowSums(lo, hi, acc[:5], &s)
		for j := range s {
			acc[5+j] += s[j]
		}
	})
	ll := tb.finish(all[:5], grad)
	sums := all[5:]
	set := func(i, j int, v float64) { hess[i*4+j], hess[j*4+i] = v, v }
	set(0, 0, h[rr]+sums[0])
	set(0, 1, h[ral]+sums[1]+sums[10])
	set(0, 2, sums[2])
	set(0, 3, sums[3])
	set(1, 1, h[alal]+sums[4]+sums[11])
	set(1, 2, sums[5])
	set(1, 3, sums[6])
	set(2, 2, h[aa]+sums[7]-sums[12]/(a*a))
	set(2, 3, h[ab]+sums[8])
	set(3, 3, h[bb]+sums[9]+sums[13])
	return ll
}
