// Package core is the root of clvkit's pure-Go customer-lifetime-value
// library. It holds no code of its own; the work lives in its subpackages:
//
//   - summary: transaction log → per-customer summaries (frequency, recency,
//     T, monetary value), calibration/holdout splits and acquisition cohorts.
//   - formula: heuristic CLV formulas, their registry and custom expressions.
//   - model: probabilistic buy-till-you-die models (BG/NBD, Pareto/NBD,
//     MBG/NBD, BG/BB, shifted-beta-geometric, Gamma-Gamma), fitted by
//     maximum likelihood, with their predictions.
//   - segment: RFM scores, named segment maps and value tiers.
//   - group: scored customers by attribute (acquisition channel, country),
//     with acquisition cost per group: CAC, LTV:CAC and payback.
//
// The core does no I/O beyond io.Reader and io.Writer and uses no cgo, so it
// compiles for GOOS=js and GOOS=wasip1 as well as for native targets.
package core
