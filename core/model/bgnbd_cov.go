package model

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mathext"
)

// BGNBDCov is the BG/NBD with time-invariant covariates, in the form
// CLVTools uses for its BG/NBD with static covariates: customer i with
// transaction covariates z_trans and lifetime covariates z_life has
//
//	λ ~ Gamma(r, α·exp(−γ_trans·z_trans)),
//	p ~ Beta(a·exp(γ_life·z_life), b·exp(γ_life·z_life)),
//
// a BG/NBD with individual αᵢ, aᵢ and bᵢ. The transaction side reads as
// in the Pareto/NBD: exp(γ_trans) multiplies the mean purchase rate r/αᵢ.
//
// The dropout probability has no scale parameter, so a choice is needed;
// both a and b carry the lifetime covariates, with one γ_life, because
// (1) that is CLVTools' form, so estimates can be set beside CLVTools'
// output for the same data, and (2) it keeps the sign of γ_life that of
// the Pareto/NBD: with c = exp(γ_life·z), p ~ Beta(c·a, c·b) has the same
// mean a/(a+b) for every c, but a larger c concentrates p around it, which
// removes the customers with p near 0 who buy for ever: the expected
// number of purchases before dropping out, E[1/p] = (c(a+b) − 1)/(ca − 1)
// (infinite while ca ≤ 1), falls as c grows. So γ_life > 0 means shorter expected lifetimes, as in
// the Pareto/NBD. The cost is that γ_life cannot move the mean dropout
// probability itself; covariates on a alone (the dropout odds) would, but
// then γ_life would not be comparable with CLVTools'.
type BGNBDCov struct {
	BGNBD                // parameters of a customer whose covariates are all 0 (every attribute at its reference level)
	GammaTrans []float64 // one per transaction covariate
	GammaLife  []float64 // one per lifetime covariate
}

// For returns the BG/NBD of a customer with covariates trans and life (as
// many values as GammaTrans and GammaLife). It panics if the lengths
// differ, a programming error.
func (m BGNBDCov) For(trans, life []float64) BGNBD {
	checkCovLen(len(m.GammaTrans), len(trans), len(m.GammaLife), len(life))
	c := math.Exp(dot(m.GammaLife, life))
	return BGNBD{R: m.R, Alpha: m.Alpha * math.Exp(-dot(m.GammaTrans, trans)), A: m.A * c, B: m.B * c}
}

// PurchaseModelFor implements CovariateModel.
func (m BGNBDCov) PurchaseModelFor(trans, life []float64) PurchaseModel { return m.For(trans, life) }

// LogLikelihood returns the total log-likelihood of rows (weights applied)
// with row i's covariates in cov's row i.
func (m BGNBDCov) LogLikelihood(rows []RFT, cov Covariates) (float64, error) {
	if err := cov.Validate(len(rows)); err != nil {
		return 0, err
	}
	return sumRows(len(rows), func(lo, hi int) float64 {
		s := 0.0
		for i := lo; i < hi; i++ {
			r := rows[i]
			s += r.Weight * m.For(cov.TransRow(i), cov.LifeRow(i)).logLik(r.X, r.TX, r.T)
		}
		return s
	}), nil
}

// FitBGNBDCov fits a BG/NBD with covariates (BGNBDCov) by maximum
// likelihood, as FitParetoNBDCov does the Pareto/NBD: the plain BG/NBD
// first (FitBGNBD), then the covariate model from there with every γ = 0,
// its log-likelihood summed per covariate group with the BG/NBD's analytic
// gradient (betaGeoLogLik) and the chain rule
//
//	∂LL/∂γ_life = Σ_g z_g (a_g ∂LL_g/∂a_g + b_g ∂LL_g/∂b_g).
func FitBGNBDCov(rows []RFT, cov Covariates, opt FitOptions) (BGNBDCov, CovFit, error) {
	const model = "BG/NBD with covariates"
	groups, base, baseFit, s, err := covPrepare(model, rows, cov, opt, func(rows []RFT, o FitOptions) ([]float64, Fit, error) {
		m, f, err := FitBGNBD(rows, o)
		return []float64{m.R, m.Alpha, m.A, m.B}, f, err
	})
	if err != nil {
		return BGNBDCov{}, CovFit{Base: baseFit}, err
	}
	ix := newBGCovIndex(groups, len(cov.TransNames), len(cov.LifeNames))
	p := covProblem(bgnbdNames, base, cov, groups, s)
	p.logLik = func(th []float64) float64 { return bgCovLogLik(ix, th, nil) }
	p.logLikGrad = func(th, g []float64) float64 { return bgCovLogLik(ix, th, g) }
	fit, err := maximize(p, opt)
	m := BGNBDCov{}
	if len(fit.Params) == len(p.names) {
		th := fit.Params
		m = BGNBDCov{
			BGNBD:      BGNBD{R: th[0], Alpha: th[1], A: th[2], B: th[3]},
			GammaTrans: append([]float64(nil), th[4:4+ix.kt]...),
			GammaLife:  append([]float64(nil), th[4+ix.kt:]...),
		}
	}
	cf, lerr := covFitResult(fit, baseFit, len(groups))
	if err == nil {
		err = lerr
	}
	if err != nil {
		err = fmt.Errorf("fit %s: %w", model, err)
	}
	return m, cf, err
}

// bgCovIndex is a covariate model's rows prepared for repeated BG/NBD
// likelihood evaluations: one rftIndex per covariate group of more than
// smallGroup rows; smaller groups (a numeric covariate makes most
// customers a group of their own) are evaluated row by row
// (betaGeoRowsLogLik), which skips the index's per-evaluation set-up.
type bgCovIndex struct {
	groups []CovGroup
	rft    []*rftIndex // nil for a small group
	kt, kl int
}

// smallGroup is the largest covariate group evaluated row by row.
const smallGroup = 8

func newBGCovIndex(groups []CovGroup, kt, kl int) *bgCovIndex {
	ix := &bgCovIndex{groups: groups, rft: make([]*rftIndex, len(groups)), kt: kt, kl: kl}
	for g, grp := range groups {
		if len(grp.Rows) > smallGroup {
			ix.rft[g] = newRFTIndex(grp.Rows)
		}
	}
	return ix
}

// eval returns group g's log-likelihood at (r, α, a, b) and, if d is not
// nil, its gradient in d.
func (ix *bgCovIndex) eval(g int, r, al, a, b float64, d []float64) float64 {
	if ix.rft[g] == nil {
		return betaGeoRowsLogLik(ix.groups[g].Rows, r, al, a, b, d)
	}
	return betaGeoLogLik(ix.rft[g], r, al, a, b, false, d)
}

// betaGeoRowsLogLik is betaGeoLogLik (BG/NBD) row by row, for a few rows:
// per row, with σ the logistic of d (0 when x = 0),
//
//	∂/∂r = ψ(r+x) − ψ(r) + log α − log(α+T) + σ·(log(α+T) − log(α+t_x)),
//	∂/∂α = r/α − (r+x)/(α+T) + σ·(r+x)·(1/(α+T) − 1/(α+t_x)),
//	∂/∂a = ψ(a+b) − ψ(a+b+x) + σ/a,
//	∂/∂b = ψ(b+x) − ψ(a+b+x) − ψ(b) + ψ(a+b) − σ/(b+x−1).
func betaGeoRowsLogLik(rows []RFT, r, al, a, b float64, d []float64) float64 {
	lgr, lbab, logAl := lgamma(r), mathext.Lbeta(a, b), math.Log(al)
	var psiR, psiAB, psiB float64
	if d != nil {
		psiR, psiAB, psiB = mathext.Digamma(r), mathext.Digamma(a+b), mathext.Digamma(b)
		d[0], d[1], d[2], d[3] = 0, 0, 0, 0
	}
	ll := 0.0
	for _, row := range rows {
		x, w := row.X, row.Weight
		logT := math.Log(al + row.T)
		l := lgamma(r+x) - lgr + r*logAl + mathext.Lbeta(a, b+x) - lbab - (r+x)*logT
		sig, dl, logTX := 0.0, 0.0, 0.0
		if x > 0 {
			logTX = math.Log(al + row.TX)
			dl = logT - logTX
			e := math.Log(a) - math.Log(b+x-1) + (r+x)*dl
			l += softplus(e)
			sig = logistic(e)
		}
		ll += w * l
		if d == nil {
			continue
		}
		psiABX := mathext.Digamma(a + b + x)
		d[0] += w * (mathext.Digamma(r+x) - psiR + logAl - logT + sig*dl)
		dal := r/al - (r+x)/(al+row.T)
		if x > 0 {
			dal += sig * (r + x) * (1/(al+row.T) - 1/(al+row.TX))
		}
		d[1] += w * dal
		d[2] += w * (psiAB - psiABX + sig/a)
		db := mathext.Digamma(b+x) - psiABX - psiB + psiAB
		if x > 0 {
			db -= sig / (b + x - 1)
		}
		d[3] += w * db
	}
	return ll
}

// bgCovLogLik returns the total log-likelihood of the BG/NBD with
// covariates at th = (r, α, a, b, γ_trans…, γ_life…) and, if grad is not
// nil, stores its gradient in grad (see FitBGNBDCov).
func bgCovLogLik(ix *bgCovIndex, th, grad []float64) float64 {
	r, al, a, b := th[0], th[1], th[2], th[3]
	gt, gl := th[4:4+ix.kt], th[4+ix.kt:]
	k := 1
	if grad != nil {
		k = len(th) + 1
	}
	sums := sumGroups(len(ix.groups), k, func(g int, acc []float64) {
		grp := ix.groups[g]
		et, c := math.Exp(-dot(gt, grp.Trans)), math.Exp(dot(gl, grp.Life))
		alg, ag, bg := al*et, a*c, b*c
		if grad == nil {
			acc[0] += ix.eval(g, r, alg, ag, bg, nil)
			return
		}
		var d [4]float64
		acc[0] += ix.eval(g, r, alg, ag, bg, d[:])
		acc[1] += d[0]
		acc[2] += d[1] * et
		acc[3] += d[2] * c
		acc[4] += d[3] * c
		life := d[2]*ag + d[3]*bg
		for j, z := range grp.Trans {
			acc[5+j] -= d[1] * alg * z
		}
		for j, z := range grp.Life {
			acc[5+ix.kt+j] += life * z
		}
	})
	if grad != nil {
		copy(grad, sums[1:])
	}
	return sums[0]
}
