package score

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/clvkit/clvkit/core/model"
	"github.com/clvkit/clvkit/internal/quote"
)

// frozenNames are the parameter names of each model a file may hold, in
// the order of model.Fit.Names.
var frozenNames = map[string][]string{
	BGNBD:           {"r", "alpha", "a", "b"},
	ParetoNBD:       {"r", "alpha", "s", "beta"},
	MBGNBD:          {"r", "alpha", "a", "b"},
	BGBB:            {"alpha", "beta", "gamma", "delta"},
	SpendGammaGamma: {"p", "q", "v"},
}

// FrozenModel is a fitted model as data: what `clv fit --out` writes and
// `clv score --model-file` scores with (Options.Frozen), without
// refitting. Package core/modelfile reads and writes it as JSON, exactly:
// every number as the shortest decimal text that parses back to the same
// float64, so a model read back scores as the fit did.
type FrozenModel struct {
	// Model is BGNBD, ParetoNBD, MBGNBD, BGBB or SpendGammaGamma.
	Model string
	// Names and Params are the parameters, in the model's order (see
	// model.Fit.Names); StdErrors their standard errors, NaN where the fit
	// had none.
	Names     []string
	Params    []float64
	StdErrors []float64
	// LogLikelihood is the fit's total log-likelihood over Data.
	LogLikelihood float64
	// Converged is the fit's convergence flag.
	Converged bool
	// Data summarizes the data the model was fitted to.
	Data FrozenData
	// Version is the clvkit version that fitted the model.
	Version string
}

// FrozenData summarizes the data a frozen model was fitted to. A model's
// rates are per Unit, so it scores only data in the same unit.
type FrozenData struct {
	// Customers is the number of customers (weights summed) in the fit;
	// Rows the distinct rows it ran over.
	Customers float64
	Rows      int
	// Unit names the time unit of recency and T ("weeks", "days",
	// "months", "14d"); UnitDays is its length in days.
	Unit     string
	UnitDays float64
	// Grain is the purchase period (day, week, month), "" when unknown
	// (a model fitted to a per-customer summary).
	Grain string
	// ObservationEnd is the last day of the data (YYYY-MM-DD), "" when
	// unknown.
	ObservationEnd string
}

// NewFrozenModel freezes a fit of the named model (BGNBD, ParetoNBD,
// MBGNBD, BGBB or SpendGammaGamma). It returns an error when the fit's
// parameters are not the model's or not positive finite numbers.
func NewFrozenModel(name string, fit model.Fit, data FrozenData, version string) (*FrozenModel, error) {
	f := &FrozenModel{Model: name, Names: slices.Clone(fit.Names), Params: slices.Clone(fit.Params),
		StdErrors: slices.Clone(fit.StdErrors), LogLikelihood: fit.LogLikelihood, Converged: fit.Converged,
		Data: data, Version: version}
	if len(f.StdErrors) != len(f.Params) {
		f.StdErrors = make([]float64, len(f.Params))
		for i := range f.StdErrors {
			f.StdErrors[i] = math.NaN()
		}
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	return f, nil
}

// Frozen is a frozen model given to Score (Options.Frozen,
// Options.FrozenSpend). *FrozenModel is the one implementation; Options
// holds the interface so that a program that never freezes a model (the
// calculator page) does not link the code that scores with one.
type Frozen interface {
	// purchase returns the purchase model and a Fit describing it on rows.
	purchase(rows []model.RFT) (model.PurchaseModel, model.Fit, error)
	// spend returns the Gamma-Gamma model and its Fit.
	spend() (model.GammaGamma, model.Fit, error)
}

var _ Frozen = (*FrozenModel)(nil)

// purchase returns the purchase model and a Fit describing it on rows: the
// frozen parameters and standard errors, the log-likelihood of rows under
// them, Converged as the file says. A BG/BB model needs rows in whole
// units, as its fit does.
func (f *FrozenModel) purchase(rows []model.RFT) (model.PurchaseModel, model.Fit, error) {
	pm, err := f.PurchaseModel()
	if err != nil {
		return nil, model.Fit{}, err
	}
	if f.Model == BGBB {
		if err := checkWhole(rows); err != nil {
			return nil, model.Fit{}, err
		}
	}
	fit := model.Fit{Names: slices.Clone(f.Names), Params: slices.Clone(f.Params), StdErrors: slices.Clone(f.StdErrors),
		Rows: len(rows), Converged: f.Converged}
	for _, r := range rows {
		fit.Customers += r.Weight
	}
	fit.LogLikelihood = pm.LogLikelihood(rows)
	fit.PenalizedLogLikelihood = fit.LogLikelihood
	return pm, fit, nil
}

// spend returns the Gamma-Gamma model and a Fit with the frozen
// parameters, standard errors and log-likelihood, and the data summary's
// counts.
func (f *FrozenModel) spend() (model.GammaGamma, model.Fit, error) {
	gg, err := f.SpendModel()
	if err != nil {
		return gg, model.Fit{}, err
	}
	return gg, model.Fit{Names: slices.Clone(f.Names), Params: slices.Clone(f.Params), StdErrors: slices.Clone(f.StdErrors),
		LogLikelihood: f.LogLikelihood, PenalizedLogLikelihood: f.LogLikelihood, Rows: f.Data.Rows, Customers: f.Data.Customers, Converged: f.Converged}, nil
}

// IsPurchase reports whether the model is a purchase model (not SpendGammaGamma).
func (f *FrozenModel) IsPurchase() bool { return f.Model != SpendGammaGamma }

// Validate checks a frozen model: a known model, its parameters in order,
// positive and finite (a Gamma-Gamma q above 1, so that there is a
// population mean spend), a named unit of positive finite length, and
// standard errors (NaN where none) for every parameter.
func (f *FrozenModel) Validate() error {
	want, ok := frozenNames[f.Model]
	if !ok {
		return fmt.Errorf("model %s: want one of bgnbd, paretonbd, mbgnbd, bgbb or gammagamma", quote.Value(f.Model))
	}
	if !slices.Equal(f.Names, want) || len(f.Params) != len(want) || len(f.StdErrors) != len(want) {
		return fmt.Errorf("model %s: parameters %v, want %v in that order, each with a value and a standard error", f.Model, f.Names, want)
	}
	for i, v := range f.Params {
		if !(v > 0) || math.IsInf(v, 0) {
			return fmt.Errorf("model %s: parameter %s = %v: want a positive finite number", f.Model, f.Names[i], v)
		}
	}
	if !(f.Data.UnitDays > 0) || math.IsInf(f.Data.UnitDays, 0) {
		return fmt.Errorf("data.unit_days = %v: want a positive finite number of days", f.Data.UnitDays)
	}
	if f.Data.Unit == "" {
		return errors.New("data.unit is empty: want the time unit the model was fitted in (weeks, days, months, Nd)")
	}
	if f.Model == SpendGammaGamma {
		if _, err := (model.GammaGamma{P: f.Params[0], Q: f.Params[1], V: f.Params[2]}).MeanSpend(); err != nil {
			return fmt.Errorf("model gammagamma: q = %v ≤ 1 gives no population mean spend, so it cannot score one-time buyers", f.Params[1])
		}
	}
	return nil
}

// Param returns the value of the named parameter.
func (f *FrozenModel) Param(name string) float64 {
	i := slices.Index(f.Names, name)
	if i < 0 {
		return math.NaN()
	}
	return f.Params[i]
}

// PurchaseModel returns the purchase model with the frozen parameters; a
// BG/BB model counts each time unit as one purchase opportunity, as Score
// does when it fits one.
func (f *FrozenModel) PurchaseModel() (model.PurchaseModel, error) {
	p := f.Param
	switch f.Model {
	case BGNBD:
		return model.BGNBD{R: p("r"), Alpha: p("alpha"), A: p("a"), B: p("b")}, nil
	case ParetoNBD:
		return model.ParetoNBD{R: p("r"), Alpha: p("alpha"), S: p("s"), Beta: p("beta")}, nil
	case MBGNBD:
		return model.MBGNBD{R: p("r"), Alpha: p("alpha"), A: p("a"), B: p("b")}, nil
	case BGBB:
		return discrete{model.BGBB{Alpha: p("alpha"), Beta: p("beta"), Gamma: p("gamma"), Delta: p("delta")}}, nil
	}
	return nil, fmt.Errorf("model %s is not a purchase model (want bgnbd, paretonbd, mbgnbd or bgbb)", quote.Value(f.Model))
}

// SpendModel returns the Gamma-Gamma spend model with the frozen
// parameters.
func (f *FrozenModel) SpendModel() (model.GammaGamma, error) {
	if f.Model != SpendGammaGamma {
		return model.GammaGamma{}, fmt.Errorf("model %s is not a spend model (want gammagamma)", quote.Value(f.Model))
	}
	return model.GammaGamma{P: f.Param("p"), Q: f.Param("q"), V: f.Param("v")}, nil
}

// CheckUnit returns an error when data in a unit of unitDays days (named
// unit) cannot be scored with the model: its rates are per Data.Unit.
func (f *FrozenModel) CheckUnit(unit string, unitDays float64) error {
	if f.Data.UnitDays != unitDays {
		return fmt.Errorf("the model was fitted with time unit %s (%s) but this run's time unit is %s (%s): a model's rates are per unit; score data in %s (time.unit) or refit the model",
			f.Data.Unit, days(f.Data.UnitDays), unit, days(unitDays), f.Data.Unit)
	}
	return nil
}

// CheckGrain returns an error when the run's grain (what one purchase
// period is) differs from the model's; either being "" (unknown) passes.
func (f *FrozenModel) CheckGrain(grain string) error {
	if f.Data.Grain != "" && grain != "" && !strings.EqualFold(f.Data.Grain, grain) {
		return fmt.Errorf("the model was fitted with time grain %s but this run's grain is %s: frequencies count purchase periods of the grain; set time.grain to %s or refit the model",
			f.Data.Grain, grain, f.Data.Grain)
	}
	return nil
}

// days writes a length in days: "1 day", "7 days", "30.4375 days".
func days(v float64) string {
	if v == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%.6g days", v)
}
