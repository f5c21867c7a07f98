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
//
// BGNBDCov and ParetoNBDCov add time-invariant covariates in CLVTools'
// form: the purchase-rate scale α becomes α·exp(−γ_trans·z), so exp(γ)
// multiplies a customer's mean purchase rate; the Pareto/NBD's dropout
// scale β becomes β·exp(−γ_life·z) (exp(γ) multiplies the dropout rate);
// the BG/NBD's a and b are both multiplied by exp(γ_life·z) (see BGNBDCov
// for why). EncodeCovariates turns attributes into covariate columns,
// FitBGNBDCov and FitParetoNBDCov fit them with exact gradients and
// standard errors for every γ, and CovFit.LRT tests them against the
// model without covariates. Each customer's predictions come from the
// plain model at their covariates (For).
package model
