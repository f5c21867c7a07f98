package model

import (
	"cmp"
	"math"
	"slices"

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
	rows      []RFT
	customers float64
	xs, wx    []float64 // distinct x; total weight per x
	times     []float64 // distinct values among TX and T
	pairX     []int32   // per distinct (x, t) pair: index into xs
	pairT     []int32   // per distinct (x, t) pair: index into times
	xi        []int32   // per row: index into xs
	ti        []int32   // per row: index into times of T
	pT, pTX   []int32   // per row: pair index of (x, T) and of (x, TX); pTX is −1 when TX = T
}

func newParetoIndex(rows []RFT) *paretoIndex {
	ix := &paretoIndex{rows: rows}
	xpos := map[float64]int32{}
	tpos := map[float64]int32{}
	for _, r := range rows {
		ix.customers += r.Weight
		if _, ok := xpos[r.X]; !ok {
			xpos[r.X] = 0
			ix.xs = append(ix.xs, r.X)
		}
		for _, t := range [2]float64{r.T, r.TX} {
			if _, ok := tpos[t]; !ok {
				tpos[t] = 0
				ix.times = append(ix.times, t)
			}
		}
	}
	slices.SortFunc(ix.xs, cmp.Compare)
	slices.SortFunc(ix.times, cmp.Compare)
	for i, x := range ix.xs {
		xpos[x] = int32(i)
	}
	for i, t := range ix.times {
		tpos[t] = int32(i)
	}
	n := len(rows)
	ix.wx = make([]float64, len(ix.xs))
	ix.xi, ix.ti = make([]int32, n), make([]int32, n)
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
		return p
	}
	for i, r := range rows {
		xi, ti := xpos[r.X], tpos[r.T]
		ix.xi[i], ix.ti[i] = xi, ti
		ix.wx[xi] += r.Weight
		ix.pT[i] = pair(xi, ti)
		ix.pTX[i] = -1
		if r.TX != r.T {
			ix.pTX[i] = pair(xi, tpos[r.TX])
		}
	}
	return ix
}

// paretoLogLik returns the total Pareto/NBD log-likelihood of the indexed
// rows (weights applied) and, if grad is not nil, stores its gradient with
// respect to (r, alpha, s, beta) in grad. Per customer (note 008 eq. 19,
// as ParetoNBD.logLik),
//
//	log L = log Γ(r+x) − log Γ(r) + r log α + s log β + log(e^l₁ + e^l₂),
//	l₁    = −(r+x) log(α+T) − s log(β+T),
//	l₂    = log s − log(r+s+x) + log A₀,
//	log A₀ = f(t_x) + log(1 − e^(f(T) − f(t_x))),
//	f(t)  = log ₂F₁(r+s+x, b; r+s+x+1; z(t)) − (r+s+x) log(m+t),
//
// with m = α, b = s+1, z = (α−β)/(α+t) when α ≥ β and m = β, b = r+x,
// z = (β−α)/(β+t) otherwise (note 008 eqs. 20-21). The derivatives follow
// by the chain rule: those of log ₂F₁ come from log2F1Tied, those of
// log A₀ are (∇f(t_x) − q∇f(T))/(1 − q) with q = e^(f(T) − f(t_x)), and
// those of the log-sum are the logistic weights of l₁ and l₂. f is computed
// once per distinct (x, t) pair; the rest per row, summed in a fixed chunk
// order (sumRowsVec), so the result does not depend on the machine.
func paretoLogLik(ix *paretoIndex, r, alpha, s, beta float64, grad []float64) float64 {
	nt := len(ix.times)
	logA, invA := make([]float64, nt), make([]float64, nt)
	logB, invB := make([]float64, nt), make([]float64, nt)
	for j, t := range ix.times {
		logA[j], invA[j] = math.Log(alpha+t), 1/(alpha+t)
		logB[j], invB[j] = math.Log(beta+t), 1/(beta+t)
	}
	nx := len(ix.xs)
	logRSX, invRSX := make([]float64, nx), make([]float64, nx)
	for i, x := range ix.xs {
		logRSX[i], invRSX[i] = math.Log(r+s+x), 1/(r+s+x)
	}

	// f and ∇f per distinct (x, t) pair.
	np := len(ix.pairX)
	pf := make([]float64, np)
	var pg []float64 // 4 per pair
	if grad != nil {
		pg = make([]float64, 4*np)
	}
	swap := alpha < beta
	diff := math.Abs(alpha - beta)
	forChunks(np, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			x, tj := ix.xs[ix.pairX[p]], ix.pairT[p]
			t := ix.times[tj]
			rsx := r + s + x
			if !swap {
				z := diff * invA[tj]
				lf, ga, gb, gz := log2F1Tied(rsx, s+1, z)
				pf[p] = lf - rsx*logA[tj]
				if pg != nil {
					g := pg[4*p : 4*p+4]
					g[0] = ga - logA[tj]
					g[1] = gz*(beta+t)*invA[tj]*invA[tj] - rsx*invA[tj]
					g[2] = ga + gb - logA[tj]
					g[3] = -gz * invA[tj]
				}
				continue
			}
			z := diff * invB[tj]
			lf, ga, gb, gz := log2F1Tied(rsx, r+x, z)
			pf[p] = lf - rsx*logB[tj]
			if pg != nil {
				g := pg[4*p : 4*p+4]
				g[0] = ga + gb - logB[tj]
				g[1] = -gz * invB[tj]
				g[2] = ga - logB[tj]
				g[3] = gz*(alpha+t)*invB[tj]*invB[tj] - rsx*invB[tj]
			}
		}
	})

	// Terms that depend on x only: log Γ(r+x) − log Γ(r) + r log α + s log β.
	ll := 0.0
	var gr, gal, gs, gbe float64
	lgr, logAlpha, logBeta, logS := lgamma(r), math.Log(alpha), math.Log(beta), math.Log(s)
	psiR := 0.0
	if grad != nil {
		psiR = mathext.Digamma(r)
	}
	for i, x := range ix.xs {
		w := ix.wx[i]
		ll += w * (lgamma(r+x) - lgr + r*logAlpha + s*logBeta)
		if grad != nil {
			gr += w * (mathext.Digamma(r+x) - psiR + logAlpha)
			gal += w * r / alpha
			gs += w * logBeta
			gbe += w * s / beta
		}
	}

	k := 1
	if grad != nil {
		k = 5
	}
	rows, xi, ti, pT, pTX := ix.rows, ix.xi, ix.ti, ix.pT, ix.pTX
	sums := sumRowsVec(len(rows), k, func(lo, hi int, acc []float64) {
		var sll, sr, sal, ss, sbe float64
		for i := lo; i < hi; i++ {
			w, x := rows[i].Weight, rows[i].X
			xj, tj := xi[i], ti[i]
			l1 := -(r+x)*logA[tj] - s*logB[tj]
			// l₂ = −Inf (A₀ = 0) when t_x = T, or when rounding makes
			// f(T) ≥ f(t_x), as logSubExp does.
			p2, p1 := pT[i], pTX[i]
			u := math.Inf(1)
			if p1 >= 0 {
				u = pf[p2] - pf[p1]
			}
			if !(u < 0) && !math.IsNaN(u) {
				sll += w * l1
				if k == 5 {
					sr -= w * logA[tj]
					sal -= w * (r + x) * invA[tj]
					ss -= w * logB[tj]
					sbe -= w * s * invB[tj]
				}
				continue
			}
			l2 := logS - logRSX[xj] + pf[p1] + log1mExp(u)
			sll += w * logAddExp(l1, l2)
			if k == 1 {
				continue
			}
			w2 := w * logistic(l2-l1) // weight of l₂ in the log-sum
			w1 := w - w2
			q := math.Exp(u)
			iom := 1 / -math.Expm1(u) // 1/(1 − q)
			g1, g2 := pg[4*p1:4*p1+4], pg[4*p2:4*p2+4]
			ir := invRSX[xj]
			sr += -w1*logA[tj] + w2*(-ir+(g1[0]-q*g2[0])*iom)
			sal += -w1*(r+x)*invA[tj] + w2*(g1[1]-q*g2[1])*iom
			ss += -w1*logB[tj] + w2*(1/s-ir+(g1[2]-q*g2[2])*iom)
			sbe += -w1*s*invB[tj] + w2*(g1[3]-q*g2[3])*iom
		}
		acc[0] += sll
		if k == 5 {
			acc[1] += sr
			acc[2] += sal
			acc[3] += ss
			acc[4] += sbe
		}
	})
	ll += sums[0]
	if grad != nil {
		grad[0] = gr + sums[1]
		grad[1] = gal + sums[2]
		grad[2] = gs + sums[3]
		grad[3] = gbe + sums[4]
	}
	return ll
}
