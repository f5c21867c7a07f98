// Package model holds the probabilistic buy-till-you-die CLV models, fitted
// by maximum likelihood, and their predictions.
//
// Each model is a plain struct of its parameters, named as in its paper
// (lifetimes' names where papers clash), with the same method set where
// models share a capability:
//
//   - continuous-time purchase models (BGNBD, ParetoNBD, MBGNBD) predict
//     expected purchases, P(alive) and P(X(t) = x);
//   - BGBB is the discrete-time counterpart for fixed purchase opportunities;
//   - GammaGamma models spend per transaction;
//   - SBG models contractual (subscription) retention.
//
// Fits maximise the total log-likelihood over log-transformed parameters with
// gonum/optimize: BFGS on the analytic gradient finished by Newton steps
// (BG/NBD, MBG/NBD, Pareto/NBD, Gamma-Gamma), or Nelder-Mead then BFGS on
// finite differences (the others, and the fallback). They report standard
// errors from the Hessian at the optimum; see FitOptions and Fit.
package model
