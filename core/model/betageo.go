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

// fitBetaGeo fits the BG/NBD (modified = false) or the MBG/NBD to rows,
// for FitBGNBD and FitMBGNBD; model names it in errors.
func fitBetaGeo(model string, rows []RFT, opt FitOptions, modified bool) (Fit, error) {
	s, err := checkIdentifiable(model, rows)
	if err != nil {
		return Fit{}, err
	}
	ix := newRFTIndex(rows)
	p := problem{
		names: bgnbdNames,
		start: betaGeoStart(s),
		logLik: func(th []float64) float64 {
			return betaGeoLogLik(ix, th[0], th[1], th[2], th[3], modified, nil)
		},
		logLikGrad: func(th, g []float64) float64 {
			return betaGeoLogLik(ix, th[0], th[1], th[2], th[3], modified, g)
		},
		logLikHess: func(th, g, h []float64) float64 {
			return betaGeoHessian(ix, th[0], th[1], th[2], th[3], modified, g, h)
		},
		rows:      len(rows),
		customers: s.customers,
	}
	if opt.Start == nil {
		if start, ok := sampleStart(rows, func(sample []RFT) (Fit, error) {
			return fitBetaGeo(model, sample, opt, modified)
		}); ok {
			p.start, p.nearStart = start, true
		}
	}
	return maximize(p, opt)
}

// sampleStartRows is the number of distinct rows above which a fit starts
// from the parameters fitted to a sample of about a quarter as many rows
// (sampleStart).
const sampleStartRows = 1 << 16

// sampleStart returns, for more than sampleStartRows rows, the parameters
// fit gives on every k-th row (weights kept), k chosen for about
// sampleStartRows/4 rows, and true; false for fewer rows or when the
// sample's fit fails. Those parameters are within sampling error of the
// full data's optimum (a few per cent at 16k rows), near enough for
// Newton's method on the analytic Hessian (searchNewton) to converge in a
// few steps, where BFGS from the default start takes about thirty
// evaluations. The sample only chooses where the search starts; the fit
// ends where the full data's gradient vanishes, as from any other start.
func sampleStart(rows []RFT, fit func(sample []RFT) (Fit, error)) ([]float64, bool) {
	if len(rows) <= sampleStartRows {
		return nil, false
	}
	k := len(rows) / (sampleStartRows / 4)
	sample := make([]RFT, 0, len(rows)/k+1)
	for i := k / 2; i < len(rows); i += k {
		sample = append(sample, rows[i])
	}
	f, err := fit(sample)
	if err != nil {
		return nil, false
	}
	return f.Params, true
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
	tb := newBetaGeoTerms(ix, r, alpha, a, b, modified, grad != nil)
	k := 1
	if grad != nil {
		k = 5
	}
	sums := sumRowsVec(len(ix.rows), k, func(lo, hi int, acc []float64) {
		tb.rowSums(lo, hi, acc, nil)
	})
	return tb.finish(sums, grad)
}

// betaGeoTerms holds, for one parameter point, the sums of the terms that
// depend on x alone or T alone and the per-x and per-T tables the row
// terms read.
type betaGeoTerms struct {
	ix                 *rftIndex
	r, alpha, a, b     float64
	modified, withGrad bool
	logT, invT         []float64 // per distinct T: log(α+T), 1/(α+T)
	logC, invB         []float64 // per distinct x: log(a/(b+x−1+m)), 1/(b+x−1+m)
	ll                 float64
	gr, gal, ga, gb    float64
}

func newBetaGeoTerms(ix *rftIndex, r, alpha, a, b float64, modified, withGrad bool) *betaGeoTerms {
	tb := &betaGeoTerms{ix: ix, r: r, alpha: alpha, a: a, b: b, modified: modified, withGrad: withGrad}
	m := 0.0
	if modified {
		m = 1
	}
	nt := len(ix.ts)
	tb.logT = make([]float64, nt)
	tb.invT = make([]float64, nt)
	for j, t := range ix.ts {
		tb.logT[j] = math.Log(alpha + t)
		tb.invT[j] = 1 / (alpha + t)
	}
	nx := len(ix.xs)
	tb.logC = make([]float64, nx)
	tb.invB = make([]float64, nx)
	ll := 0.0
	var gr, gal, ga, gb float64
	lgr := lgamma(r)
	lbab := mathext.Lbeta(a, b)
	logAlpha := math.Log(alpha)
	var psiR, psiAB, psiB float64
	if withGrad {
		psiR, psiAB, psiB = mathext.Digamma(r), mathext.Digamma(a+b), mathext.Digamma(b)
	}
	for i, x := range ix.xs {
		w := ix.wx[i]
		ll += w * (lgamma(r+x) - lgr + r*logAlpha + mathext.Lbeta(a, b+x+m) - lbab)
		if x > 0 || modified {
			tb.logC[i] = math.Log(a) - math.Log(b+x-1+m)
			tb.invB[i] = 1 / (b + x - 1 + m)
		}
		if withGrad {
			psiABX := mathext.Digamma(a + b + x + m)
			gr += w * (mathext.Digamma(r+x) - psiR + logAlpha)
			gal += w * r / alpha
			ga += w * (psiAB - psiABX)
			gb += w * (mathext.Digamma(b+x+m) - psiABX - psiB + psiAB)
		}
	}
	for j := range nt {
		ll -= tb.logT[j] * (r*ix.wT[j] + ix.xwT[j])
		if withGrad {
			gr -= tb.logT[j] * ix.wT[j]
			gal -= (r*ix.wT[j] + ix.xwT[j]) * tb.invT[j]
		}
	}
	tb.ll, tb.gr, tb.gal, tb.ga, tb.gb = ll, gr, gal, ga, gb
	return tb
}

// rowSums adds rows [lo, hi)'s log(1 + e^d) terms into acc[0] and, with
// the gradient, their derivatives in (r, alpha, a, b) into acc[1:5]. With
// hess (length 14, betaGeoHessian's layout) it also adds the rows'
// second-derivative sums there, from the same d and σ.
func (tb *betaGeoTerms) rowSums(lo, hi int, acc []float64, hess *[14]float64) {
	rows, xi, ti := tb.ix.rows, tb.ix.xi, tb.ix.ti
	r, alpha, a := tb.r, tb.alpha, tb.a
	logT, invT, logC, invB := tb.logT, tb.invT, tb.logC, tb.invB
	var sll, sr, sal, sa, sb float64
	var s [14]float64
	for i := lo; i < hi; i++ {
		x := rows[i].X
		if x == 0 && !tb.modified {
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
		if !tb.withGrad {
			continue
		}
		var sig float64 // logistic(d)
		if d >= 0 {
			sig = 1 / (1 + e)
		} else {
			sig = e / (1 + e)
		}
		ws := w * sig
		itx := 1 / atx
		di := invT[tj] - itx
		sr += ws * dl
		sal += ws * (r + x) * di
		sa += ws
		sb += ws * invB[xj]
		if hess == nil {
			continue
		}
		v := w * sig * (1 - sig)
		dr, dal, da, db := dl, (r+x)*di, 1/a, -invB[xj]
		s[0] += v * dr * dr
		s[1] += v * dr * dal
		s[2] += v * dr * da
		s[3] += v * dr * db
		s[4] += v * dal * dal
		s[5] += v * dal * da
		s[6] += v * dal * db
		s[7] += v * da * da
		s[8] += v * da * db
		s[9] += v * db * db
		s[10] += ws * di
		s[11] += ws * (r + x) * (itx*itx - invT[tj]*invT[tj])
		s[12] += ws
		s[13] += ws * invB[xj] * invB[xj]
	}
	acc[0] += sll
	if tb.withGrad {
		acc[1] += sr
		acc[2] += sal
		acc[3] += sa
		acc[4] += sb
	}
	if hess != nil {
		for j := range s {
			hess[j] += s[j]
		}
	}
}

// finish returns the log-likelihood from the row sums and, if grad is not
// nil, stores the gradient.
func (tb *betaGeoTerms) finish(sums, grad []float64) float64 {
	if grad != nil {
		grad[0] = tb.gr + sums[1]
		grad[1] = tb.gal + sums[2]
		grad[2] = tb.ga + sums[3]/tb.a
		grad[3] = tb.gb - sums[4]
	}
	return tb.ll + sums[0]
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
