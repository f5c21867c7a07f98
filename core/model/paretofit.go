package model

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// This file holds the Pareto/NBD likelihood the fit uses: the rows indexed
// so that each evaluation computes what depends only on x, only on a time
// value, or only on an (x, time) pair once, and the log-likelihood with its
// analytic gradient.

// paretoIndex is rows prepared for repeated Pareto/NBD likelihood
// evaluations. A₀'s two ₂F₁ terms depend on (x, t_x) and (x, T), so they
// are evaluated once per distinct pair, not once per row.
type paretoIndex struct {
	rows    []RFT
	xs      []float64 // distinct x
	times   []float64 // distinct values among TX and T
	pairX   []int32   // per distinct (x, t) pair: index into xs
	pairT   []int32   // per distinct (x, t) pair: index into times
	pairIsT []bool    // per distinct (x, t) pair: whether some row has T = t
	xi      []int32   // per row: index into xs
	pT, pTX []int32   // per row: pair index of (x, T) and of (x, TX); pTX is −1 when TX = T
	// scratch is reused by successive evaluations (one at a time: the
	// optimiser is sequential), so an evaluation does not allocate and
	// clear its per-pair arrays anew.
	scratch []float64
}

// buffer returns ix.scratch grown to n values; the caller overwrites
// every value it reads.
func (ix *paretoIndex) buffer(n int) []float64 {
	if cap(ix.scratch) < n {
		ix.scratch = make([]float64, n)
	}
	return ix.scratch[:n]
}

func newParetoIndex(rows []RFT) *paretoIndex {
	ix := &paretoIndex{rows: rows}
	var rowTi, rowTXi []int32
	ix.xs, ix.times, ix.xi, rowTi, rowTXi = distinctXT(rows)
	n := len(rows)
	ix.pT, ix.pTX = make([]int32, n), make([]int32, n)
	ppos := map[[2]int32]int32{}
	pair := func(xi, ti int32) int32 {
		k := [2]int32{xi, ti}
		if p, ok := ppos[k]; ok {
			return p
		}
		p := int32(len(ix.pairX))
		ppos[k] = p
		ix.pairX = append(ix.pairX, xi)
		ix.pairT = append(ix.pairT, ti)
		ix.pairIsT = append(ix.pairIsT, false)
		return p
	}
	for i, r := range rows {
		xi, ti := ix.xi[i], rowTi[i]
		ix.pT[i] = pair(xi, ti)
		ix.pairIsT[ix.pT[i]] = true
		ix.pTX[i] = -1
		if r.TX != r.T {
			ix.pTX[i] = pair(xi, rowTXi[i])
		}
	}
	return ix
}

// paretoLogLik returns the total Pareto/NBD log-likelihood of the indexed
// rows (weights applied) and, if grad is not nil, stores its gradient with
// respect to (r, alpha, s, beta) in grad. Per customer (note 008 eq. 19,
// as ParetoNBD.logLik),
//
//	log L  = log Γ(r+x) − log Γ(r) + r log α + s log β + l₁ + log(1 + e^(l₂−l₁)),
//	l₁     = −(r+x) log(α+T) − s log(β+T),
//	l₂     = log s − log(r+s+x) + log A₀,
//	log A₀ = f(t_x) + log(1 − e^u),  u = f(T) − f(t_x) < 0,
//	f(t)   = log ₂F₁(r+s+x, b; r+s+x+1; z(t)) − (r+s+x) log(m+t),
//
// with m = α, b = s+1, z = (α−β)/(α+t) when α ≥ β and m = β, b = r+x,
// z = (β−α)/(β+t) otherwise (note 008 eqs. 20-21). Since
// e^(l₂−l₁) = K·(e^(−u) − 1) with log K = log s − log(r+s+x) + f(T) − l₁,
// and l₁, K and f(T) depend on (x, T) only, each row needs just expm1(−u)
// and one log1p: f, ∇f, l₁, ∇l₁ and K are computed once per distinct
// (x, t) pair. (K·(e^(−u) − 1) is formed in logs instead when it could
// overflow.) The derivatives follow by the chain rule: those of log ₂F₁
// come from log2F1Tied, ∇log A₀ = ∇f(t_x) + (∇f(t_x) − ∇f(T))/(e^(−u) − 1),
// and the log-sum weighs ∇l₂ by the logistic of l₂ − l₁. The row sums are
// added in a fixed chunk order (sumRowsVec), so the result does not depend
// on the machine.
func paretoLogLik(ix *paretoIndex, r, alpha, s, beta float64, grad []float64) float64 {
	nt, nx, np := len(ix.times), len(ix.xs), len(ix.pairX)
	stride := 4 // per pair: f, b, log K, K; with the gradient also ∇f, ∇l₁ and ∇b
	if grad != nil {
		stride = 16
	}
	buf := ix.buffer(4*nt + 2*nx + stride*np)
	logA, invA, logB, invB := buf[:nt], buf[nt:2*nt], buf[2*nt:3*nt], buf[3*nt:4*nt]
	lgx, psix := buf[4*nt:4*nt+nx], buf[4*nt+nx:4*nt+2*nx]
	pf := buf[4*nt+2*nx:]
	for j, t := range ix.times {
		logA[j], invA[j] = math.Log(alpha+t), 1/(alpha+t)
		logB[j], invB[j] = math.Log(beta+t), 1/(beta+t)
	}
	lgr, psiR := lgamma(r), 0.0
	if grad != nil {
		psiR = mathext.Digamma(r)
	}
	for i, x := range ix.xs {
		lgx[i] = lgamma(r+x) - lgr
		if grad != nil {
			psix[i] = mathext.Digamma(r+x) - psiR
		}
	}
	logS := math.Log(s)

	// Per distinct (x, t) pair: f and ∇f; for pairs that are some row's
	// (x, T), also l₁, ∇l₁, log K, K and the part of log L that does not
	// involve A₀,
	//
	//	b = log Γ(r+x) − log Γ(r) + r log α + s log β + l₁
	//	  = log Γ(r+x) − log Γ(r) − r log1p(T/α) − x log(α+T) − s log1p(T/β),
	//
	// with its gradient written without the cancellation of r log α against
	// r log(α+T) (and of s log β against s log(β+T)) that summing the two
	// sides separately over all customers would leave in the total.
	swap := alpha < beta
	diff := math.Abs(alpha - beta)
	forChunks(np, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			xj, tj := ix.pairX[p], ix.pairT[p]
			x, t := ix.xs[xj], ix.times[tj]
			rsx := r + s + x
			v := pf[stride*p : stride*(p+1)]
			var lf, ga, gb, gz float64
			if !swap {
				lf, ga, gb, gz = log2F1Tied(rsx, s+1, diff*invA[tj])
				v[0] = lf - rsx*logA[tj]
				if grad != nil {
					v[4] = ga - logA[tj]
					v[5] = gz*(beta+t)*invA[tj]*invA[tj] - rsx*invA[tj]
					v[6] = ga + gb - logA[tj]
					v[7] = -gz * invA[tj]
				}
			} else {
				lf, ga, gb, gz = log2F1Tied(rsx, r+x, diff*invB[tj])
				v[0] = lf - rsx*logB[tj]
				if grad != nil {
					v[4] = ga + gb - logB[tj]
					v[5] = -gz * invB[tj]
					v[6] = ga - logB[tj]
					v[7] = gz*(alpha+t)*invB[tj]*invB[tj] - rsx*invB[tj]
				}
			}
			if !ix.pairIsT[p] {
				continue
			}
			l1 := -(r+x)*logA[tj] - s*logB[tj]
			la, lb := math.Log1p(t/alpha), math.Log1p(t/beta)
			v[1] = lgx[xj] - r*la - x*logA[tj] - s*lb
			v[2] = logS - math.Log(rsx) + v[0] - l1
			v[3] = math.Exp(v[2])
			if grad != nil {
				v[8] = -logA[tj]
				v[9] = -(r + x) * invA[tj]
				v[10] = -logB[tj]
				v[11] = -s * invB[tj]
				v[12] = psix[xj] - la
				v[13] = (r*t - x*alpha) / alpha * invA[tj] // r/α − (r+x)/(α+T)
				v[14] = -lb
				v[15] = s * t / beta * invB[tj] // s/β − s/(β+T)
			}
		}
	})

	k := 1
	if grad != nil {
		k = 5
	}
	rows, xs, xi, pT, pTX := ix.rows, ix.xs, ix.xi, ix.pT, ix.pTX
	sums := sumRowsVec(len(rows), k, func(lo, hi int, acc []float64) {
		// Compensated (Neumaier) sums: the total's rounding then no longer
		// grows with the number of rows, which keeps the gradient's noise
		// near the optimum, and with it the spread of the fitted
		// parameters between platforms, small.
		var sum [5]kahan
		for i := lo; i < hi; i++ {
			w := rows[i].Weight
			pt := int(pT[i])
			vT := pf[stride*pt : stride*(pt+1)]
			// A₀ = 0 (l₂ = −Inf) when t_x = T, or when rounding makes
			// f(T) ≥ f(t_x), as logSubExp does.
			nu := math.Inf(-1) // −u
			var vX []float64
			if p := int(pTX[i]); p >= 0 {
				vX = pf[stride*p : stride*(p+1)]
				nu = vX[0] - vT[0]
			}
			addParetoRow(&sum, w, r, s, xs[xi[i]], nu, vT, vX, k == 5)
		}
		for j := range k {
			acc[j] += sum[j].total()
		}
	})
	if grad != nil {
		copy(grad, sums[1:])
	}
	return sums[0]
}

// addParetoRow adds one row's log-likelihood term to sum[0] and, with
// grad, its gradient in (r, α, s, β) to sum[1:5], from paretoPair's values
// at (x, T) and (x, t_x), vT and vX, with nu = vX[0] − vT[0] (−Inf when
// t_x = T: vX is then unused). See paretoLogLik for the formulas.
func addParetoRow(sum *[5]kahan, w, r, s, x, nu float64, vT, vX []float64, grad bool) {
	if !(nu > 0) && !math.IsNaN(nu) {
		sum[0].add(w * vT[1])
		if grad {
			sum[1].add(w * vT[12])
			sum[2].add(w * vT[13])
			sum[3].add(w * vT[14])
			sum[4].add(w * vT[15])
		}
		return
	}
	em := math.Expm1(nu) // e^(−u) − 1
	var lse, sig float64 // log(1 + e^(l₂−l₁)) and the logistic of l₂ − l₁
	if logK := vT[2]; logK > -700 && logK+nu < 700 {
		e := vT[3] * em
		lse = math.Log1p(e)
		sig = e / (1 + e)
	} else {
		d := logK + nu + math.Log(-math.Expm1(-nu))
		lse = softplus(d)
		sig = logistic(d)
	}
	sum[0].add(w * (vT[1] + lse))
	if !grad {
		return
	}
	// ∇l₂ − ∇l₁ with ∇log A₀ = ∇f(t_x) + (∇f(t_x) − ∇f(T))/(e^(−u) − 1).
	ir := 1 / (r + s + x)
	iem := 1 / em
	ws := w * sig
	d0 := -ir + vX[4] + (vX[4]-vT[4])*iem - vT[8]
	d1 := vX[5] + (vX[5]-vT[5])*iem - vT[9]
	d2 := 1/s - ir + vX[6] + (vX[6]-vT[6])*iem - vT[10]
	d3 := vX[7] + (vX[7]-vT[7])*iem - vT[11]
	sum[1].add(w*vT[12] + ws*d0)
	sum[2].add(w*vT[13] + ws*d1)
	sum[3].add(w*vT[14] + ws*d2)
	sum[4].add(w*vT[15] + ws*d3)
}

// kahan is a Neumaier-compensated running sum.
type kahan struct{ s, c float64 }

func (k *kahan) add(v float64) {
	t := k.s + v
	if math.Abs(k.s) >= math.Abs(v) {
		k.c += (k.s - t) + v
	} else {
		k.c += (v - t) + k.s
	}
	k.s = t
}

func (k *kahan) total() float64 { return k.s + k.c }
