package model

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"
)

// FitOptions controls a maximum-likelihood fit. The zero value is a plain,
// unpenalized fit from the model's default starting values.
type FitOptions struct {
	// Penalty is the L2 penalty coefficient, as lifetimes' penalizer_coef:
	// the optimiser minimises −LL/N + Penalty·Σθ², where N is the number of
	// customers (weights summed) and θ the parameters on their natural scale.
	Penalty float64
	// Start overrides the default starting values, in the model's parameter
	// order. All must be positive.
	Start []float64
	// MaxIterations bounds the optimiser's major iterations (default 2000).
	MaxIterations int
	// CovariatePenalty is the L2 penalty coefficient on the covariate
	// coefficients γ of the covariate models (FitParetoNBDCov,
	// FitBGNBDCov): the optimiser minimises −LL/N + CovariatePenalty·Σγ²
	// (plus Penalty·Σθ² on the other parameters). It shrinks γ towards 0,
	// the no-covariate model. Other fits ignore it.
	CovariatePenalty float64
}

// Fit is the outcome of a maximum-likelihood fit.
type Fit struct {
	// Names are the parameter names in the paper's (or lifetimes') spelling.
	Names []string
	// Params are the fitted parameter values, in Names order.
	Params []float64
	// StdErrors are the asymptotic standard errors from the inverse of the
	// observed information (the Hessian of −LL at the optimum), in Names
	// order. NaN where the Hessian is not positive definite.
	StdErrors []float64
	// LogLikelihood is the total log-likelihood over all customers
	// (weights applied), in the data's own time unit, without the penalty.
	LogLikelihood float64
	// PenalizedLogLikelihood is LogLikelihood − N·Penalty·Σθ²; equal to
	// LogLikelihood when no penalty is set.
	PenalizedLogLikelihood float64
	// Rows is the number of distinct data rows, Customers the weights summed.
	Rows      int
	Customers float64
	// Converged reports whether the optimiser met its convergence test.
	Converged bool
	// Evaluations counts log-likelihood evaluations.
	Evaluations int
}

// Param returns the fitted value of the named parameter and whether it exists.
func (f Fit) Param(name string) (float64, bool) {
	for i, n := range f.Names {
		if n == name {
			return f.Params[i], true
		}
	}
	return 0, false
}

// ErrNotConverged is returned (wrapped) when the optimiser stops without
// meeting its convergence test.
var ErrNotConverged = errors.New("fit did not converge")

// problem is one maximum-likelihood problem: a total log-likelihood over
// positive parameters.
type problem struct {
	names  []string
	start  []float64
	logLik func(params []float64) float64 // total, weights applied
	// logLikGrad, when set, returns the same total log-likelihood and stores
	// its gradient with respect to params (natural scale) in grad. maximize
	// then runs BFGS on the analytic gradient directly (falling back to the
	// Nelder-Mead path if that fails) and takes the Hessian for the standard
	// errors from central differences of the gradient.
	logLikGrad func(params, grad []float64) float64
	// logLikHess, when set, returns the same total log-likelihood and
	// stores its gradient in grad and its Hessian with respect to params
	// (natural scale, k×k row-major) in hess. The Newton polish and the
	// standard errors then use it instead of central differences of the
	// gradient: one evaluation instead of 2k, and exact rather than
	// accurate to ~1e-8.
	logLikHess func(params, grad, hess []float64) float64
	// gradTol, when set, is the gradient threshold at which BFGS on
	// logLikGrad hands over to the Newton polish: the largest component of
	// the gradient of the per-customer objective in log parameters
	// (default 1e-9). A likelihood whose gradient is noisy near 1e-9 (the
	// Pareto/NBD's, through its ₂F₁ terms) sets a larger one, so that BFGS
	// does not spend its last iterations in line searches on rounding
	// noise; the Newton steps then land on the optimum as before.
	gradTol float64
	// nearStart marks a start near the optimum (sampleStart): with
	// logLikHess, maximize then runs Newton's method (searchNewton)
	// instead of BFGS.
	nearStart bool
	rows      int
	customers float64
	// linear marks parameters that are optimised on their own scale, any
	// real value, and penalised by FitOptions.CovariatePenalty: the
	// covariate coefficients γ. The others are positive and optimised as
	// logarithms. nil: all positive.
	linear []bool
}

// isLinear reports whether parameter i is optimised on its own scale.
func (p problem) isLinear(i int) bool { return p.linear != nil && p.linear[i] }

// natural returns parameter i on its natural scale from its optimisation
// coordinate φᵢ, and dθᵢ/dφᵢ.
func (p problem) natural(i int, phi float64) (theta, jac float64) {
	if p.isLinear(i) {
		return phi, 1
	}
	t := math.Exp(phi)
	return t, t
}

// penalty returns the penalty term of the per-customer objective at θ, its
// first and second derivatives in φᵢ being penaltyGrad and penaltyCurv.
func (p problem) penalty(opt FitOptions, theta []float64) float64 {
	pen, cov := 0.0, 0.0
	for i, t := range theta {
		if p.isLinear(i) {
			cov += t * t
		} else {
			pen += t * t
		}
	}
	return opt.Penalty*pen + opt.CovariatePenalty*cov
}

func (p problem) penaltyGrad(opt FitOptions, i int, theta float64) float64 {
	if p.isLinear(i) {
		return 2 * opt.CovariatePenalty * theta
	}
	return 2 * opt.Penalty * theta * theta // d/dφ of θ² = 2θ² for θ = e^φ
}

func (p problem) penaltyCurv(opt FitOptions, i int, theta float64) float64 {
	if p.isLinear(i) {
		return 2 * opt.CovariatePenalty
	}
	return 4 * opt.Penalty * theta * theta
}

// maximize fits p by minimising the (penalized, per-customer) negative
// log-likelihood over log-transformed parameters: Nelder-Mead first, which
// tolerates poor starting values and infinite values, then BFGS with
// central-difference gradients to polish. When the problem supplies an
// analytic gradient (logLikGrad), BFGS on it is tried first and the
// Nelder-Mead path is only the fallback. The optimiser runs on one
// goroutine in a fixed order and log-likelihood sums are added in a fixed
// chunk order, so the same data gives the same parameters bit for bit.
func maximize(p problem, opt FitOptions) (Fit, error) {
	k := len(p.names)
	start := p.start
	if opt.Start != nil {
		if len(opt.Start) != k {
			return Fit{}, fmt.Errorf("start values: got %d, want %d (%v)", len(opt.Start), k, p.names)
		}
		start = opt.Start
	}
	if p.customers <= 0 {
		return Fit{}, errors.New("no customers to fit")
	}
	if opt.Penalty < 0 || math.IsNaN(opt.Penalty) {
		return Fit{}, fmt.Errorf("penalty %v: must be zero or positive", opt.Penalty)
	}
	if opt.CovariatePenalty < 0 || math.IsNaN(opt.CovariatePenalty) || math.IsInf(opt.CovariatePenalty, 1) {
		return Fit{}, fmt.Errorf("covariate penalty %v: must be zero or positive and finite", opt.CovariatePenalty)
	}
	x0 := make([]float64, k)
	for i, v := range start {
		if p.isLinear(i) {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return Fit{}, fmt.Errorf("start value %s = %v: must be finite", p.names[i], v)
			}
			x0[i] = v
			continue
		}
		if !(v > 0) || math.IsInf(v, 1) {
			return Fit{}, fmt.Errorf("start value %s = %v: must be positive and finite", p.names[i], v)
		}
		x0[i] = math.Log(v)
	}
	maxIter := opt.MaxIterations
	if maxIter <= 0 {
		maxIter = 2000
	}

	theta := make([]float64, k)
	evals := 0
	objective := func(phi []float64) float64 {
		evals++
		for i, v := range phi {
			if v > 700 || v < -700 {
				return math.Inf(1)
			}
			theta[i], _ = p.natural(i, v)
		}
		ll := p.logLik(theta)
		if math.IsNaN(ll) || math.IsInf(ll, 0) {
			return math.Inf(1)
		}
		return -ll/p.customers + p.penalty(opt, theta)
	}

	var best []float64
	var hess *mat.SymDense // Hessian of the total −LL in φ near best, if the search has one
	converged := false
	if p.nearStart && p.logLikHess != nil {
		best, converged, hess = searchNewton(p, opt, x0, maxIter, &evals)
	}
	if !converged && p.logLikGrad != nil {
		best, converged, hess = searchGrad(p, opt, x0, maxIter, &evals)
	}
	if !converged {
		best, converged = searchNelderMead(objective, x0, maxIter)
		hess = nil
	}

	fit := Fit{
		Names:     append([]string(nil), p.names...),
		Params:    make([]float64, k),
		StdErrors: make([]float64, k),
		Rows:      p.rows,
		Customers: p.customers,
		Converged: converged,
	}
	for i, v := range best {
		fit.Params[i], _ = p.natural(i, v)
	}
	fit.LogLikelihood = p.logLik(fit.Params)
	fit.PenalizedLogLikelihood = fit.LogLikelihood - p.customers*p.penalty(opt, fit.Params)
	for i, v := range fit.Params {
		if math.IsNaN(v) || math.IsInf(v, 0) || (v == 0 && !p.isLinear(i)) {
			return fit, fmt.Errorf("%w: parameter %s went to %v; the data may not identify the model", ErrNotConverged, p.names[i], v)
		}
	}
	if math.IsNaN(fit.LogLikelihood) || math.IsInf(fit.LogLikelihood, 0) {
		return fit, fmt.Errorf("%w: log-likelihood is %v at the optimum", ErrNotConverged, fit.LogLikelihood)
	}
	if hess != nil {
		fit.StdErrors = seFromHessian(p, hess, best)
	} else if p.logLikGrad != nil {
		fit.StdErrors = standardErrorsGrad(p, best)
	} else {
		fit.StdErrors = standardErrors(p, func(phi []float64) float64 {
			t := make([]float64, k)
			for i, v := range phi {
				t[i], _ = p.natural(i, v)
			}
			return -p.logLik(t)
		}, best)
	}
	fit.Evaluations = evals
	if !converged {
		return fit, fmt.Errorf("%w after %d evaluations (parameters %v)", ErrNotConverged, evals, fit.Params)
	}
	return fit, nil
}

// searchNelderMead is the derivative-free search: Nelder-Mead, which
// tolerates poor starting values and infinite values, then BFGS with
// central-difference gradients to polish. It returns the best log-parameters
// and whether the search converged.
func searchNelderMead(objective func([]float64) float64, x0 []float64, maxIter int) ([]float64, bool) {
	k := len(x0)
	nm, err := optimize.Minimize(optimize.Problem{Func: objective}, x0, &optimize.Settings{
		MajorIterations: maxIter,
		Converger:       &optimize.FunctionConverge{Absolute: 1e-12, Relative: 1e-12, Iterations: 50 * k},
	}, &optimize.NelderMead{})
	if err != nil && nm == nil {
		return x0, false
	}
	best := nm.X
	grad := func(g, phi []float64) {
		fd.Gradient(g, objective, phi, &fd.Settings{Formula: fd.Central, Step: 1e-6})
	}
	bfgs, err := optimize.Minimize(optimize.Problem{Func: objective, Grad: grad}, best, &optimize.Settings{
		MajorIterations:   maxIter,
		GradientThreshold: 1e-8,
		Converger:         &optimize.FunctionConverge{Absolute: 1e-13, Relative: 1e-13, Iterations: 20},
	}, &optimize.BFGS{})
	converged := false
	if bfgs != nil && bfgs.F <= nm.F {
		best = bfgs.X
		converged = err == nil && bfgs.Status != optimize.IterationLimit && bfgs.Status != optimize.Failure
	}
	if !converged {
		// BFGS may stop on a line-search failure at a point Nelder-Mead
		// already pinned down; accept it when the gradient is tiny there.
		g := make([]float64, k)
		grad(g, best)
		converged = mat.Norm(mat.NewVecDense(k, g), math.Inf(1)) < 1e-5
	}
	return best, converged
}

// gradObjective evaluates the objective −LL/N + Penalty·Σθ² and its
// gradient in log parameters φ from the problem's analytic gradient, and
// keeps the last point: BFGS asks Func and Grad at the same point in turn.
type gradObjective struct {
	p                  problem
	opt                FitOptions
	evals              *int
	theta, jac, gTheta []float64
	lastX, lastG       []float64
	lastF              float64
}

func newGradObjective(p problem, opt FitOptions, evals *int) *gradObjective {
	k := len(p.names)
	return &gradObjective{p: p, opt: opt, evals: evals,
		theta: make([]float64, k), jac: make([]float64, k), gTheta: make([]float64, k),
		lastX: make([]float64, k), lastG: make([]float64, k), lastF: math.NaN()}
}

// eval sets lastF and lastG to the objective and its gradient at phi
// (+Inf and zeros where the log-likelihood is not finite).
func (o *gradObjective) eval(phi []float64) {
	if !math.IsNaN(o.lastF) && slicesEqual(phi, o.lastX) {
		return
	}
	p := o.p
	copy(o.lastX, phi)
	*o.evals++
	for i, v := range phi {
		if v > 700 || v < -700 {
			o.setInf()
			return
		}
		o.theta[i], o.jac[i] = p.natural(i, v)
	}
	ll := p.logLikGrad(o.theta, o.gTheta)
	if math.IsNaN(ll) || math.IsInf(ll, 0) {
		o.setInf()
		return
	}
	o.lastF = -ll/p.customers + p.penalty(o.opt, o.theta)
	for i := range o.lastG {
		// d/dφ = dθ/dφ · d/dθ (θ d/dθ for a log parameter).
		o.lastG[i] = -o.jac[i]*o.gTheta[i]/p.customers + p.penaltyGrad(o.opt, i, o.theta[i])
	}
}

func (o *gradObjective) setInf() {
	o.lastF = math.Inf(1)
	for j := range o.lastG {
		o.lastG[j] = 0
	}
}

// fg returns the objective at phi and stores its gradient in g.
func (o *gradObjective) fg(phi, g []float64) float64 {
	o.eval(phi)
	copy(g, o.lastG)
	return o.lastF
}

// remember makes (f, g) the cached value at phi, computed elsewhere.
func (o *gradObjective) remember(phi []float64, f float64, g []float64) {
	copy(o.lastX, phi)
	copy(o.lastG, g)
	o.lastF = f
}

// searchGrad runs BFGS with the problem's analytic gradient from x0 (log
// parameters). It returns the minimiser, whether BFGS converged with a
// small gradient, and the Hessian of the total −LL (no penalty) in log
// parameters that the Newton polish used, for the standard errors (nil when
// the polish could not take one); on failure the caller falls back to
// searchNelderMead.
func searchGrad(p problem, opt FitOptions, x0 []float64, maxIter int, evals *int) ([]float64, bool, *mat.SymDense) {
	obj := newGradObjective(p, opt, evals)
	prob := optimize.Problem{
		Func: func(phi []float64) float64 { obj.eval(phi); return obj.lastF },
		Grad: func(g, phi []float64) { obj.fg(phi, g) },
	}
	gradTol := p.gradTol
	if gradTol == 0 {
		gradTol = 1e-9
	}
	res, err := optimize.Minimize(prob, x0, &optimize.Settings{
		MajorIterations:   maxIter,
		GradientThreshold: gradTol,
		Converger:         &optimize.FunctionConverge{Absolute: 1e-14, Relative: 1e-14, Iterations: 20},
	}, &optimize.BFGS{})
	if res == nil || math.IsInf(res.F, 0) || math.IsNaN(res.F) {
		return x0, false, nil
	}
	_ = err
	var hessAt func(phi []float64) *mat.SymDense
	if p.logLikHess != nil {
		hessAt = func(phi []float64) *mat.SymDense {
			_, _, h := objectiveDerivs(p, opt, phi, evals)
			return h
		}
	}
	x, gn, h := newtonPolish(obj.fg, hessAt, res.X)
	return x, gn < 1e-6, logLikHessian(p, opt, h, res.X)
}

// newtonHandover is the size of the objective's gradient (largest
// component, in log parameters) below which searchNewton hands over to
// the Newton polish, as BFGS does at gradTol.
const newtonHandover = 1e-9

// searchNewton minimises the objective by Newton's method on the analytic
// Hessian (problem.logLikHess) from x0, a point near the optimum (the fit
// to a sample of the rows, see sampleStart). Each step solves H·d = −g
// with a fresh Hessian and halves it until the objective falls enough
// (Armijo); from there Newton converges quadratically, so a handful of
// evaluations replace BFGS's thirty. Below newtonHandover it finishes
// with newtonPolish, as searchGrad does, and returns the same things. It
// reports false, and the caller falls back to searchGrad, when a Hessian is
// not positive definite or no step lowers the objective: x0 was not near
// enough.
func searchNewton(p problem, opt FitOptions, x0 []float64, maxIter int, evals *int) ([]float64, bool, *mat.SymDense) {
	k := len(x0)
	x := append([]float64(nil), x0...)
	f, g, h := objectiveDerivs(p, opt, x, evals)
	if h == nil {
		return x0, false, nil
	}
	y := make([]float64, k)
	var chol mat.Cholesky
	var d mat.VecDense
	for iter := 0; infNorm(g) >= newtonHandover; iter++ {
		if iter == maxIter || !chol.Factorize(h) {
			return x0, false, nil
		}
		if err := chol.SolveVecTo(&d, mat.NewVecDense(k, append([]float64(nil), g...))); err != nil {
			return x0, false, nil
		}
		slope := 0.0 // g·d > 0: −d descends
		for i := range k {
			slope += g[i] * d.AtVec(i)
		}
		accepted := false
		for t := 1.0; t > 1e-6 && !accepted; t /= 2 {
			for i := range k {
				y[i] = x[i] - t*d.AtVec(i)
			}
			fy, gy, hy := objectiveDerivs(p, opt, y, evals)
			// Armijo's sufficient decrease; or, once the decrease Newton
			// predicts is below the objective's rounding, newtonPolish's
			// test: the gradient shrinks and the objective does not rise.
			armijo := fy <= f-1e-4*t*slope
			polish := t == 1 && infNorm(gy) < infNorm(g) && fy <= f+1e-12*math.Abs(f)
			if hy != nil && (armijo || polish) {
				copy(x, y)
				f, g, h = fy, gy, hy
				accepted = true
			}
		}
		if !accepted {
			if infNorm(g) < 1e-6 {
				break // as near as the gradient's rounding allows: polish from here
			}
			return x0, false, nil
		}
	}
	obj := newGradObjective(p, opt, evals)
	obj.remember(x, f, g)
	at := append([]float64(nil), x...)
	hessAt := func(phi []float64) *mat.SymDense {
		if slicesEqual(phi, at) {
			return h
		}
		_, _, hp := objectiveDerivs(p, opt, phi, evals)
		return hp
	}
	xp, gn, hp := newtonPolish(obj.fg, hessAt, x)
	return xp, gn < 1e-6, logLikHessian(p, opt, hp, at)
}

// logLikHessian turns h, the Hessian of the objective −LL/N + penalty in
// log parameters at phi, into that of −LL alone, for the standard errors
// (nil stays nil). The penalty's second derivative in φᵢ is
// 4·Penalty·θᵢ² (2·CovariatePenalty for a γ), on the diagonal only. h is
// taken within ~1e-8 (relative) of the final point, which moves the
// standard errors by about as much.
func logLikHessian(p problem, opt FitOptions, h *mat.SymDense, phi []float64) *mat.SymDense {
	if h == nil {
		return nil
	}
	k, _ := h.Dims()
	for i := range k {
		th, _ := p.natural(i, phi[i])
		for j := i; j < k; j++ {
			v := h.At(i, j)
			if i == j {
				v -= p.penaltyCurv(opt, i, th)
			}
			h.SetSym(i, j, v*p.customers)
		}
	}
	return h
}

// objectiveDerivs returns the objective −LL/N + Penalty·Σθ², its gradient
// and its Hessian in log parameters φ, from the problem's analytic
// Hessian: with θ = e^φ, ∂/∂φᵢ = θᵢ·∂/∂θᵢ and ∂²/∂φᵢ∂φⱼ =
// θᵢθⱼ·∂²/∂θᵢ∂θⱼ + [i = j]·θᵢ·∂/∂θᵢ; the penalty adds 2·Penalty·θᵢ² to
// the gradient and 4·Penalty·θᵢ² to the Hessian's diagonal. The Hessian is
// nil when the log-likelihood or a derivative is not finite there.
func objectiveDerivs(p problem, opt FitOptions, phi []float64, evals *int) (float64, []float64, *mat.SymDense) {
	k := len(phi)
	theta := make([]float64, k)
	for i, v := range phi {
		if v > 700 || v < -700 {
			return math.Inf(1), nil, nil
		}
		theta[i] = math.Exp(v)
	}
	g := make([]float64, k)
	hth := make([]float64, k*k)
	*evals++
	ll := p.logLikHess(theta, g, hth)
	if math.IsNaN(ll) || math.IsInf(ll, 0) {
		return math.Inf(1), nil, nil
	}
	f := -ll/p.customers + p.penalty(opt, theta)
	gphi := make([]float64, k)
	for i := range k {
		gphi[i] = -theta[i]*g[i]/p.customers + p.penaltyGrad(opt, i, theta[i])
	}
	h := mat.NewSymDense(k, nil)
	for i := range k {
		for j := i; j < k; j++ {
			v := theta[i] * theta[j] * hth[i*k+j]
			if i == j {
				v += theta[i] * g[i]
			}
			v = -v / p.customers
			if i == j {
				v += 4 * opt.Penalty * theta[i] * theta[i]
			}
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return f, gphi, nil
			}
			h.SetSym(i, j, v)
		}
	}
	return f, gphi, h
}

// newtonPolish refines a minimiser x0 found by BFGS with Newton steps on
// the analytic gradient (fg returns the objective and stores its gradient
// in g), the Hessian taken once, at x0: from hessAt when it is not nil (an
// analytic Hessian), else as central differences of the gradient. BFGS stops on a flat objective or a line-search failure up to
// ~1e-8 away from the optimum, and where exactly depends on rounding in the
// optimiser's path, which differs between builds (gonum's amd64 assembly
// against its pure-Go kernels, and arm64's fused multiply-adds). The point
// where the gradient vanishes does not, so a few Newton steps make the
// fitted parameters, and the scores printed from them, the same on every
// platform. That close to the optimum the Hessian changes by ~1e-8
// (relative) over the remaining distance, so reusing the one at x0 still
// lands the first step on the optimum to rounding; later steps only chase
// rounding. A step is kept only while it lowers the gradient's largest
// component and does not raise the objective; the first that fails ends the
// polish. It returns the polished point, the largest component of the
// gradient there (+Inf when the objective at x0 is not finite) and the
// (symmetrised) Hessian at x0, or nil for the Hessian when the objective at
// x0 is not finite.
func newtonPolish(fg func(phi, g []float64) float64, hessAt func(phi []float64) *mat.SymDense, x0 []float64) ([]float64, float64, *mat.SymDense) {
	k := len(x0)
	x := append([]float64(nil), x0...)
	g := make([]float64, k)
	f := fg(x, g)
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return x, math.Inf(1), nil
	}
	gn := infNorm(g)
	y, gy := make([]float64, k), make([]float64, k)
	var h *mat.SymDense
	if hessAt != nil {
		h = hessAt(x)
	}
	if h == nil {
		h = gradientHessian(func(at, g []float64) { fg(at, g) }, x, 1e-5)
	}
	var chol mat.Cholesky
	if !chol.Factorize(h) {
		return x, gn, h
	}
	var d mat.VecDense
	// A gradient below ~1e-15 of the objective is rounding: the steps
	// after the one that lands there only chase it (each costing an
	// evaluation), so the polish stops.
	floor := 1e-15 * max(1, math.Abs(f))
	for iter := 0; iter < 5 && gn > floor; iter++ {
		if err := chol.SolveVecTo(&d, mat.NewVecDense(k, append([]float64(nil), g...))); err != nil {
			break
		}
		for i := range k {
			y[i] = x[i] - d.AtVec(i)
		}
		fy := fg(y, gy)
		gny := infNorm(gy)
		if !(fy <= f+1e-12*math.Abs(f)) || !(gny < gn) {
			break
		}
		copy(x, y)
		copy(g, gy)
		f, gn = fy, gny
	}
	return x, gn, h
}

func infNorm(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		m = max(m, math.Abs(x))
	}
	return m
}

func slicesEqual(a, b []float64) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// standardErrorsGrad is standardErrors with the Hessian of −LL in log
// parameters taken as central differences of the analytic gradient
// (2k gradient evaluations instead of O(k²) function evaluations), then
// symmetrised.
func standardErrorsGrad(p problem, phi []float64) []float64 {
	k := len(phi)
	theta := make([]float64, k)
	jac := make([]float64, k)
	g := make([]float64, k)
	gradPhi := func(at, dst []float64) {
		for i, v := range at {
			theta[i], jac[i] = p.natural(i, v)
		}
		p.logLikGrad(theta, g)
		for i := range dst {
			dst[i] = -jac[i] * g[i] // gradient of −LL in φ
		}
	}
	return seFromHessian(p, gradientHessian(gradPhi, phi, 1e-5), phi)
}

// gradientHessian returns the Hessian at x of the function whose gradient
// grad stores in its second argument: central differences of the
// gradient with the given step (2k gradient evaluations), symmetrised.
func gradientHessian(grad func(at, g []float64), x []float64, step float64) *mat.SymDense {
	k := len(x)
	y := make([]float64, k)
	plus, minus := make([]float64, k), make([]float64, k)
	cols := make([][]float64, k)
	for j := range k {
		copy(y, x)
		y[j] = x[j] + step
		grad(y, plus)
		y[j] = x[j] - step
		grad(y, minus)
		cols[j] = make([]float64, k)
		for i := range k {
			cols[j][i] = (plus[i] - minus[i]) / (2 * step)
		}
	}
	h := mat.NewSymDense(k, nil)
	for i := range k {
		for j := i; j < k; j++ {
			h.SetSym(i, j, (cols[j][i]+cols[i][j])/2)
		}
	}
	return h
}

// standardErrors returns θ·SE(log θ): the Hessian of the total negative
// log-likelihood in log-parameters φ is inverted, and at the optimum the
// delta method gives SE(θᵢ) = θᵢ·SE(φᵢ). NaN where the Hessian is singular.
func standardErrors(p problem, negLL func([]float64) float64, phi []float64) []float64 {
	h := mat.NewSymDense(len(phi), nil)
	fd.Hessian(h, negLL, phi, &fd.Settings{Formula: fd.Central, Step: 1e-4})
	return seFromHessian(p, h, phi)
}

// seFromHessian inverts the Hessian h of −LL in log parameters phi and
// returns θᵢ·sqrt((h⁻¹)ᵢᵢ) (sqrt((h⁻¹)ᵢᵢ) for a parameter p optimises on
// its own scale, a γ); NaN everywhere if h is not positive definite.
func seFromHessian(p problem, h *mat.SymDense, phi []float64) []float64 {
	k := len(phi)
	se := make([]float64, k)
	var chol mat.Cholesky
	if !chol.Factorize(h) {
		for i := range se {
			se[i] = math.NaN()
		}
		return se
	}
	var inv mat.SymDense
	if err := chol.InverseTo(&inv); err != nil {
		for i := range se {
			se[i] = math.NaN()
		}
		return se
	}
	for i := range se {
		_, jac := p.natural(i, phi[i])
		se[i] = jac * math.Sqrt(inv.At(i, i))
	}
	return se
}
