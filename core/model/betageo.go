package model

import (
	"cmp"
	"math"
	"slices"

	"gonum.org/v1/gonum/mathext"
)

// This file holds what the BG/NBD and MBG/NBD likelihoods share: an index of
// the data that lets each evaluation compute the terms that depend only on x
// or only on a time value once, and the likelihood with its analytic
// gradient.

// rftIndex is rows prepared for repeated likelihood evaluations.
type rftIndex struct {
	rows      []RFT
	customers float64
	xs, wx    []float64 // distinct x, ascending; total weight per x
	ts        []float64 // distinct T, ascending
	wT, xwT   []float64 // per distinct T: Σw and Σw·x over rows with that T
	xi, ti    []int32   // per row: index into xs of x and into ts of T
}

// distinctXT returns the distinct frequencies and the distinct times (T
// and t_x together) of rows, each sorted, and for each row the position of
// its x in xs and of its T and t_x in times. The lists are built by sorting
// and the positions found by binary search: on a million rows that is
// several times cheaper than a map keyed by value.
func distinctXT(rows []RFT) (xs, times []float64, xi, ti, txi []int32) {
	n := len(rows)
	xs = make([]float64, n)
	times = make([]float64, 2*n)
	for i, r := range rows {
		xs[i] = r.X
		times[2*i], times[2*i+1] = r.T, r.TX
	}
	slices.Sort(xs)
	xs = slices.Clip(slices.Compact(xs))
	slices.Sort(times)
	times = slices.Clip(slices.Compact(times))
	xi, ti, txi = make([]int32, n), make([]int32, n), make([]int32, n)
	pos := func(list []float64, v float64) int32 {
		j, _ := slices.BinarySearch(list, v)
		return int32(j)
	}
	for i, r := range rows {
		xi[i], ti[i], txi[i] = pos(xs, r.X), pos(times, r.T), pos(times, r.TX)
	}
	return xs, times, xi, ti, txi
}

// distinctIndex returns the distinct values of v, ascending, and for each
// element of v the position of its value in that list. A map finds the
// distinct values and only those are sorted: x and T take a few hundred
// values on a million rows, so this is far cheaper than sorting v.
func distinctIndex(v []float64) (list []float64, pos []int32) {
	seen := make(map[float64]int32)
	pos = make([]int32, len(v))
	for i, x := range v {
		j, ok := seen[x]
		if !ok {
			j = int32(len(list))
			seen[x] = j
			list = append(list, x)
		}
		pos[i] = j
	}
	order := make([]int32, len(list))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return cmp.Compare(list[a], list[b]) })
	rank := make([]int32, len(list))
	sorted := make([]float64, len(list))
	for n, o := range order {
		rank[o] = int32(n)
		sorted[n] = list[o]
	}
	for i, j := range pos {
		pos[i] = rank[j]
	}
	return sorted, pos
}

func newRFTIndex(rows []RFT) *rftIndex {
	ix := &rftIndex{rows: rows}
	col := make([]float64, len(rows))
	for i, r := range rows {
		ix.customers += r.Weight
		col[i] = r.X
	}
	ix.xs, ix.xi = distinctIndex(col)
	for i, r := range rows {
		col[i] = r.T
	}
	ix.ts, ix.ti = distinctIndex(col)
	ix.wx = make([]float64, len(ix.xs))
	ix.wT = make([]float64, len(ix.ts))
	ix.xwT = make([]float64, len(ix.ts))
	for i, r := range rows {
		xi, ti := ix.xi[i], ix.ti[i]
		ix.wx[xi] += r.Weight
		ix.wT[ti] += r.Weight
		ix.xwT[ti] += r.Weight * r.X
	}
	return ix
}

// betaGeoLogLik returns the total log-likelihood of the BG/NBD
// (modified = false) or MBG/NBD (modified = true) and, if grad is not nil,
// its gradient with respect to (r, alpha, a, b).
//
// Per customer (FHL 2005 eq. 6; Batislam et al. 2007 eq. 3), with m = 0 for
// the BG/NBD and 1 for the MBG/NBD:
//
//	log L = log Γ(r+x) − log Γ(r) + r log α + log B(a, b+x+m) − log B(a, b)
//	        − (r+x) log(α+T) + log(1 + [x > 0 or m = 1] e^d),
//	d     = log(a/(b+x−1+m)) + (r+x)(log(α+T) − log(α+t_x)),
//
// because B(a+1, b+x−1+m)/B(a, b+x+m) = a/(b+x−1+m). The first line is
// summed per distinct x and the −(r+x) log(α+T) term per distinct T; only
// log(1 + e^d) needs each row, and log(α+t_x) with it (t_x is nearly
// always distinct per row when times are real-valued, so a table of them
// would cost a serial pass and random reads for nothing).
func betaGeoLogLik(ix *rftIndex, r, alpha, a, b float64, modified bool, grad []float64) float64 {
	m := 0.0
	if modified {
		m = 1
	}
	nt := len(ix.ts)
	logT := make([]float64, nt)
	invT := make([]float64, nt)
	for j, t := range ix.ts {
		logT[j] = math.Log(alpha + t)
		invT[j] = 1 / (alpha + t)
	}
	nx := len(ix.xs)
	logC := make([]float64, nx) // log(a/(b+x−1+m))
	invB := make([]float64, nx) // 1/(b+x−1+m)
	ll := 0.0
	var gr, gal, ga, gb float64
	lgr := lgamma(r)
	lbab := mathext.Lbeta(a, b)
	logAlpha := math.Log(alpha)
	var psiR, psiAB, psiB float64
	if grad != nil {
		psiR, psiAB, psiB = mathext.Digamma(r), mathext.Digamma(a+b), mathext.Digamma(b)
	}
	for i, x := range ix.xs {
		w := ix.wx[i]
		ll += w * (lgamma(r+x) - lgr + r*logAlpha + mathext.Lbeta(a, b+x+m) - lbab)
		if x > 0 || modified {
			logC[i] = math.Log(a) - math.Log(b+x-1+m)
			invB[i] = 1 / (b + x - 1 + m)
		}
		if grad != nil {
			psiABX := mathext.Digamma(a + b + x + m)
			gr += w * (mathext.Digamma(r+x) - psiR + logAlpha)
			gal += w * r / alpha
			ga += w * (psiAB - psiABX)
			gb += w * (mathext.Digamma(b+x+m) - psiABX - psiB + psiAB)
		}
	}
	for j := range nt {
		ll -= logT[j] * (r*ix.wT[j] + ix.xwT[j])
		if grad != nil {
			gr -= logT[j] * ix.wT[j]
			gal -= (r*ix.wT[j] + ix.xwT[j]) * invT[j]
		}
	}
	k := 1
	if grad != nil {
		k = 5
	}
	rows, xi, ti := ix.rows, ix.xi, ix.ti
	sums := sumRowsVec(len(rows), k, func(lo, hi int, acc []float64) {
		var sll, sr, sal, sa, sb float64
		for i := lo; i < hi; i++ {
			x := rows[i].X
			if x == 0 && !modified {
				continue
			}
			w := rows[i].Weight
			xj, tj := xi[i], ti[i]
			atx := alpha + rows[i].TX
			dl := logT[tj] - math.Log(atx)
			d := logC[xj] + (r+x)*dl
			e := math.Exp(-math.Abs(d))
			pos := 0.0 // max(d, 0), which is a runtime call under js/wasm; a NaN d gives a NaN sum either way
			if d > 0 {
				pos = d
			}
			sll += w * (pos + math.Log1p(e))
			if k == 1 {
				continue
			}
			var sig float64 // logistic(d)
			if d >= 0 {
				sig = 1 / (1 + e)
			} else {
				sig = e / (1 + e)
			}
			ws := w * sig
			sr += ws * dl
			sal += ws * (r + x) * (invT[tj] - 1/atx)
			sa += ws
			sb += ws * invB[xj]
		}
		acc[0] += sll
		if k == 5 {
			acc[1] += sr
			acc[2] += sal
			acc[3] += sa
			acc[4] += sb
		}
	})
	ll += sums[0]
	if grad != nil {
		grad[0] = gr + sums[1]
		grad[1] = gal + sums[2]
		grad[2] = ga + sums[3]/a
		grad[3] = gb - sums[4]
	}
	return ll
}

// betaGeoStart returns default starting values (r, alpha, a, b) scaled to
// the data's time unit: r = 1 and alpha = mean T / max(mean x, 0.1), so that
// the starting purchase rate r/alpha matches the data's, and a = b = 1.
func betaGeoStart(s summary) []float64 {
	alpha := s.meanT / max(s.meanX, 0.1)
	if !(alpha > 0) || math.IsInf(alpha, 0) {
		alpha = 1
	}
	return []float64{1, alpha, 1, 1}
}
