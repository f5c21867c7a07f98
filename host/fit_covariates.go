package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/clvkit/clvkit/core/model"
	"github.com/clvkit/clvkit/host/internal/table"
)

// covariateReport is the covariate part of clv fit's report for a purchase
// model with covariates: each γ with its standard error and exp(γ), and
// the likelihood-ratio test against the model without covariates.
type covariateReport struct {
	Trans []covariateTerm `json:"trans"`
	Life  []covariateTerm `json:"life"`
	// LogLikelihoodWithout is the log-likelihood of the same model fitted
	// without covariates, the test's restricted model.
	LogLikelihoodWithout float64   `json:"log_likelihood_without_covariates"`
	LRT                  lrtReport `json:"likelihood_ratio_test"`
	// Groups is the number of distinct covariate vectors.
	Groups int `json:"covariate_groups"`
}

type covariateTerm struct {
	Column    string  `json:"column"`
	Attribute string  `json:"attribute"`
	Numeric   bool    `json:"numeric"`
	Level     string  `json:"level,omitempty"`     // "" for a numeric attribute
	Reference string  `json:"reference,omitempty"` // the attribute's level without a column
	Gamma     float64 `json:"gamma"`
	StdError  float64 `json:"std_error"` // −1: not available
	ExpGamma  float64 `json:"exp_gamma"`
}

type lrtReport struct {
	Statistic float64 `json:"statistic"`
	DF        int     `json:"df"`
	PValue    float64 `json:"p_value"`
}

// newCovariateReport reads a covariate fit; cols are the encoded columns
// (for their attributes and levels).
func newCovariateReport(f model.CovFit, cols []model.EncodedColumn) *covariateReport {
	r := &covariateReport{
		LogLikelihoodWithout: f.Base.LogLikelihood,
		LRT:                  lrtReport{Statistic: f.LRT.Statistic, DF: f.LRT.DF, PValue: f.LRT.PValue},
		Groups:               f.Groups,
	}
	for i, name := range f.Names {
		process, col, ok := strings.Cut(name, ":")
		if !ok || (process != "trans" && process != "life") {
			continue
		}
		t := covariateTerm{Column: col, Attribute: col, Gamma: f.Params[i], StdError: f.StdErrors[i], ExpGamma: math.Exp(f.Params[i])}
		if math.IsNaN(t.StdError) || math.IsInf(t.StdError, 0) {
			t.StdError = -1
		}
		for _, c := range cols {
			if c.Name == col {
				t.Attribute, t.Numeric, t.Level, t.Reference = c.Attribute, c.Numeric, c.Level, c.Reference
			}
		}
		if process == "trans" {
			r.Trans = append(r.Trans, t)
		} else {
			r.Life = append(r.Life, t)
		}
	}
	return r
}

// printCovariates prints the covariate part of a fit report.
func printCovariates(w io.Writer, r *covariateReport) {
	for _, p := range []struct {
		what  string
		terms []covariateTerm
	}{{"transaction process (exp(γ) multiplies the purchase rate)", r.Trans}, {"lifetime process (γ > 0: shorter lifetimes)", r.Life}} {
		if len(p.terms) == 0 {
			continue
		}
		fmt.Fprintf(w, "\ncovariates of the %s:\n", p.what)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "covariate\treference\tγ\tstd. error\texp(γ)\t")
		for _, t := range p.terms {
			se := "n/a"
			if t.StdError >= 0 {
				se = fmt.Sprintf("%.4f", t.StdError)
			}
			ref := t.Reference
			if t.Numeric {
				ref = "(numeric)"
			}
			fmt.Fprintf(tw, "%s\t%s\t%.4f\t%s\t%.4f\t\n", t.Column, ref, t.Gamma, se, t.ExpGamma)
		}
		tw.Flush()
	}
	fmt.Fprintf(w, "\nlikelihood-ratio test against the model without covariates: LR = %.4f on %d df, p = %.4g (log-likelihood without covariates %.4f; %d covariate groups)\n",
		r.LRT.Statistic, r.LRT.DF, r.LRT.PValue, r.LogLikelihoodWithout, r.Groups)
}

// fitSummaryCovariates fits a purchase model with covariates to a summary
// file's rows (one per customer, in file order): the covariate columns are
// read as text in a second pass over the file, encoded as clv score does
// (score.CovariateSpec via model.EncodeCovariates), and used by both
// processes.
func fitSummaryCovariates(e *env, name string, src source, rows []model.RFT, names []string, opt model.FitOptions) (*fitReport, error) {
	attrs, err := readTextColumns(e, src, names)
	if err != nil {
		return nil, err
	}
	if len(attrs[0].Values) != len(rows) {
		return nil, fmt.Errorf("%s: %d rows with attributes, %d with numbers: the file changed while read", src.displayName(), len(attrs[0].Values), len(rows))
	}
	cols, values, err := model.EncodeCovariates(attrs)
	if err != nil {
		return nil, fmt.Errorf("%s: --covariates: %w", src.displayName(), err)
	}
	cov := model.Covariates{TransNames: model.ColumnNames(cols), LifeNames: model.ColumnNames(cols), Trans: values, Life: values}
	var cf model.CovFit
	switch name {
	case "bgnbd":
		_, cf, err = model.FitBGNBDCov(rows, cov, opt)
	default:
		_, cf, err = model.FitParetoNBDCov(rows, cov, opt)
	}
	if err != nil {
		var ce *model.CovariateError
		if errors.As(err, &ce) {
			return nil, fmt.Errorf("%s: line %d: %w", src.displayName(), ce.Row+2, err)
		}
		return nil, fmt.Errorf("%s: %w", src.displayName(), rowLine(err))
	}
	rep := &fitReport{Model: name, rows: "distinct (frequency, recency, T, covariates) patterns"}
	rep.setFit(cf.Fit, opt)
	rep.Covariates = newCovariateReport(cf, cols)
	return rep, nil
}

// readTextColumns reads the named columns of a table as text, one value
// per data row.
func readTextColumns(e *env, src source, names []string) ([]model.Attribute, error) {
	f, err := src.format()
	if err != nil {
		return nil, err
	}
	r, closeFn, _, err := src.open(e, nil)
	if err != nil {
		return nil, err
	}
	defer closeFn()
	tr, err := table.Open(r, src.displayName(), f, table.ReadOptions{})
	if err != nil {
		return nil, err
	}
	idx, err := tr.Require(names...)
	if err != nil {
		return nil, fmt.Errorf("--covariates: %w", err)
	}
	attrs := make([]model.Attribute, len(names))
	for k, n := range names {
		attrs[k].Name = n
	}
	for {
		row, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		for k, i := range idx {
			v, err := row.Text(i)
			if err != nil {
				return nil, err
			}
			attrs[k].Values = append(attrs[k].Values, strings.TrimSpace(v))
		}
	}
	return attrs, nil
}
