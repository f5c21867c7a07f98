package model

import (
	"fmt"
	"math"
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
	ix := &bgCovIndex{groups: groups, kt: len(cov.TransNames), kl: len(cov.LifeNames)}
	for _, g := range groups {
		ix.rft = append(ix.rft, newRFTIndex(g.Rows))
	}
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
// likelihood evaluations: one rftIndex per covariate group.
type bgCovIndex struct {
	groups []CovGroup
	rft    []*rftIndex
	kt, kl int
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
			acc[0] += betaGeoLogLik(ix.rft[g], r, alg, ag, bg, false, nil)
			return
		}
		var d [4]float64
		acc[0] += betaGeoLogLik(ix.rft[g], r, alg, ag, bg, false, d[:])
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
