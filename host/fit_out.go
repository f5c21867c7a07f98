package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/clvkit/clvkit/core/compare"
	"github.com/clvkit/clvkit/core/model"
	"github.com/clvkit/clvkit/core/modelfile"
	"github.com/clvkit/clvkit/core/score"
	"github.com/clvkit/clvkit/core/summary"
	"github.com/clvkit/clvkit/host/internal/atomicfile"
	"github.com/clvkit/clvkit/host/internal/config"
)

// frozenOut is one model file clv fit writes: the flag that named it, its
// path and its contents.
type frozenOut struct {
	what, path string
	model      *score.FrozenModel
}

// writeModelFiles writes the model files whole, all or none, after
// checking that none is an input (or another output) and locking them.
func writeModelFiles(ctx context.Context, e *env, wait time.Duration, outs []frozenOut, inputs []atomicfile.Named) error {
	var named []atomicfile.Named
	for _, o := range outs {
		if o.path == "-" {
			return fmt.Errorf("%s -: give a file name; a model file is read back by clv score --model-file", o.what)
		}
		named = append(named, atomicfile.Named{What: o.what, Path: o.path})
	}
	if err := guardOutputs(ctx, e, wait, named, inputs); err != nil {
		return err
	}
	g := e.files.NewGroup()
	defer g.Close()
	for _, o := range outs {
		b, err := modelfile.Marshal(o.model)
		if err != nil {
			return fmt.Errorf("%s %s: %w", o.what, o.path, err)
		}
		f, err := g.Create(o.path, 0)
		if err != nil {
			return fmt.Errorf("%s: %w", o.what, err)
		}
		if _, err := f.Write(b); err != nil {
			return fmt.Errorf("write %s: %w", o.path, err)
		}
	}
	return g.Commit()
}

// configFit is what `clv fit --config` does: read the config's input as
// clv score does, fit its purchase model and (with model.spend =
// "gammagamma") the Gamma-Gamma model on exactly the rows clv score would
// fit them on, print both fits, and write the model files asked for.
type configFit struct {
	config, input, out, spendOut string
	asJSON                       bool
	lockWait                     time.Duration
	// covariates, when not nil, are --covariates: the attributes both
	// processes depend on, over the config's.
	covariates []string
}

func (c configFit) run(ctx context.Context, e *env) error {
	cfg, err := loadConfig(e, c.config, func(cf *config.Config) {
		if c.input != "" {
			cf.Input.Path = c.input
		}
		if c.covariates != nil {
			cf.Model.CovariatesTrans = slices.Clone(c.covariates)
			cf.Model.CovariatesLife = slices.Clone(c.covariates)
		}
	})
	if err != nil {
		return err
	}
	if c.input != "" {
		cfg.Input.Path = absPath(c.input)
	}
	if cfg.Model.Load != "" || cfg.Model.LoadSpend != "" {
		return cfg.KeyError("model.load", errors.New("clv fit fits the models: remove model.load and model.load_spend from the config it fits with (they are for clv score)"))
	}
	j, err := prepare(cfg)
	if err != nil {
		return err
	}
	if !j.options.CovariateNames.IsZero() && c.out != "" {
		return errors.New("--out: the purchase model has covariates (model.covariates_trans, covariates_life); a model file holds a model without them. Leave out --out (clv score refits with the covariates) or the covariates")
	}
	if c.spendOut != "" && !j.options.Spend {
		return fmt.Errorf("--spend-out %s: %s has model.spend = %q: there is no Gamma-Gamma model to write", c.spendOut, cfg.Name, cfg.Model.Spend)
	}
	var outs []frozenOut
	if c.out != "" {
		outs = append(outs, frozenOut{what: "--out", path: absPath(c.out)})
	}
	if c.spendOut != "" {
		outs = append(outs, frozenOut{what: "--spend-out", path: absPath(c.spendOut)})
	}
	inputs := []atomicfile.Named{{What: "--config", Path: cfg.Name}, {What: "input.path", Path: j.input.Path}}
	if len(outs) > 0 {
		// Refuse before reading anything, as clv score does.
		var named []atomicfile.Named
		for _, o := range outs {
			named = append(named, atomicfile.Named{What: o.what, Path: o.path})
		}
		if err := atomicfile.CheckDistinct(named, inputs); err != nil {
			return err
		}
	}
	customers, sum, lines, err := j.customers(ctx, e, nil)
	if err != nil {
		return err
	}
	if j.options.Purchase == compare.Auto {
		// The model clv score would choose, said on stderr.
		run := &scoring{job: j}
		if err := run.choose(customers, sum); err != nil {
			return customerLine(j.input.displayName(), customers, lines, err)
		}
		reportChoice(e.stderr, *run.choice, run.candidates)
	}
	// Score, not only fit: the fits then see exactly the rows, in the
	// order, that clv score gives them. Extra columns are left out (a
	// plugin would need loading and has no part in the fits).
	o := j.options
	o.Columns, o.Segmenter, o.Segments, o.TierColumn, o.Explain, o.PurchaseHorizon = nil, nil, nil, "", false, summary.Span{}
	res, err := score.Score(ctx, customers, o)
	if err != nil {
		return customerLine(j.input.displayName(), customers, lines, err)
	}
	data := score.FrozenData{Customers: res.PurchaseFit.Customers, Rows: res.PurchaseFit.Rows,
		Unit: j.time.Unit.String(), UnitDays: unitDays(j.time.Unit)}
	if cfg.Input.Kind == "transactions" {
		data.Grain = cfg.Time.Grain
		data.ObservationEnd = cfg.Time.ObservationEnd
		if cfg.Time.CalibrationEnd != "" {
			// The summaries are of the calibration period.
			data.ObservationEnd = cfg.Time.CalibrationEnd
		}
	}
	version := clvVersion()
	var purchase *score.FrozenModel
	if res.CovariateFit == nil {
		if purchase, err = score.NewFrozenModel(o.Purchase, res.PurchaseFit, data, version); err != nil {
			return &internalError{err}
		}
	}
	reports := []*fitReport{purchaseReport(o.Purchase, res, customers, o.Fit)}
	if res.CovariateFit != nil {
		reports[0].Histogram = nil // of the model at covariates 0, not of these customers
		reports[0].Covariates = newCovariateReport(*res.CovariateFit, j.covColumns)
		reports[0].rows = "distinct (frequency, recency, T, covariates) patterns"
	}
	var spend *score.FrozenModel
	if o.Spend {
		rep := &fitReport{Model: score.SpendGammaGamma, rows: "rows with repeat purchases"}
		rep.setFit(res.SpendFit.Fit, o.Fit)
		rep.Excluded, rep.Correlation, rep.Warning = &res.SpendFit.Excluded, &res.SpendFit.Correlation, res.SpendFit.Warning
		reports = append(reports, rep)
		if est := res.SpendEstimate; est.Method == score.EstimateGammaGamma {
			sd := data
			sd.Customers, sd.Rows = res.SpendFit.Customers, res.SpendFit.Rows
			if spend, err = score.NewFrozenModel(score.SpendGammaGamma, res.SpendFit.Fit, sd, version); err != nil {
				return &internalError{err}
			}
		} else if c.spendOut != "" {
			return fmt.Errorf("--spend-out %s: the Gamma-Gamma fit cannot be used (%s: %s), so there is no spend model to write; clv score would use each customer's own mean spend", c.spendOut, est.Fallback, strings.TrimSuffix(est.Reason, "."))
		}
	}
	for i := range outs {
		if outs[i].what == "--out" {
			outs[i].model = purchase
		} else {
			outs[i].model = spend
		}
	}
	if len(outs) > 0 {
		if err := writeModelFiles(ctx, e, c.lockWait, outs, inputs); err != nil {
			return err
		}
	}
	if c.asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		out := map[string]*fitReport{"purchase": reports[0]}
		if len(reports) > 1 {
			out["spend"] = reports[1]
		}
		return enc.Encode(out)
	}
	for i, rep := range reports {
		if i > 0 {
			fmt.Fprintln(e.stdout)
		}
		printFit(e.stdout, rep)
	}
	for _, o := range outs {
		fmt.Fprintf(e.stdout, "wrote %s (%s)\n", o.path, o.model.Model)
	}
	return nil
}

// purchaseReport is the fit report of a scoring run's purchase model, with
// the frequency histogram over the customers' distinct rows.
func purchaseReport(name string, res *score.Result, customers []summary.Customer, opt model.FitOptions) *fitReport {
	rep := &fitReport{Model: name, rows: "distinct (frequency, recency, T) patterns"}
	rep.setFit(res.PurchaseFit, opt)
	rows := make([]model.RFT, len(customers))
	for i, c := range customers {
		rows[i] = model.RFT{X: float64(c.Frequency), TX: c.Recency, T: c.T, Weight: 1}
	}
	if hist, err := model.FrequencyHistogram(res.Purchase, model.Compress(rows), 7); err == nil {
		for _, b := range hist {
			label := strconv.Itoa(b.Purchases)
			if b.Open {
				label += "+"
			}
			rep.Histogram = append(rep.Histogram, histogramBin{Purchases: label, Actual: b.Actual, Expected: b.Expected})
		}
	}
	return rep
}

// summaryFrozen freezes a fit of clv fit's summary mode (--input): the
// summary file does not say its unit or grain, so --unit (required with
// --out) and --grain say them.
func summaryFrozen(rep *fitReport, unit, grain string) (*score.FrozenModel, error) {
	switch rep.Model {
	case score.BGNBD, score.ParetoNBD, score.MBGNBD, score.BGBB, score.SpendGammaGamma:
	default:
		return nil, fmt.Errorf("--out: %s is not a model clv score loads (bgnbd, paretonbd, mbgnbd, bgbb or gammagamma)", rep.Model)
	}
	if unit == "" {
		return nil, errors.New("--out needs --unit: the time unit of recency and T in the summary (the --unit it was summarized with: day, week, month or Nd), so that clv score can check its data is in the same unit")
	}
	u, err := summary.ParseUnit(unit)
	if err != nil {
		return nil, fmt.Errorf("--unit: %w", err)
	}
	if grain != "" {
		g, err := summary.ParseGrain(grain)
		if err != nil {
			return nil, fmt.Errorf("--grain: %w", err)
		}
		grain = g.String()
	}
	data := score.FrozenData{Customers: rep.fit.Customers, Rows: rep.fit.Rows, Unit: u.String(), UnitDays: unitDays(u), Grain: grain}
	f, err := score.NewFrozenModel(rep.Model, rep.fit, data, clvVersion())
	if err != nil {
		return nil, fmt.Errorf("--out: %w", err)
	}
	return f, nil
}
