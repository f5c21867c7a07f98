package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"strconv"
	"text/tabwriter"

	"github.com/clvkit/clvkit/core/compare"
	"github.com/clvkit/clvkit/core/model"
	"github.com/clvkit/clvkit/core/summary"
	"github.com/clvkit/clvkit/internal/quote"
)

func compareCommand() command {
	return command{
		name:    "compare",
		summary: "fit every purchase model on the calibration period and compare their holdout predictions",
		usage: `Usage: clv compare [--config FILE] [--json]

Without --config, clv compare runs ./clv.toml. The config must set
time.calibration_end: the transactions up to it are the calibration period,
those after it (to time.observation_end) the holdout.

Fits BG/NBD, Pareto/NBD and MBG/NBD (and BG/BB when recency, T and the
holdout length are whole numbers of time.unit, as with grain = unit) on the
calibration period, predicts each customer's purchase periods in the holdout
and compares with what they did:
  holdout        predicted vs actual total holdout purchases, % error
  mae, rmse      mean absolute / root mean squared error per customer
  corr           correlation of predicted and actual per customer
  holdout_ll     sum over customers of log P(holdout purchases = actual |
                 calibration history) under the fitted model
  cal_ll, aic, bic  calibration fit: log-likelihood, 2k - 2LL, k ln(n) - 2LL
                 (k parameters, n customers; BG/BB's likelihood is of
                 discrete patterns and not comparable with the others')
and the tables behind the diagnostic charts: conditional expectations (mean
actual and predicted holdout purchases per customer by calibration frequency
0..7+), weekly tracking (actual vs predicted repeat purchases, per week and
cumulative, from each customer's first purchase), the calibration frequency
histogram (actual vs expected customers), P(alive) by decile against the
share who bought in the holdout (predicted: P(at least one holdout purchase
| history)), and with model.spend = "gammagamma" Gamma-Gamma's expected
spend vs the actual mean holdout spend of the customers who bought.

The model with the highest holdout_ll is the best and what model.purchase =
"auto" picks (see the README's "Which model?": unlike MAE, it picks the
model the data come from). Text goes to stdout; --json prints one JSON object
for programs. Numbers have fixed precision (--precision decimals in JSON);
the same inputs give the same bytes.

Examples:
  clv compare --config clv-holdout.toml        # examples/cdnow/clv-holdout.toml
  clv compare --config clv-holdout.toml --json > compare.json`,
		flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
			cfgPath := fs.String("config", "", "the clv.toml to run, - for stdin (default: ./clv.toml, when it exists)")
			asJSON := fs.Bool("json", false, "print one JSON object instead of text tables")
			precision := fs.Int("precision", 6, "decimals of the numbers in --json output, 0..17")
			return func(ctx context.Context, e *env, args []string) error {
				if len(args) > 0 {
					return fmt.Errorf("unexpected arguments %s", quote.List(args))
				}
				if *precision < 0 || *precision > 17 {
					return fmt.Errorf("--precision %d is out of range 0..17", *precision)
				}
				path := *cfgPath
				if path == "" {
					p, err := defaultConfig()
					if err != nil {
						return err
					}
					path = p
				}
				cfg, err := loadConfig(e, path, nil)
				if err != nil {
					return err
				}
				j, err := prepare(cfg)
				if err != nil {
					return err
				}
				if cfg.Input.Kind != "transactions" {
					return fmt.Errorf("%s: clv compare reads a transaction log (input.kind = \"transactions\"): a per-customer summary has no holdout period to compare with", cfg.Name)
				}
				if cfg.Time.CalibrationEnd == "" {
					return fmt.Errorf("%s: clv compare needs time.calibration_end: set it to the last day of the calibration period (for example calibration_end = \"1997-09-30\" with observation_end = \"1998-06-30\"); the transactions after it are the holdout the models are checked on", cfg.Name)
				}
				if !j.options.CovariateNames.IsZero() {
					// Said, not silently dropped: the comparison's tables are of
					// one model per row of data.
					fmt.Fprintln(e.stderr, "note: clv compare compares the models without covariates (model.covariates_trans, covariates_life are not used here); clv fit --config reports the covariates' likelihood-ratio test")
				}
				rep, err := j.compare(ctx, e)
				if err != nil {
					return err
				}
				if *asJSON {
					return writeCompareJSON(e.stdout, rep, *precision)
				}
				writeCompareText(e.stdout, rep)
				return nil
			}
		},
	}
}

// compare reads the job's transaction log and runs compare.Compare on it.
func (j *job) compare(ctx context.Context, e *env) (*compare.Report, error) {
	b, err := summary.NewBuilder(j.time)
	if err != nil {
		return nil, configErr(j.cfg, "time", err)
	}
	if _, err := j.checkInput(e); err != nil {
		return nil, err
	}
	if _, err := readTransactions(ctx, e, j.input, j.cols, b, nil); err != nil {
		return nil, j.ruleErr(err)
	}
	s, err := b.Summary()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", j.input.displayName(), err)
	}
	if len(s.Customers) == 0 {
		return nil, fmt.Errorf("%s: no customers with a purchase on or before the calibration end %s", j.input.displayName(), j.cfg.Time.CalibrationEnd)
	}
	tr, err := b.Tracking(compare.TrackingPeriodDays(s.Unit))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", j.input.displayName(), err)
	}
	rep, err := compare.Compare(compare.Input{Summary: s, Tracking: &tr, Fit: j.options.Fit, Spend: j.options.Spend})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", j.input.displayName(), err)
	}
	return rep, nil
}

// choose resolves purchase = "auto" before scoring (compare.Choose).
func (r *scoring) choose(customers []summary.Customer, s *summary.Summary) error {
	in := summary.Summary{Customers: customers}
	if s != nil {
		in.HasHoldout, in.DurationHoldout, in.Unit = s.HasHoldout, s.DurationHoldout, s.Unit
	}
	ch, cands, err := compare.Choose(in, r.job.options.Fit)
	if err != nil {
		return err
	}
	r.choice, r.candidates = &ch, cands
	r.job.options.Purchase = ch.Model
	return nil
}

// reportChoice tells which model purchase = "auto" chose and by how much.
func reportChoice(w io.Writer, ch compare.Choice, cands []compare.Candidate) {
	what := map[string]string{
		compare.CriterionHoldoutLogLikelihood: "highest holdout log-likelihood (of each customer's actual holdout purchases given their calibration history)",
		compare.CriterionLogLikelihood:        "highest calibration log-likelihood (no holdout period: set time.calibration_end to choose by holdout error)",
		compare.CriterionBIC:                  "lowest BIC",
	}[ch.Criterion]
	fmt.Fprintf(w, "model.purchase = \"auto\": %s, by %s: %.2f", ch.Model, what, ch.Value)
	if ch.RunnerUp != "" {
		fmt.Fprintf(w, "; runner-up %s by %.2f", ch.RunnerUp, ch.Margin)
	}
	fmt.Fprintln(w)
	for _, c := range cands {
		if c.Err != "" {
			fmt.Fprintf(w, "  %s: not fitted: %s\n", c.Model, c.Err)
		}
	}
}

// fmtF formats a number with fixed decimals (NaN and infinities spelled
// out, never in JSON: see num).
func fmtF(v float64, dec int) string { return strconv.FormatFloat(v, 'f', dec, 64) }

func writeCompareText(w io.Writer, rep *compare.Report) {
	fmt.Fprintf(w, "%d customers; holdout %s %s; %d holdout purchases by %d customers\n\n",
		rep.Customers, fmtF(rep.HoldoutLength, 2), rep.Unit, rep.ActualHoldout, rep.CustomersWithHoldout)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "model\tpredicted\tactual\terror %\tmae\trmse\tcorr\tholdout_ll\tcal_ll\taic\tbic\t")
	for _, m := range rep.Models {
		if m.Err != "" {
			fmt.Fprintf(tw, "%s\tnot fitted: %s\t\n", m.Name, m.Err)
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", m.Name, fmtF(m.PredictedHoldout, 1), rep.ActualHoldout,
			fmtF(m.ErrorPercent, 1), fmtF(m.MAE, 4), fmtF(m.RMSE, 4), fmtF(m.Correlation, 4),
			fmtF(m.HoldoutLogLikelihood, 2), fmtF(m.CalibrationLogLikelihood, 2), fmtF(m.AIC, 2), fmtF(m.BIC, 2))
	}
	tw.Flush()
	if ch := rep.Choice; ch.Model != "" {
		fmt.Fprintf(w, "\nbest by holdout log-likelihood: %s (%s)", ch.Model, fmtF(ch.Value, 2))
		if ch.RunnerUp != "" {
			fmt.Fprintf(w, ", %s next, %s lower", ch.RunnerUp, fmtF(ch.Margin, 2))
		}
		fmt.Fprintln(w, ": what model.purchase = \"auto\" picks")
	}
	ok := okModels(rep)
	if len(ok) == 0 {
		return
	}
	fmt.Fprintln(w, "\nparameters (standard errors):")
	for _, m := range ok {
		fmt.Fprintf(w, "  %s:", m.Name)
		for i, n := range m.ParamNames {
			fmt.Fprintf(w, " %s=%s (%s)", n, fmtF(m.Params[i], 4), fmtF(m.StdErrors[i], 4))
		}
		if !m.Converged {
			fmt.Fprint(w, " [not converged]")
		}
		fmt.Fprintln(w)
	}

	fmt.Fprintln(w, "\nconditional expectations: mean holdout purchases per customer by calibration frequency")
	fmt.Fprintf(tw, "frequency\tcustomers\tactual")
	for _, m := range ok {
		fmt.Fprintf(tw, "\t%s", m.Name)
	}
	fmt.Fprintln(tw, "\t")
	for g, grp := range ok[0].ConditionalExpectations {
		fmt.Fprintf(tw, "%s\t%d\t%s", bucket(grp.Frequency, grp.Open), int(grp.Customers), fmtF(grp.Actual, 3))
		for _, m := range ok {
			fmt.Fprintf(tw, "\t%s", fmtF(m.ConditionalExpectations[g].Predicted, 3))
		}
		fmt.Fprintln(tw, "\t")
	}
	tw.Flush()

	fmt.Fprintln(w, "\ncalibration frequency histogram: customers, actual and expected")
	fmt.Fprintf(tw, "frequency\tactual")
	for _, m := range ok {
		fmt.Fprintf(tw, "\t%s", m.Name)
	}
	fmt.Fprintln(tw, "\t")
	for b, n := range rep.FrequencyHistogram {
		fmt.Fprintf(tw, "%s\t%d", bucket(b, b == compare.MaxFrequencyBucket), n)
		for _, m := range ok {
			fmt.Fprintf(tw, "\t%s", fmtF(m.FrequencyHistogram[b].Expected, 1))
		}
		fmt.Fprintln(tw, "\t")
	}
	tw.Flush()

	if at := rep.Tracking; at != nil {
		fmt.Fprintf(w, "\ntracking: repeat purchases per %d-day period, actual and predicted (cumulative in brackets); periods 1-%d start in the calibration period\n", at.PeriodDays, at.CalibrationPeriods)
		fmt.Fprintf(tw, "period\tactual\t(cum)")
		for _, m := range ok {
			fmt.Fprintf(tw, "\t%s\t(cum)", m.Name)
		}
		fmt.Fprintln(tw, "\t")
		for k := range at.Incremental {
			fmt.Fprintf(tw, "%d\t%d\t(%d)", k+1, at.Incremental[k], at.Cumulative[k])
			for _, m := range ok {
				p := m.Tracking[k]
				fmt.Fprintf(tw, "\t%s\t(%s)", fmtF(p.Predicted, 1), fmtF(p.CumulativePredicted, 1))
			}
			fmt.Fprintln(tw, "\t")
		}
		tw.Flush()
	}

	for _, m := range ok {
		fmt.Fprintf(w, "\n%s: customers by decile of P(alive): share with a holdout purchase, predicted (P(active)) and actual\n", m.Name)
		fmt.Fprintln(tw, "decile\tcustomers\tmean P(alive)\tpredicted\tactual\t")
		for _, d := range m.Alive {
			fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\t\n", d.Decile, d.Customers, fmtF(d.MeanPAlive, 3), fmtF(d.PredictedActive, 3), fmtF(d.ActualActive, 3))
		}
		tw.Flush()
	}

	if sp := rep.Spend; sp != nil {
		fmt.Fprintln(w)
		if sp.Err != "" {
			fmt.Fprintf(w, "gammagamma: not checked: %s\n", sp.Err)
			return
		}
		fmt.Fprintf(w, "gammagamma: p=%s q=%s v=%s; %d customers bought in the holdout: expected spend per purchase %s, actual mean %s (%s%%), MAE %s\n",
			fmtF(sp.P, 4), fmtF(sp.Q, 4), fmtF(sp.V, 4), sp.Customers, fmtF(sp.Predicted, 2), fmtF(sp.Actual, 2), fmtF(sp.ErrorPercent, 1), fmtF(sp.MAE, 2))
	}
}

func bucket(n int, open bool) string {
	if open {
		return strconv.Itoa(n) + "+"
	}
	return strconv.Itoa(n)
}

func okModels(rep *compare.Report) []compare.Model {
	var ok []compare.Model
	for _, m := range rep.Models {
		if m.Err == "" {
			ok = append(ok, m)
		}
	}
	return ok
}

// num is a number in --json output at fixed decimals (a JSON number; null
// for NaN or an infinity, which JSON cannot hold).
type num struct {
	v   float64
	dec int
}

func (n num) MarshalJSON() ([]byte, error) {
	if math.IsNaN(n.v) || math.IsInf(n.v, 0) {
		return []byte("null"), nil
	}
	s := strconv.FormatFloat(n.v, 'f', n.dec, 64)
	if s == "-0" || (len(s) > 1 && s[0] == '-' && allZero(s[1:])) {
		s = s[1:]
	}
	return []byte(s), nil
}

func allZero(s string) bool {
	for _, c := range s {
		if c != '0' && c != '.' {
			return false
		}
	}
	return true
}

// writeCompareJSON prints the report as one JSON object with stable keys.
func writeCompareJSON(w io.Writer, rep *compare.Report, dec int) error {
	f := func(v float64) num { return num{v, dec} }
	type obj = map[string]any
	models := []obj{}
	for _, m := range rep.Models {
		if m.Err != "" {
			models = append(models, obj{"model": m.Name, "error": m.Err})
			continue
		}
		params, ses := obj{}, obj{}
		for i, n := range m.ParamNames {
			params[n] = f(m.Params[i])
			ses[n] = f(m.StdErrors[i])
		}
		cond := []obj{}
		for _, g := range m.ConditionalExpectations {
			cond = append(cond, obj{"frequency": bucket(g.Frequency, g.Open), "customers": int(g.Customers), "actual": f(g.Actual), "predicted": f(g.Predicted)})
		}
		hist := []obj{}
		for _, b := range m.FrequencyHistogram {
			hist = append(hist, obj{"frequency": bucket(b.Purchases, b.Open), "actual": int(b.Actual), "expected": f(b.Expected)})
		}
		track := []obj{}
		for _, p := range m.Tracking {
			track = append(track, obj{"period": p.Period, "end": f(p.End), "actual": int(p.Actual), "predicted": f(p.Predicted),
				"cumulative_actual": int(p.CumulativeActual), "cumulative_predicted": f(p.CumulativePredicted)})
		}
		alive := []obj{}
		for _, d := range m.Alive {
			alive = append(alive, obj{"decile": d.Decile, "customers": d.Customers, "mean_p_alive": f(d.MeanPAlive),
				"predicted_active": f(d.PredictedActive), "actual_active": f(d.ActualActive)})
		}
		models = append(models, obj{
			"model": m.Name, "params": params, "std_errors": ses, "converged": m.Converged,
			"predicted_holdout": f(m.PredictedHoldout), "error_percent": f(m.ErrorPercent),
			"mae": f(m.MAE), "rmse": f(m.RMSE), "correlation": f(m.Correlation),
			"holdout_log_likelihood": f(m.HoldoutLogLikelihood), "calibration_log_likelihood": f(m.CalibrationLogLikelihood),
			"aic": f(m.AIC), "bic": f(m.BIC),
			"conditional_expectations": cond, "frequency_histogram": hist, "tracking": track, "alive_deciles": alive,
		})
	}
	out := obj{
		"customers": rep.Customers, "unit": rep.Unit, "holdout_length": f(rep.HoldoutLength), "discrete": rep.Discrete,
		"actual_holdout": rep.ActualHoldout, "customers_with_holdout": rep.CustomersWithHoldout,
		"models": models,
	}
	if ch := rep.Choice; ch.Model != "" {
		out["best"] = obj{"model": ch.Model, "criterion": ch.Criterion, "value": f(ch.Value), "runner_up": ch.RunnerUp, "margin": f(ch.Margin)}
	}
	if at := rep.Tracking; at != nil {
		out["tracking"] = obj{"period_days": at.PeriodDays, "period_length": f(at.PeriodLength), "calibration_periods": at.CalibrationPeriods,
			"incremental": at.Incremental, "cumulative": at.Cumulative}
	}
	if sp := rep.Spend; sp != nil {
		if sp.Err != "" {
			out["gammagamma"] = obj{"error": sp.Err}
		} else {
			out["gammagamma"] = obj{"params": obj{"p": f(sp.P), "q": f(sp.Q), "v": f(sp.V)}, "log_likelihood": f(sp.LogLikelihood),
				"holdout_customers": sp.Customers, "predicted_mean_spend": f(sp.Predicted), "actual_mean_spend": f(sp.Actual),
				"error_percent": f(sp.ErrorPercent), "mae": f(sp.MAE)}
		}
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return &internalError{err}
	}
	b = append(b, '\n')
	_, err = w.Write(b)
	if err != nil {
		return errors.Join(errors.New("write the comparison"), err)
	}
	return nil
}

// fitAuto is clv fit --model auto: compare.Choose on a per-customer
// summary (its frequency_holdout and duration_holdout columns, as clv
// summarize --calibration-end writes them, give the holdout), then the
// chosen model's fit as clv fit prints it, with the choice. BG/BB, when
// chosen, counts T as its purchase opportunities, as clv score does.
func fitAuto(e *env, _ string, src source, c fitColumns, opt model.FitOptions) (*fitReport, error) {
	// The input is read twice (to choose, then by fitModel): keep stdin.
	reset := func() {}
	if src.Path == "-" {
		b, err := io.ReadAll(e.stdin)
		if err != nil {
			return nil, fmt.Errorf("read stdin: %w", err)
		}
		cp := *e
		e = &cp
		reset = func() { e.stdin = bytes.NewReader(b) }
		reset()
	}
	weightCol := c.weights
	if weightCol == "" {
		weightCol = "weights"
	}
	d, err := readColumns(e, src, []string{c.freq, c.rec, c.age}, []string{"frequency_holdout", "duration_holdout", weightCol})
	if err != nil {
		return nil, err
	}
	if w := d[weightCol]; w != nil {
		for _, v := range w {
			if v != 1 {
				return nil, fmt.Errorf("%s: --model auto reads one row per customer, but column %s holds a weight of %v: give the unweighted summary (clv summarize writes one)", src.displayName(), quote.Value(weightCol), v)
			}
		}
	}
	xs, txs, ts := d[c.freq], d[c.rec], d[c.age]
	rows := make([]model.RFT, len(xs))
	for i := range rows {
		rows[i] = model.RFT{X: xs[i], TX: txs[i], T: ts[i], Weight: 1}
	}
	if err := model.ValidateRFT(rows); err != nil {
		return nil, fmt.Errorf("%s: %w", src.displayName(), rowLine(err))
	}
	s := summary.Summary{Customers: make([]summary.Customer, len(xs))}
	hf, hd := d["frequency_holdout"], d["duration_holdout"]
	if hf != nil && hd != nil && len(hd) > 0 {
		s.HasHoldout, s.DurationHoldout = true, hd[0]
	}
	for i := range xs {
		cu := summary.Customer{Frequency: int(xs[i]), Recency: txs[i], T: ts[i]}
		if s.HasHoldout {
			cu.FrequencyHoldout = int(hf[i])
		}
		s.Customers[i] = cu
	}
	ch, cands, err := compare.Choose(s, opt)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", src.displayName(), err)
	}
	if ch.Model == "bgbb" {
		c.periods = c.age
	}
	reset()
	rep, err := fitModel(e, ch.Model, src, c, opt)
	if err != nil {
		return nil, err
	}
	rep.Choice = &choiceRecord{Model: ch.Model, Criterion: ch.Criterion, Value: ch.Value, RunnerUp: ch.RunnerUp, Margin: ch.Margin}
	rep.candidates = cands
	return rep, nil
}
