package score

import (
	"errors"
	"fmt"
	"slices"

	"github.com/clvkit/clvkit/core/attr"
	"github.com/clvkit/clvkit/core/model"
)

// CovariateSpec names the customer attributes the purchase model's
// transaction and lifetime processes depend on.
type CovariateSpec struct {
	Trans, Life []string
}

// IsZero reports whether no covariate is named.
func (c CovariateSpec) IsZero() bool { return len(c.Trans) == 0 && len(c.Life) == 0 }

// Attributes returns the attributes named, each once: Trans's, then
// Life's that are not in Trans.
func (c CovariateSpec) Attributes() []string {
	var out []string
	for _, n := range append(slices.Clone(c.Trans), c.Life...) {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// Encode turns the named attributes of set (aligned with the customers
// that will be scored) into covariates with model.EncodeCovariates: a
// categorical attribute gives k − 1 0/1 columns against its most frequent
// level, a numeric one its values. An attribute named for both processes
// is encoded once, so both use the same columns. It also returns the
// columns, for reports.
func (c CovariateSpec) Encode(set *attr.Set) (*model.Covariates, []model.EncodedColumn, error) {
	names := c.Attributes()
	if len(names) == 0 {
		return nil, nil, nil
	}
	if set == nil {
		return nil, nil, fmt.Errorf("covariates %v: the data have no customer attributes", names)
	}
	attrs := make([]model.Attribute, len(names))
	for i, n := range names {
		vals, err := set.Column(n)
		if err != nil {
			return nil, nil, fmt.Errorf("covariate %q: %w", n, err)
		}
		attrs[i] = model.Attribute{Name: n, Values: vals}
	}
	cols, values, err := model.EncodeCovariates(attrs)
	if err != nil {
		return nil, nil, fmt.Errorf("covariates: %w", err)
	}
	k := len(cols)
	n := set.Len()
	pick := func(want []string) ([]string, []float64) {
		var idx []int
		var names []string
		for j, col := range cols {
			if slices.Contains(want, col.Attribute) {
				idx = append(idx, j)
				names = append(names, col.Name)
			}
		}
		out := make([]float64, 0, n*len(idx))
		for i := range n {
			for _, j := range idx {
				out = append(out, values[i*k+j])
			}
		}
		return names, out
	}
	cov := &model.Covariates{}
	cov.TransNames, cov.Trans = pick(c.Trans)
	cov.LifeNames, cov.Life = pick(c.Life)
	return cov, cols, nil
}

// predictor computes the purchase model's predictions per customer, in
// output order: from a plain model on the distinct rows (broadcast through
// index), or from a covariate model per covariate group, each group's
// customers predicted by the model at the group's covariates.
type predictor struct {
	pm       model.PurchaseModel
	distinct []model.RFT
	index    []int

	cm     model.CovariateModel
	groups []model.CovGroup
	gindex [][2]int // per customer: group and row within it
}

// perCustomer evaluates f on the distinct rows (per group with covariates)
// and returns its values per customer.
func (p predictor) perCustomer(f func(pm model.PurchaseModel, rows []model.RFT) ([]float64, error)) ([]float64, error) {
	if p.cm == nil {
		v, err := f(p.pm, p.distinct)
		if err != nil {
			return nil, err
		}
		return broadcast(v, p.index), nil
	}
	per := make([][]float64, len(p.groups))
	for g, grp := range p.groups {
		v, err := f(p.cm.PurchaseModelFor(grp.Trans, grp.Life), grp.Rows)
		if err != nil {
			return nil, err
		}
		per[g] = v
	}
	out := make([]float64, len(p.gindex))
	for i, gi := range p.gindex {
		out[i] = per[gi[0]][gi[1]]
	}
	return out, nil
}

// fitCovariates fits the covariate purchase model to rows (output order;
// order[i] is row i's position among the customers passed to Score, which
// o.Covariates follows) and sets the result's fits.
func (r *Result) fitCovariates(rows []model.RFT, order []int32, o Options) (predictor, error) {
	c := o.Covariates
	if o.Frozen != nil {
		return predictor{}, errors.New("covariates need a fitted model: a frozen model has none")
	}
	if err := c.Validate(len(rows)); err != nil {
		return predictor{}, r.covariateError(err, order)
	}
	// Covariates in output order.
	cov := model.Covariates{TransNames: c.TransNames, LifeNames: c.LifeNames}
	for _, k := range order {
		cov.Trans = append(cov.Trans, c.TransRow(int(k))...)
		cov.Life = append(cov.Life, c.LifeRow(int(k))...)
	}
	if o.FitCovariates == nil {
		return predictor{}, errors.New("covariates: Options.FitCovariates is not set (score.FitCovariateModel fits the BG/NBD and Pareto/NBD with covariates)")
	}
	cm, pm, cf, err := o.FitCovariates(o.Purchase, rows, cov, o.Fit)
	r.Purchase = pm
	if err != nil {
		return predictor{}, r.rowError(err, nil)
	}
	r.PurchaseFit, r.CovariateFit, r.CovariateModel = cf.Fit, &cf, cm
	groups, gindex, err := model.GroupByCovariates(rows, cov)
	if err != nil {
		return predictor{}, err
	}
	return predictor{cm: cm, groups: groups, gindex: gindex}, nil
}

// CovariateFitter fits the purchase model named by purchase (a Score
// model name; "" is BGNBD) with static covariates to rows, returning the
// covariate model, the plain model at the reference levels and the fit.
type CovariateFitter func(purchase string, rows []model.RFT, cov model.Covariates, opt model.FitOptions) (model.CovariateModel, model.PurchaseModel, model.CovFit, error)

// FitCovariateModel is the CovariateFitter of the models with a
// covariate form: BGNBD (model.FitBGNBDCov) and ParetoNBD
// (model.FitParetoNBDCov). Score reaches it only through
// Options.FitCovariates, so a program that never fits covariates (the
// calculator page) does not link the covariate models.
func FitCovariateModel(purchase string, rows []model.RFT, cov model.Covariates, opt model.FitOptions) (model.CovariateModel, model.PurchaseModel, model.CovFit, error) {
	switch purchase {
	case BGNBD, "":
		m, cf, err := model.FitBGNBDCov(rows, cov, opt)
		return m, m.BGNBD, cf, err
	case ParetoNBD:
		m, cf, err := model.FitParetoNBDCov(rows, cov, opt)
		return m, m.ParetoNBD, cf, err
	}
	return nil, nil, model.CovFit{}, fmt.Errorf("covariates: the %s model has no covariate form (use bgnbd or paretonbd)", purchase)
}

// covariateError names the customer of a *model.CovariateError (whose row
// counts in the order of the customers passed to Score).
func (r *Result) covariateError(err error, order []int32) error {
	var ce *model.CovariateError
	if !errors.As(err, &ce) {
		return fmt.Errorf("covariates: %w", err)
	}
	for i, k := range order {
		if int(k) == ce.Row {
			return &CustomerError{ID: r.IDs[i], Err: err}
		}
	}
	return err
}
