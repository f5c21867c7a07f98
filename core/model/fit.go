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
	names     []string
	start     []float64
	logLik    func(params []float64) float64 // total, weights applied
	rows      int
	customers float64
}

// maximize fits p by minimising the (penalized, per-customer) negative
// log-likelihood over log-transformed parameters: Nelder-Mead first, which
// tolerates poor starting values and infinite values, then BFGS with
// central-difference gradients to polish. Everything runs on one goroutine
// in a fixed order, so the same data gives the same parameters bit for bit.
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
	x0 := make([]float64, k)
	for i, v := range start {
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
		pen := 0.0
		for i, v := range phi {
			if v > 700 || v < -700 {
				return math.Inf(1)
			}
			theta[i] = math.Exp(v)
			pen += theta[i] * theta[i]
		}
		ll := p.logLik(theta)
		if math.IsNaN(ll) || math.IsInf(ll, 0) {
			return math.Inf(1)
		}
		return -ll/p.customers + opt.Penalty*pen
	}

	nm, err := optimize.Minimize(optimize.Problem{Func: objective}, x0, &optimize.Settings{
		MajorIterations: maxIter,
		Converger:       &optimize.FunctionConverge{Absolute: 1e-12, Relative: 1e-12, Iterations: 50 * k},
	}, &optimize.NelderMead{})
	if err != nil && nm == nil {
		return Fit{}, fmt.Errorf("optimise: %w", err)
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

	fit := Fit{
		Names:     append([]string(nil), p.names...),
		Params:    make([]float64, k),
		StdErrors: make([]float64, k),
		Rows:      p.rows,
		Customers: p.customers,
		Converged: converged,
	}
	pen := 0.0
	for i, v := range best {
		fit.Params[i] = math.Exp(v)
		pen += fit.Params[i] * fit.Params[i]
	}
	fit.LogLikelihood = p.logLik(fit.Params)
	fit.PenalizedLogLikelihood = fit.LogLikelihood - p.customers*opt.Penalty*pen
	for i, v := range fit.Params {
		if math.IsNaN(v) || math.IsInf(v, 0) || v == 0 {
			return fit, fmt.Errorf("%w: parameter %s went to %v; the data may not identify the model", ErrNotConverged, p.names[i], v)
		}
	}
	if math.IsNaN(fit.LogLikelihood) || math.IsInf(fit.LogLikelihood, 0) {
		return fit, fmt.Errorf("%w: log-likelihood is %v at the optimum", ErrNotConverged, fit.LogLikelihood)
	}
	fit.StdErrors = standardErrors(func(phi []float64) float64 {
		t := make([]float64, k)
		for i, v := range phi {
			t[i] = math.Exp(v)
		}
		return -p.logLik(t)
	}, best)
	fit.Evaluations = evals
	if !converged {
		return fit, fmt.Errorf("%w after %d evaluations (parameters %v)", ErrNotConverged, evals, fit.Params)
	}
	return fit, nil
}

// standardErrors returns θ·SE(log θ): the Hessian of the total negative
// log-likelihood in log-parameters φ is inverted, and at the optimum the
// delta method gives SE(θᵢ) = θᵢ·SE(φᵢ). NaN where the Hessian is singular.
func standardErrors(negLL func([]float64) float64, phi []float64) []float64 {
	k := len(phi)
	se := make([]float64, k)
	h := mat.NewSymDense(k, nil)
	fd.Hessian(h, negLL, phi, &fd.Settings{Formula: fd.Central, Step: 1e-4})
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
		se[i] = math.Exp(phi[i]) * math.Sqrt(inv.At(i, i))
	}
	return se
}
