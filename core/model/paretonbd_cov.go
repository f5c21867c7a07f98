package model

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mathext"
)

// ParetoNBDCov is the Pareto/NBD with time-invariant covariates, in the
// form CLVTools uses (Bachmann, Meierer & Näf, CLVTools' pnbd with static
// covariates; Fader & Hardie 2007, "Incorporating time-invariant
// covariates into the Pareto/NBD and BG/NBD models"): customer i with
// transaction covariates z_trans and lifetime covariates z_life has
//
//	λ ~ Gamma(r, α·exp(−γ_trans·z_trans)),  μ ~ Gamma(s, β·exp(−γ_life·z_life)),
//
// that is a Pareto/NBD with individual scales αᵢ and βᵢ. Since E[λ] = r/αᵢ
// and E[μ] = s/βᵢ, a covariate's exp(γ) multiplies the mean purchase rate
// (γ_trans) or the mean dropout rate (γ_life) per unit of the covariate:
// for a 0/1 level against its attribute's reference level, exp(γ_trans) =
// 1.3 means 30% more purchases while alive, exp(γ_life) = 1.3 a 30% higher
// dropout rate (shorter lifetimes). All γ = 0 is the plain Pareto/NBD.
type ParetoNBDCov struct {
	ParetoNBD            // parameters of a customer whose covariates are all 0 (every attribute at its reference level)
	GammaTrans []float64 // one per transaction covariate
	GammaLife  []float64 // one per lifetime covariate
}

// For returns the Pareto/NBD of a customer with covariates trans and life
// (as many values as GammaTrans and GammaLife): every prediction of
// ParetoNBD (P(alive), expected purchases, DERT, CLV) then applies to that
// customer. It panics if the lengths differ, a programming error.
func (m ParetoNBDCov) For(trans, life []float64) ParetoNBD {
	checkCovLen(len(m.GammaTrans), len(trans), len(m.GammaLife), len(life))
	return ParetoNBD{
		R: m.R, Alpha: m.Alpha * math.Exp(-dot(m.GammaTrans, trans)),
		S: m.S, Beta: m.Beta * math.Exp(-dot(m.GammaLife, life)),
	}
}

// PurchaseModelFor implements CovariateModel.
func (m ParetoNBDCov) PurchaseModelFor(trans, life []float64) PurchaseModel {
	return m.For(trans, life)
}

// LogLikelihood returns the total log-likelihood of rows (weights applied)
// with row i's covariates in cov's row i.
func (m ParetoNBDCov) LogLikelihood(rows []RFT, cov Covariates) (float64, error) {
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

// CovariateModel is a purchase model with covariates: each customer's
// predictions come from the plain model at that customer's covariates.
type CovariateModel interface {
	// PurchaseModelFor returns the model of a customer with covariates
	// trans and life.
	PurchaseModelFor(trans, life []float64) PurchaseModel
}

var (
	_ CovariateModel = ParetoNBDCov{}
	_ CovariateModel = BGNBDCov{}
)

func checkCovLen(gt, zt, gl, zl int) {
	if gt != zt || gl != zl {
		panic(fmt.Sprintf("model: %d transaction and %d lifetime covariate values for %d and %d coefficients", zt, zl, gt, gl))
	}
}

// CovFit is the outcome of fitting a covariate model.
type CovFit struct {
	// Fit is the covariate model's fit. Names, Params and StdErrors list
	// the base model's parameters, then each transaction covariate's γ
	// ("trans:" + column name), then each lifetime covariate's ("life:" +
	// name). The γ's standard errors come from the same inverse Hessian
	// as the others'.
	Fit
	// Base is the model without covariates fitted to the same customers:
	// the start of the covariate fit and the restricted model of LRT.
	Base Fit
	// LRT tests the covariate model against Base.
	LRT LRTest
	// Groups is the number of distinct covariate vectors; rows are
	// compressed within each (Fit.Rows counts the compressed rows).
	Groups int
}

// FitParetoNBDCov fits a Pareto/NBD with covariates (ParetoNBDCov) by
// maximum likelihood; row i's covariates are cov's row i. It first fits
// the plain Pareto/NBD (FitParetoNBD, on the compressed rows) and starts
// the covariate fit there with every γ = 0 (opt.Start, if set, holds
// r, α, s, β and then the γ in CovFit's order). The base parameters are
// optimised as logarithms and the γ as they are, with
// opt.CovariatePenalty·Σγ² added to −LL/N when set.
//
// The log-likelihood is summed per covariate group (GroupByCovariates):
// within a group αᵢ and βᵢ are fixed, so the group's rows are one plain
// Pareto/NBD evaluation (paretoLogLik, with its analytic gradient through
// the ₂F₁ series), and the chain rule gives the rest:
//
//	∂LL/∂α = Σ_g e^(−γ_trans·z_g) ∂LL_g/∂α_g,   ∂LL/∂γ_trans = −Σ_g α_g z_g ∂LL_g/∂α_g,
//
// and likewise for β and γ_life. Groups are added in a fixed order, so
// the fit is deterministic like FitParetoNBD's. Data the plain model
// cannot identify is refused as there.
func FitParetoNBDCov(rows []RFT, cov Covariates, opt FitOptions) (ParetoNBDCov, CovFit, error) {
	const model = "Pareto/NBD with covariates"
	groups, base, baseFit, s, err := covPrepare(model, rows, cov, opt, func(rows []RFT, o FitOptions) ([]float64, Fit, error) {
		m, f, err := FitParetoNBD(rows, o)
		return []float64{m.R, m.Alpha, m.S, m.Beta}, f, err
	})
	if err != nil {
		return ParetoNBDCov{}, CovFit{Base: baseFit}, err
	}
	ix := newParetoCovIndex(groups, len(cov.TransNames), len(cov.LifeNames))
	p := covProblem(paretoNames, base, cov, groups, s)
	p.logLik = func(th []float64) float64 { return paretoCovLogLik(ix, th, nil) }
	p.logLikGrad = func(th, g []float64) float64 { return paretoCovLogLik(ix, th, g) }
	p.gradTol = 1e-7
	fit, err := maximize(p, opt)
	m := ParetoNBDCov{}
	if len(fit.Params) == len(p.names) {
		th := fit.Params
		m = ParetoNBDCov{
			ParetoNBD:  ParetoNBD{R: th[0], Alpha: th[1], S: th[2], Beta: th[3]},
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

// covPrepare validates a covariate fit's input, groups the rows and fits
// the base model (fitBase, on the rows compressed without regard to the
// covariates). It returns the groups, the base parameters, the base fit
// and the data's summary.
func covPrepare(model string, rows []RFT, cov Covariates, opt FitOptions,
	fitBase func([]RFT, FitOptions) ([]float64, Fit, error)) ([]CovGroup, []float64, Fit, summary, error) {
	s, err := checkIdentifiable(model, rows)
	if err != nil {
		return nil, nil, Fit{}, s, err
	}
	if len(cov.TransNames)+len(cov.LifeNames) == 0 {
		return nil, nil, Fit{}, s, fmt.Errorf("fit %s: no covariates", model)
	}
	groups, _, err := GroupByCovariates(rows, cov)
	if err != nil {
		return nil, nil, Fit{}, s, fmt.Errorf("fit %s: %w", model, err)
	}
	k := 4 + len(cov.TransNames) + len(cov.LifeNames)
	baseOpt := FitOptions{Penalty: opt.Penalty, MaxIterations: opt.MaxIterations}
	if opt.Start != nil {
		if len(opt.Start) != k {
			return nil, nil, Fit{}, s, fmt.Errorf("fit %s: %d start values, want %d (%v)", model, len(opt.Start), k, covNames([]string{"4 base parameters"}, cov))
		}
		baseOpt.Start = opt.Start[:4]
	}
	params, baseFit, err := fitBase(Compress(rows), baseOpt)
	if err != nil {
		return nil, nil, baseFit, s, fmt.Errorf("fit %s: the model without covariates, its start: %w", model, err)
	}
	start := make([]float64, k)
	copy(start, params)
	if opt.Start != nil {
		copy(start[4:], opt.Start[4:])
	}
	return groups, start, baseFit, s, nil
}

// covProblem is the maximum-likelihood problem of a covariate model with
// base parameter names base, starting at start; the likelihood is set by
// the caller.
func covProblem(base []string, start []float64, cov Covariates, groups []CovGroup, s summary) problem {
	names := covNames(base, cov)
	linear := make([]bool, len(names))
	for i := len(base); i < len(names); i++ {
		linear[i] = true
	}
	rows := 0
	for _, g := range groups {
		rows += len(g.Rows)
	}
	return problem{names: names, start: start, linear: linear, rows: rows, customers: s.customers}
}

// covFitResult completes a CovFit: the likelihood-ratio test against the
// base fit.
func covFitResult(fit, base Fit, groups int) (CovFit, error) {
	cf := CovFit{Fit: fit, Base: base, Groups: groups}
	if len(fit.Params) == 0 {
		return cf, nil
	}
	lrt, err := LikelihoodRatio(fit.LogLikelihood, base.LogLikelihood, len(fit.Params)-len(base.Params))
	cf.LRT = lrt
	return cf, err
}

// paretoCovIndex is a covariate model's rows prepared for repeated
// Pareto/NBD likelihood evaluations: one paretoIndex per covariate group
// of more than smallGroup rows (nil for a smaller group, evaluated row by
// row by paretoRowsLogLik).
type paretoCovIndex struct {
	groups []CovGroup
	pareto []*paretoIndex
	kt, kl int
}

// paretoCovLogLik returns the total log-likelihood of the Pareto/NBD with
// covariates at th = (r, α, s, β, γ_trans…, γ_life…) and, if grad is not
// nil, stores its gradient in grad (see FitParetoNBDCov).
func paretoCovLogLik(ix *paretoCovIndex, th, grad []float64) float64 {
	r, al, s, be := th[0], th[1], th[2], th[3]
	gt, gl := th[4:4+ix.kt], th[4+ix.kt:]
	k := 1
	if grad != nil {
		k = len(th) + 1
	}
	sums := sumGroups(len(ix.groups), k, func(g int, acc []float64) {
		grp := ix.groups[g]
		et, el := math.Exp(-dot(gt, grp.Trans)), math.Exp(-dot(gl, grp.Life))
		ag, bg := al*et, be*el
		if grad == nil {
			acc[0] += ix.eval(g, r, ag, s, bg, nil)
			return
		}
		var d [4]float64
		acc[0] += ix.eval(g, r, ag, s, bg, d[:])
		acc[1] += d[0]
		acc[2] += d[1] * et
		acc[3] += d[2]
		acc[4] += d[3] * el
		for j, z := range grp.Trans {
			acc[5+j] -= d[1] * ag * z
		}
		for j, z := range grp.Life {
			acc[5+ix.kt+j] -= d[3] * bg * z
		}
	})
	if grad != nil {
		copy(grad, sums[1:])
	}
	return sums[0]
}

// paretoPair stores in v what paretoLogLik computes per (x, t) pair: v[0]
// = f(t) and, with grad, v[4:8] = ∇f(t) in (r, α, s, β); for t = T
// (isT) also v[1] = b, v[2] = log K, v[3] = K and, with grad, v[8:16] =
// ∇l₁ and ∇b. psix is ψ(r+x) − ψ(r) and lgx log Γ(r+x) − log Γ(r).
func paretoPair(v []float64, r, alpha, s, beta, x, t, lgx, psix float64, isT, grad bool) {
	rsx := r + s + x
	logA, invA := math.Log(alpha+t), 1/(alpha+t)
	logB, invB := math.Log(beta+t), 1/(beta+t)
	diff := math.Abs(alpha - beta)
	if alpha >= beta {
		lf, ga, gb, gz := log2F1Tied(rsx, s+1, diff*invA)
		v[0] = lf - rsx*logA
		if grad {
			v[4] = ga - logA
			v[5] = gz*(beta+t)*invA*invA - rsx*invA
			v[6] = ga + gb - logA
			v[7] = -gz * invA
		}
	} else {
		lf, ga, gb, gz := log2F1Tied(rsx, r+x, diff*invB)
		v[0] = lf - rsx*logB
		if grad {
			v[4] = ga + gb - logB
			v[5] = -gz * invB
			v[6] = ga - logB
			v[7] = gz*(alpha+t)*invB*invB - rsx*invB
		}
	}
	if !isT {
		return
	}
	l1 := -(r+x)*logA - s*logB
	la, lb := math.Log1p(t/alpha), math.Log1p(t/beta)
	v[1] = lgx - r*la - x*logA - s*lb
	v[2] = math.Log(s) - math.Log(rsx) + v[0] - l1
	v[3] = math.Exp(v[2])
	if grad {
		v[8] = -logA
		v[9] = -(r + x) * invA
		v[10] = -logB
		v[11] = -s * invB
		v[12] = psix - la
		v[13] = (r*t - x*alpha) / alpha * invA
		v[14] = -lb
		v[15] = s * t / beta * invB
	}
}

// paretoRowsLogLik is paretoLogLik row by row, for the few rows of a small
// covariate group: the same formulas (see there), each row's two (x, t)
// pairs evaluated by paretoPair instead of once per distinct pair through
// an index whose set-up a group of one row would not repay.
func paretoRowsLogLik(rows []RFT, r, alpha, s, beta float64, grad []float64) float64 {
	g := grad != nil
	lgr, psiR := lgamma(r), 0.0
	if g {
		psiR = mathext.Digamma(r)
	}
	var sum [5]kahan
	var vT, vX [16]float64
	for _, row := range rows {
		x, w := row.X, row.Weight
		lgx, psix := lgamma(r+x)-lgr, 0.0
		if g {
			psix = mathext.Digamma(r+x) - psiR
		}
		paretoPair(vT[:], r, alpha, s, beta, x, row.T, lgx, psix, true, g)
		nu := math.Inf(-1)
		if row.TX != row.T {
			paretoPair(vX[:], r, alpha, s, beta, x, row.TX, lgx, psix, false, g)
			nu = vX[0] - vT[0]
		}
		addParetoRow(&sum, w, r, s, x, nu, vT[:], vX[:], g)
	}
	if g {
		for j := range 4 {
			grad[j] = sum[j+1].total()
		}
	}
	return sum[0].total()
}

func newParetoCovIndex(groups []CovGroup, kt, kl int) *paretoCovIndex {
	ix := &paretoCovIndex{groups: groups, pareto: make([]*paretoIndex, len(groups)), kt: kt, kl: kl}
	for g, grp := range groups {
		if len(grp.Rows) > smallGroup {
			ix.pareto[g] = newParetoIndex(grp.Rows)
		}
	}
	return ix
}

// eval returns group g's log-likelihood at (r, α, s, β) and, if d is not
// nil, its gradient in d.
func (ix *paretoCovIndex) eval(g int, r, alpha, s, beta float64, d []float64) float64 {
	if ix.pareto[g] == nil {
		return paretoRowsLogLik(ix.groups[g].Rows, r, alpha, s, beta, d)
	}
	return paretoLogLik(ix.pareto[g], r, alpha, s, beta, d)
}
