package score

import (
	"errors"
	"fmt"

	"github.com/clvkit/clvkit/core/model"
)

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
	var cm model.CovariateModel
	var cf model.CovFit
	var err error
	switch o.Purchase {
	case BGNBD, "":
		var m model.BGNBDCov
		m, cf, err = model.FitBGNBDCov(rows, cov, o.Fit)
		cm, r.Purchase = m, m.BGNBD
	case ParetoNBD:
		var m model.ParetoNBDCov
		m, cf, err = model.FitParetoNBDCov(rows, cov, o.Fit)
		cm, r.Purchase = m, m.ParetoNBD
	default:
		return predictor{}, fmt.Errorf("covariates: the %s model has no covariate form (use bgnbd or paretonbd)", o.Purchase)
	}
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
