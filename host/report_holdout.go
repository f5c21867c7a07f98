package main

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/clvkit/clvkit/core/compare"
	"github.com/clvkit/clvkit/core/summary"
	"github.com/clvkit/clvkit/host/internal/report"
)

// reportCustomers reads the job's customers as clv score does (j.customers)
// and, for a transaction log with a calibration split, also the tracking
// counts of the same builder, for the holdout sections of the report.
func (j *job) reportCustomers(ctx context.Context, e *env, p *progress) ([]summary.Customer, *summary.Summary, *summary.Tracking, []int, error) {
	if j.cfg.Input.Kind != "transactions" || j.time.CalibrationEnd.IsZero() {
		cs, s, lines, err := j.customers(ctx, e, p)
		return cs, s, nil, lines, err
	}
	b, err := summary.NewBuilder(j.time)
	if err != nil {
		return nil, nil, nil, nil, configErr(j.cfg, "time", err)
	}
	formats, err := readTransactions(ctx, e, j.input, j.cols, b, p)
	if err != nil {
		return nil, nil, nil, nil, j.ruleErr(err)
	}
	j.formats = &formats
	// As summarizeSource, with the builder kept for the tracking counts.
	name := j.input.displayName()
	s, err := b.Summary()
	if err != nil {
		return nil, nil, nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(s.Customers) == 0 {
		return nil, nil, nil, nil, fmt.Errorf("%s: no customers with a purchase on or before %s", name, j.time.CalibrationEnd.Format(time.DateOnly))
	}
	tr, err := b.Tracking(compare.TrackingPeriodDays(j.time.Unit))
	if err != nil {
		return nil, nil, nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	return s.Customers, &s, &tr, nil, nil
}

// modelLabel is a purchase model's short name in tables and legends.
var modelLabel = map[string]string{
	"bgnbd":     "BG/NBD",
	"paretonbd": "Pareto/NBD",
	"mbgnbd":    "MBG/NBD",
	"bgbb":      "BG/BB",
}

// holdoutSections are the model comparison and the diagnostic charts of a
// calibration split, from core/compare: every applicable model fitted on
// the calibration period and checked on the holdout.
func holdoutSections(rep *compare.Report, scored, calEnd, obsEnd string) []report.Section {
	unit := rep.Unit
	cmp := report.Section{ID: "comparison", Title: "Which model predicts best: the holdout test"}
	cmp.Blocks = append(cmp.Blocks, report.Block{Text: fmt.Sprintf(
		"Every model was fitted on the calibration period (to %s) and asked to predict the holdout period (%s to %s, %s %s) that it did not see. "+
			"In the holdout, %s of the %s customers bought again, making %s repeat purchases.",
		calEnd, calEnd, obsEnd, number(rep.HoldoutLength, 2), unit,
		count(rep.CustomersWithHoldout), count(rep.Customers), count(rep.ActualHoldout))})
	// One column per model, one row per measure: narrow enough to print.
	t := &report.Table{Caption: "Holdout purchases predicted by each model", Head: []string{"measure"}, Numeric: []bool{false}}
	measures := []struct {
		name string
		f    func(m compare.Model) string
	}{
		{"predicted holdout purchases", func(m compare.Model) string { return number(m.PredictedHoldout, 1) }},
		{"actual holdout purchases", func(compare.Model) string { return count(rep.ActualHoldout) }},
		{"error of the total", func(m compare.Model) string { return signedPercent(m.ErrorPercent) }},
		{"mean absolute error per customer (MAE)", func(m compare.Model) string { return number(m.MAE, 4) }},
		{"root mean squared error per customer (RMSE)", func(m compare.Model) string { return number(m.RMSE, 4) }},
		{"correlation, predicted with actual", func(m compare.Model) string { return number(m.Correlation, 4) }},
		{"holdout log-likelihood", func(m compare.Model) string { return number(m.HoldoutLogLikelihood, 2) }},
		{"calibration log-likelihood", func(m compare.Model) string { return number(m.CalibrationLogLikelihood, 2) }},
		{"AIC", func(m compare.Model) string { return number(m.AIC, 2) }},
		{"BIC", func(m compare.Model) string { return number(m.BIC, 2) }},
	}
	for _, m := range rep.Models {
		label := modelLabel[m.Name]
		if m.Name == scored {
			label += " (scored)"
		}
		t.Head = append(t.Head, label)
		t.Numeric = append(t.Numeric, true)
	}
	for _, ms := range measures {
		row := []string{ms.name}
		for _, m := range rep.Models {
			if m.Err != "" {
				row = append(row, "–")
				continue
			}
			row = append(row, ms.f(m))
		}
		t.Rows = append(t.Rows, row)
	}
	cmp.Blocks = append(cmp.Blocks, report.Block{Table: t})
	for _, m := range rep.Models {
		if m.Err != "" {
			cmp.Blocks = append(cmp.Blocks, report.Block{Text: fmt.Sprintf("%s could not be fitted: %s", modelLabel[m.Name], m.Err)})
		}
	}
	if c := rep.Choice; c.Model != "" {
		by, worse := criterionPhrase(c)
		s := fmt.Sprintf("Best on the holdout: %s, with %s", modelLabel[c.Model], by)
		if c.RunnerUp != "" {
			s += fmt.Sprintf("; %s came next, %s by %s", modelLabel[c.RunnerUp], worse, number(c.Margin, 4))
		}
		s += ". model.purchase = \"auto\" picks it."
		if c.Model != scored {
			s += fmt.Sprintf(" The scores in this report use %s (model.purchase); set model.purchase = %q to use the best.", modelLabel[scored], c.Model)
		}
		cmp.Blocks = append(cmp.Blocks, report.Block{Text: s})
	}
	cmp.Blocks = append(cmp.Blocks, report.Block{Text: "MAE and RMSE compare each customer's predicted holdout purchases with the actual count; " +
		"the holdout log-likelihood is the log-probability each model gave the counts that happened. BG/BB's likelihoods are of a different kind (a probability, not a density) and do not compare with the others'."})
	if sc := rep.Spend; sc != nil {
		if sc.Err != "" {
			cmp.Blocks = append(cmp.Blocks, report.Block{Text: "Spend model check: " + sc.Err})
		} else {
			cmp.Blocks = append(cmp.Blocks,
				report.Block{Text: fmt.Sprintf("Spend: Gamma-Gamma fitted on the calibration spend, checked on the %s customers who bought in the holdout.", count(sc.Customers))},
				report.Block{Facts: []report.Fact{
					{Label: "Predicted mean spend per purchase", Value: number(sc.Predicted, 2)},
					{Label: "Actual mean holdout spend per purchase", Value: number(sc.Actual, 2)},
					{Label: "Error", Value: signedPercent(sc.ErrorPercent)},
					{Label: "Mean absolute difference per customer", Value: number(sc.MAE, 2)},
				}})
		}
	}

	diag := report.Section{ID: "diagnostics", Title: "Diagnostics: predictions against what happened"}
	var fitted []compare.Model
	for _, m := range rep.Models {
		if m.Err == "" {
			fitted = append(fitted, m)
		}
	}
	if len(fitted) == 0 {
		diag.Blocks = append(diag.Blocks, report.Block{Text: "No model could be fitted: there is nothing to draw."})
		return []report.Section{cmp, diag}
	}
	ce := &report.Chart{ID: "conditional-expectations", Title: "Holdout purchases by calibration frequency",
		Desc:   fmt.Sprintf("Customers grouped by their repeat purchases in the calibration period (0 to %d and more); for each group, the mean number of purchases per customer in the holdout: actual, and as each model predicted it from the calibration history.", compare.MaxFrequencyBucket),
		XLabel: "calibration repeat purchases", YLabel: "mean holdout purchases per customer", Kind: report.Lines, Decimals: 4}
	actual := report.Series{Name: "actual"}
	for _, g := range fitted[0].ConditionalExpectations {
		label := strconv.Itoa(g.Frequency)
		if g.Open {
			label += "+"
		}
		ce.Categories = append(ce.Categories, label)
		v := g.Actual
		if g.Customers == 0 {
			v = math.NaN()
		}
		actual.Values = append(actual.Values, v)
	}
	ce.Series = append(ce.Series, actual)
	for _, m := range fitted {
		s := report.Series{Name: modelLabel[m.Name]}
		for _, g := range m.ConditionalExpectations {
			v := g.Predicted
			if g.Customers == 0 {
				v = math.NaN()
			}
			s.Values = append(s.Values, v)
		}
		ce.Series = append(ce.Series, s)
	}
	diag.Blocks = append(diag.Blocks, report.Block{Chart: ce})

	if at := rep.Tracking; at != nil {
		period := fmt.Sprintf("%d-day period", at.PeriodDays)
		if at.PeriodDays == 7 {
			period = "week"
		}
		cum := &report.Chart{ID: "tracking-cumulative", Title: "Cumulative repeat purchases, " + period + " by " + period,
			Desc:   fmt.Sprintf("Total repeat purchases of the customers since the first purchase in the data, actual and as each model expects them; the calibration period ends in %s %d, the holdout follows.", period, at.CalibrationPeriods),
			XLabel: period, YLabel: "cumulative repeat purchases", Kind: report.Lines, Decimals: 1,
			Mark: at.CalibrationPeriods, MarkLabel: "calibration end"}
		inc := &report.Chart{ID: "tracking-incremental", Title: "Repeat purchases per " + period,
			Desc:   fmt.Sprintf("Repeat purchases in each %s, actual and as each model expects them; the calibration period ends in %s %d, the holdout follows.", period, period, at.CalibrationPeriods),
			XLabel: period, YLabel: "repeat purchases", Kind: report.Lines, Decimals: 1,
			Mark: at.CalibrationPeriods, MarkLabel: "calibration end"}
		for k := range at.Incremental {
			label := strconv.Itoa(k + 1)
			cum.Categories = append(cum.Categories, label)
			inc.Categories = append(inc.Categories, label)
		}
		ca, ia := report.Series{Name: "actual"}, report.Series{Name: "actual"}
		for k := range at.Incremental {
			ca.Values = append(ca.Values, float64(at.Cumulative[k]))
			ia.Values = append(ia.Values, float64(at.Incremental[k]))
		}
		cum.Series, inc.Series = []report.Series{ca}, []report.Series{ia}
		for _, m := range fitted {
			cs, is := report.Series{Name: modelLabel[m.Name]}, report.Series{Name: modelLabel[m.Name]}
			for _, p := range m.Tracking {
				cs.Values = append(cs.Values, p.CumulativePredicted)
				is.Values = append(is.Values, p.Predicted)
			}
			cum.Series, inc.Series = append(cum.Series, cs), append(inc.Series, is)
		}
		diag.Blocks = append(diag.Blocks, report.Block{Chart: cum}, report.Block{Chart: inc})
	}

	for _, m := range fitted {
		if m.Name != scored || len(m.Alive) == 0 {
			continue
		}
		pa := &report.Chart{ID: "alive-deciles", Title: "P(alive) against who bought again (" + modelLabel[m.Name] + ")",
			Desc: "Customers in tenths by P(alive) at the calibration end, lowest first: the mean P(alive), the predicted chance of at least one holdout purchase (P(active)), and the share who actually made one. " +
				"P(active) is the one to hold against the actual share: an alive customer may still not buy in the holdout, and under BG/NBD a customer with no repeat purchase has P(alive) 1.",
			XLabel: "P(alive) decile (1 = lowest)", YLabel: "probability or share", Kind: report.Bars, Decimals: 4,
			Series: []report.Series{{Name: "mean P(alive)"}, {Name: "predicted P(active)"}, {Name: "actual share active"}}}
		for _, d := range m.Alive {
			pa.Categories = append(pa.Categories, strconv.Itoa(d.Decile))
			pa.Series[0].Values = append(pa.Series[0].Values, d.MeanPAlive)
			pa.Series[1].Values = append(pa.Series[1].Values, d.PredictedActive)
			pa.Series[2].Values = append(pa.Series[2].Values, d.ActualActive)
		}
		diag.Blocks = append(diag.Blocks, report.Block{Chart: pa})
	}
	return []report.Section{cmp, diag}
}

// signedPercent writes a percentage difference with its sign.
func signedPercent(v float64) string {
	s := number(v, 1) + " %"
	if v >= 0.05 {
		return "+" + s
	}
	return s
}

// criterionPhrase says what a choice's criterion and value are ("the
// highest holdout log-likelihood (-2314.82)") and how the runner-up's
// value compares ("lower").
func criterionPhrase(c compare.Choice) (by, worse string) {
	switch c.Criterion {
	case compare.CriterionHoldoutLogLikelihood:
		return fmt.Sprintf("the highest holdout log-likelihood (%s): the most probable holdout purchase counts", number(c.Value, 4)), "lower"
	case compare.CriterionLogLikelihood:
		return fmt.Sprintf("the highest calibration log-likelihood (%s; there is no holdout period to test on)", number(c.Value, 4)), "lower"
	case compare.CriterionBIC:
		return fmt.Sprintf("the lowest BIC (%s)", number(c.Value, 4)), "higher"
	}
	return fmt.Sprintf("the best %s (%s)", c.Criterion, number(c.Value, 4)), "worse"
}

// choiceSentence says which model purchase = "auto" chose, by which
// criterion and by how much.
func choiceSentence(c compare.Choice) string {
	by, worse := criterionPhrase(c)
	s := fmt.Sprintf("Chosen automatically (model.purchase = \"auto\"): %s, with %s", modelLabel[c.Model], by)
	if c.RunnerUp != "" {
		s += fmt.Sprintf("; %s came next, %s by %s", modelLabel[c.RunnerUp], worse, number(c.Margin, 4))
	}
	return s + "."
}
