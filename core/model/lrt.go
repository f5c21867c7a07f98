package model

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// LRTest is a likelihood-ratio test of a model against a restricted
// (nested) one: here a covariate model against the same model without
// covariates, whose γ are all 0.
type LRTest struct {
	// Statistic is 2·(LL_full − LL_restricted), the unpenalized
	// log-likelihoods at their optima; a difference below 0, which only
	// rounding or an optimiser stopping short can give, counts as 0.
	Statistic float64
	// DF is the number of parameters the restriction fixes (the γ).
	DF int
	// PValue is P(χ²_DF ≥ Statistic): under the restricted model (no
	// covariate effect) the statistic is asymptotically chi-squared with
	// DF degrees of freedom (Wilks 1938). A small value says the
	// covariates improve the fit by more than chance would. With a
	// covariate penalty the full model is not the maximum-likelihood fit
	// and the test is conservative.
	PValue float64
}

// LikelihoodRatio returns the likelihood-ratio test of a model with
// log-likelihood full against a nested restricted one with log-likelihood
// restricted and df fewer free parameters.
func LikelihoodRatio(full, restricted float64, df int) (LRTest, error) {
	if df < 1 {
		return LRTest{}, fmt.Errorf("likelihood-ratio test: %d degrees of freedom, want ≥ 1", df)
	}
	if math.IsNaN(full) || math.IsInf(full, 0) || math.IsNaN(restricted) || math.IsInf(restricted, 0) {
		return LRTest{}, fmt.Errorf("likelihood-ratio test: log-likelihoods %v and %v must be finite", full, restricted)
	}
	stat := max(2*(full-restricted), 0)
	return LRTest{Statistic: stat, DF: df, PValue: distuv.ChiSquared{K: float64(df)}.Survival(stat)}, nil
}

// String formats the test as "LR = 12.3 on 2 df, p = 0.0021".
func (t LRTest) String() string {
	return fmt.Sprintf("LR = %.4g on %d df, p = %.4g", t.Statistic, t.DF, t.PValue)
}
