// Package compare validates purchase models on a holdout period and
// compares them: every applicable model (BG/NBD, Pareto/NBD, MBG/NBD, and
// BG/BB when the data are discrete) and Gamma-Gamma are fitted on the
// calibration period of a core/summary split, predict the holdout period,
// and are scored against what the customers did there. It also chooses a
// model for purchase = "auto" (Choose). It does no I/O: the clv binary's
// compare and report commands and the page print or draw its tables.
//
// The tables are those behind the usual diagnostic charts (Fader, Hardie &
// Lee 2005, "Counting your customers the easy way", figures 2-4; lifetimes'
// plotting module; BTYD's vignette): the calibration frequency histogram,
// conditional expectations by calibration frequency, cumulative and
// incremental tracking, P(alive) by decile against the share of customers
// who bought in the holdout, and Gamma-Gamma's expected spend against the
// holdout spend.
package compare

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/clvkit/clvkit/core/model"
	"github.com/clvkit/clvkit/core/score"
	"github.com/clvkit/clvkit/core/summary"
)

// MaxFrequencyBucket is the last, open bucket of the conditional
// expectations table and of the frequency histogram: calibration
// frequencies 0, 1, …, 6 and 7 or more, as lifetimes and BTYD plot them.
const MaxFrequencyBucket = 7

// Deciles is the number of P(alive) groups of Model.Alive.
const Deciles = 10

// Models returns the purchase models compare knows, in the fixed order in
// which they are reported and in which ties are broken (the first wins):
// BG/NBD, Pareto/NBD, MBG/NBD, BG/BB.
func Models() []string {
	return []string{score.BGNBD, score.ParetoNBD, score.MBGNBD, score.BGBB}
}

// Input is what Compare reads.
type Input struct {
	// Summary is the per-customer summary with a calibration/holdout split
	// (HasHoldout): every field but the holdout ones describes the
	// calibration period.
	Summary summary.Summary
	// Tracking is the summary's repeat purchases by tracking period (from
	// the same Builder); nil leaves the tracking tables out.
	Tracking *summary.Tracking
	// Fit tunes every fit (penalty, iterations).
	Fit model.FitOptions
	// Spend fits Gamma-Gamma and checks it on the holdout spend.
	Spend bool
}

// Report is the outcome of Compare.
type Report struct {
	// Customers is the number of customers of the calibration period.
	Customers int
	// Unit is the data's time unit (of HoldoutLength, tracking periods and
	// the models' rates); HoldoutLength the holdout period's length in it.
	Unit          string
	HoldoutLength float64
	// Discrete tells whether every recency, T and the holdout length are
	// whole numbers of the unit, so that BG/BB applies.
	Discrete bool
	// ActualHoldout is the customers' total number of holdout purchase
	// periods; CustomersWithHoldout how many made at least one.
	ActualHoldout        int
	CustomersWithHoldout int
	// FrequencyHistogram counts the customers by calibration frequency
	// 0..MaxFrequencyBucket+ (each Model has the expected counts).
	FrequencyHistogram []int
	// Tracking is the actual tracking series (nil without Input.Tracking).
	Tracking *ActualTracking
	// Models are the results of the applicable models, in Models() order.
	Models []Model
	// Choice is the model Choose picks from these results (the highest
	// holdout log-likelihood).
	Choice Choice
	// Spend is the Gamma-Gamma check (nil without Input.Spend).
	Spend *SpendCheck
}

// ActualTracking is the observed side of the tracking charts.
type ActualTracking struct {
	// PeriodDays is the length of a tracking period in days, PeriodLength
	// the same in the data's unit.
	PeriodDays   int
	PeriodLength float64
	// End is the end of the observation end's day, in the data's unit
	// from the tracking origin (the start of the first customer's first
	// purchase day).
	End float64
	// CalibrationPeriods is the number of tracking periods that start in
	// the calibration period (the vertical line of the tracking chart).
	CalibrationPeriods int
	// Incremental[k] is the number of repeat purchase periods in tracking
	// period k+1, Cumulative[k] their running total.
	Incremental, Cumulative []int
}

// Model is one purchase model's fit and holdout validation.
type Model struct {
	// Name is the model (score.BGNBD, …).
	Name string
	// Err says why the model could not be fitted or evaluated ("" when it
	// was); the other fields are then zero.
	Err string
	// Params and StdErrors are the fitted parameters in ParamNames order.
	ParamNames []string
	Params     []float64
	StdErrors  []float64
	Converged  bool
	// CalibrationLogLikelihood is the fit's log-likelihood; AIC = 2k −
	// 2·LL and BIC = k·ln(n) − 2·LL with k parameters and n customers.
	// BG/BB's likelihood is a probability of (x, t_x) patterns, the
	// others' a density in t_x: the two are not comparable.
	CalibrationLogLikelihood, AIC, BIC float64
	// HoldoutLogLikelihood is Σᵢ log P(Y(t*) = y*ᵢ | xᵢ, t_xᵢ, Tᵢ): the
	// log-probability, under the fitted model, of each customer's actual
	// number of holdout purchase periods y*ᵢ given their calibration
	// history, where t* is the holdout length (see ConditionalPMF).
	HoldoutLogLikelihood float64
	// PredictedHoldout is Σᵢ E[Y(t*) | history]; ErrorPercent is
	// 100·(predicted − actual)/actual (0 when actual is 0).
	PredictedHoldout, ErrorPercent float64
	// MAE and RMSE are the mean absolute and root mean squared error of
	// the per-customer holdout predictions; Correlation is Pearson's
	// between predicted and actual (0 when either does not vary).
	MAE, RMSE, Correlation float64
	// ConditionalExpectations are the mean actual and predicted holdout
	// purchases per customer by calibration frequency 0..MaxFrequencyBucket+.
	ConditionalExpectations []model.HoldoutGroup
	// FrequencyHistogram is the actual and expected number of customers by
	// calibration frequency.
	FrequencyHistogram []model.FrequencyBin
	// Tracking is the predicted tracking series beside the actual one
	// (nil without Input.Tracking).
	Tracking []TrackingPoint
	// Alive are the customers by decile of P(alive): the predicted and
	// actual share with at least one holdout purchase.
	Alive []AliveDecile
}

// TrackingPoint is one tracking period, actual against predicted.
type TrackingPoint struct {
	// Period is 1-based; End is its end in the data's unit from the
	// tracking origin (the observation end for a last, partial period).
	Period int
	End    float64
	// Actual and Predicted are the repeat purchases in the period;
	// CumulativeActual and CumulativePredicted their running totals. The
	// prediction is Σᵢ E[X(End − birthᵢ)] − Σᵢ E[X(start − birthᵢ)] over
	// the customers, birthᵢ their first purchase (the unconditional
	// tracking of FHL 2005 figure 3, not conditioned on the calibration
	// history).
	Actual, Predicted                     float64
	CumulativeActual, CumulativePredicted float64
}

// AliveDecile is one tenth of the customers by P(alive).
type AliveDecile struct {
	// Decile is 1 for the lowest P(alive), Deciles for the highest.
	Decile    int
	Customers int
	// MeanPAlive is the mean P(alive at the calibration end);
	// PredictedActive the mean P(at least one holdout purchase | history)
	// (P(active)); ActualActive the share who made one.
	MeanPAlive, PredictedActive, ActualActive float64
}

// SpendCheck compares Gamma-Gamma's expected spend per purchase with the
// holdout spend of the customers who bought in the holdout.
type SpendCheck struct {
	// Err says why Gamma-Gamma could not be fitted ("" when it was).
	Err string
	// P, Q and V are the fitted parameters; LogLikelihood the fit's.
	P, Q, V       float64
	LogLikelihood float64
	// Customers is the number of customers with a holdout purchase.
	Customers int
	// Predicted is their mean expected spend per purchase (the conditional
	// expectation given the calibration spend, or the population mean for
	// those without repeat calibration purchases); Actual their mean
	// holdout spend per purchase period (MonetaryHoldout); ErrorPercent
	// 100·(predicted − actual)/actual; MAE the mean absolute difference.
	Predicted, Actual, ErrorPercent, MAE float64
}

// Choice is the model chosen for purchase = "auto".
type Choice struct {
	// Model is the winner ("" when no model could be fitted).
	Model string
	// Criterion is CriterionHoldoutLogLikelihood, CriterionLogLikelihood
	// or CriterionBIC; Value the winner's value of it.
	Criterion string
	Value     float64
	// RunnerUp is the second best ("" when only one model competed) and
	// Margin how much worse its value is: log-likelihood lower or BIC
	// higher by Margin (≥ 0).
	RunnerUp string
	Margin   float64
}

// Criteria of Choice.Criterion.
const (
	// CriterionHoldoutLogLikelihood: the highest holdout log-likelihood
	// (Model.HoldoutLogLikelihood), with a calibration/holdout split.
	CriterionHoldoutLogLikelihood = "holdout_log_likelihood"
	// CriterionLogLikelihood: the highest calibration log-likelihood, when
	// every candidate has the same number of parameters.
	CriterionLogLikelihood = "log_likelihood"
	// CriterionBIC: the lowest BIC, when the candidates' numbers of
	// parameters differ.
	CriterionBIC = "bic"
)

// ErrNoHoldout is returned by Compare for a summary without a
// calibration/holdout split.
var ErrNoHoldout = errors.New("no holdout period: set a calibration end before the observation end")

// Discrete reports whether every customer's recency and T, and the holdout
// length, are whole numbers of the unit: the data then count purchase
// opportunities and BG/BB applies.
func Discrete(customers []summary.Customer, holdoutLength float64) bool {
	whole := func(v float64) bool { return v == math.Trunc(v) }
	if !whole(holdoutLength) {
		return false
	}
	for _, c := range customers {
		if !whole(c.Recency) || !whole(c.T) {
			return false
		}
	}
	return true
}

// Applicable returns the models that apply to the customers, in Models()
// order: BG/NBD, Pareto/NBD and MBG/NBD always, BG/BB when discrete.
func Applicable(discrete bool) []string {
	ms := Models()
	if !discrete {
		ms = slices.DeleteFunc(ms, func(m string) bool { return m == score.BGBB })
	}
	return ms
}

// TrackingPeriodDays is the tracking period compare and the front ends
// use for a unit: a week for units of up to a week, else the unit rounded
// to whole days.
func TrackingPeriodDays(u summary.Unit) int {
	if u.Days <= 7 {
		return 7
	}
	return int(math.Round(u.Days))
}

// Compare fits every applicable model on the calibration period and
// validates it on the holdout. A model that cannot be fitted is reported
// with Err set; Compare fails only when the input has no holdout, no
// customers, or a customer whose history no model accepts.
func Compare(in Input) (*Report, error) {
	s := in.Summary
	if !s.HasHoldout {
		return nil, ErrNoHoldout
	}
	if !(s.DurationHoldout > 0) {
		return nil, fmt.Errorf("holdout period of length %v %s: the calibration end must fall in an earlier period than the observation end", s.DurationHoldout, s.Unit)
	}
	n := len(s.Customers)
	if n == 0 {
		return nil, errors.New("no customers in the calibration period")
	}
	rows := make([]model.RFT, n)
	actual := make([]float64, n)
	rep := &Report{Customers: n, Unit: s.Unit.String(), HoldoutLength: s.DurationHoldout,
		FrequencyHistogram: make([]int, MaxFrequencyBucket+1)}
	for i, c := range s.Customers {
		rows[i] = model.RFT{X: float64(c.Frequency), TX: c.Recency, T: c.T, Weight: 1}
		actual[i] = float64(c.FrequencyHoldout)
		rep.ActualHoldout += c.FrequencyHoldout
		if c.FrequencyHoldout > 0 {
			rep.CustomersWithHoldout++
		}
		rep.FrequencyHistogram[min(c.Frequency, MaxFrequencyBucket)]++
	}
	if err := model.ValidateRFT(rows); err != nil {
		var re *model.RowError
		if errors.As(err, &re) {
			return nil, fmt.Errorf("customer %q: %w", s.Customers[re.Row].ID, err)
		}
		return nil, err
	}
	rep.Discrete = Discrete(s.Customers, s.DurationHoldout)
	var births []float64
	if t := in.Tracking; t != nil {
		if len(t.Births) != n {
			return nil, fmt.Errorf("tracking has %d customers, the summary %d: build both from the same Builder", len(t.Births), n)
		}
		unitDays := s.Unit.Days
		if unitDays == 0 {
			unitDays = summary.Days.Days
		}
		at := &ActualTracking{PeriodDays: t.PeriodDays, PeriodLength: float64(t.PeriodDays) / unitDays,
			End: float64(t.Days) / unitDays, CalibrationPeriods: t.CalibrationPeriods, Incremental: slices.Clone(t.Repeat), Cumulative: make([]int, len(t.Repeat))}
		cum := 0
		for k, v := range t.Repeat {
			cum += v
			at.Cumulative[k] = cum
		}
		rep.Tracking = at
		births = make([]float64, n)
		for i, b := range t.Births {
			births[i] = float64(b) / unitDays
		}
	}
	distinct, index := model.CompressIndex(rows)
	for _, name := range Applicable(rep.Discrete) {
		rep.Models = append(rep.Models, evaluate(name, in, rows, distinct, index, actual, births, rep))
	}
	rep.Choice = chooseByHoldout(rep.Models)
	if in.Spend {
		rep.Spend = checkSpend(s.Customers, in.Fit)
	}
	return rep, nil
}

// evaluate fits one model and validates it.
func evaluate(name string, in Input, rows, distinct []model.RFT, index []int, actual, births []float64, rep *Report) Model {
	res := Model{Name: name}
	m, fit, err := score.FitPurchase(name, distinct, in.Fit)
	if err != nil {
		res.Err = err.Error()
		return res
	}
	n := float64(len(rows))
	k := float64(len(fit.Params))
	res.ParamNames, res.Params, res.StdErrors = fit.Names, fit.Params, fit.StdErrors
	res.Converged = fit.Converged
	res.CalibrationLogLikelihood = fit.LogLikelihood
	res.AIC = 2*k - 2*fit.LogLikelihood
	res.BIC = k*math.Log(n) - 2*fit.LogLikelihood

	t := rep.HoldoutLength
	predDistinct := model.ConditionalExpectedPurchasesRows(m, t, distinct, nil)
	aliveDistinct := model.ProbabilityAliveRows(m, distinct, nil)
	pred := make([]float64, len(rows))
	for i, j := range index {
		pred[i] = predDistinct[j]
	}
	var sumAbs, sumSq float64
	for i := range rows {
		res.PredictedHoldout += pred[i]
		d := pred[i] - actual[i]
		sumAbs += math.Abs(d)
		sumSq += d * d
	}
	res.MAE = sumAbs / n
	res.RMSE = math.Sqrt(sumSq / n)
	res.Correlation = pearson(pred, actual)
	if rep.ActualHoldout > 0 {
		res.ErrorPercent = 100 * (res.PredictedHoldout - float64(rep.ActualHoldout)) / float64(rep.ActualHoldout)
	}

	ll, active, err := holdoutLogLikelihood(m, t, distinct, index, actual)
	if err != nil {
		return Model{Name: name, Err: err.Error()}
	}
	res.HoldoutLogLikelihood = ll

	groups, err := model.CalibrationVsHoldout(m, rows, actual, t, MaxFrequencyBucket)
	if err != nil {
		return Model{Name: name, Err: err.Error()}
	}
	res.ConditionalExpectations = groups
	hist, err := model.FrequencyHistogram(m, distinct, MaxFrequencyBucket)
	if err != nil {
		return Model{Name: name, Err: err.Error()}
	}
	res.FrequencyHistogram = hist
	alive := make([]float64, len(rows))
	for i, j := range index {
		alive[i] = aliveDistinct[j]
	}
	res.Alive = aliveDeciles(alive, active, actual)
	if rep.Tracking != nil {
		res.Tracking = predictTracking(m, births, rep.Tracking)
	}
	return res
}

// holdoutLogLikelihood returns Σᵢ log P(Y(t) = actualᵢ | historyᵢ) and
// each customer's P(Y(t) ≥ 1 | history), the probabilities computed once
// per distinct (history, actual) pair. distinct[index[i]] is customer i's
// history.
func holdoutLogLikelihood(m model.PurchaseModel, t float64, distinct []model.RFT, index []int, actual []float64) (float64, []float64, error) {
	pmf, err := ConditionalPMF(m, t)
	if err != nil {
		return 0, nil, err
	}
	type key struct{ row, y int }
	cache := map[key]float64{}
	logp := func(j, y int) float64 {
		k := key{j, y}
		if v, ok := cache[k]; ok {
			return v
		}
		r := distinct[j]
		v := math.Log(pmf(y, r.X, r.TX, r.T))
		cache[k] = v
		return v
	}
	ll := 0.0
	active := make([]float64, len(index))
	for i, j := range index {
		ll += logp(j, int(actual[i]))
		active[i] = -math.Expm1(logp(j, 0))
	}
	return ll, active, nil
}

func pearson(a, b []float64) float64 {
	n := float64(len(a))
	var ma, mb float64
	for i := range a {
		ma += a[i]
		mb += b[i]
	}
	ma /= n
	mb /= n
	var sab, saa, sbb float64
	for i := range a {
		da, db := a[i]-ma, b[i]-mb
		sab += da * db
		saa += da * da
		sbb += db * db
	}
	if saa == 0 || sbb == 0 {
		return 0
	}
	return sab / math.Sqrt(saa*sbb)
}

// aliveDeciles groups customers into Deciles groups of (nearly) equal size
// by P(alive), ties kept in customer order.
func aliveDeciles(alive, active, actual []float64) []AliveDecile {
	n := len(alive)
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case alive[a] < alive[b]:
			return -1
		case alive[a] > alive[b]:
			return 1
		}
		return 0
	})
	var out []AliveDecile
	for d := range Deciles {
		lo, hi := n*d/Deciles, n*(d+1)/Deciles
		if lo == hi {
			continue
		}
		g := AliveDecile{Decile: d + 1, Customers: hi - lo}
		for _, i := range order[lo:hi] {
			g.MeanPAlive += alive[i]
			g.PredictedActive += active[i]
			if actual[i] > 0 {
				g.ActualActive++
			}
		}
		c := float64(g.Customers)
		g.MeanPAlive /= c
		g.PredictedActive /= c
		g.ActualActive /= c
		out = append(out, g)
	}
	return out
}

// predictTracking predicts the repeat purchases of every tracking period
// from each customer's birth: cumulative Σᵢ E[X(end − birthᵢ)] at the end
// of each period (the observation end for the last), E[X(t)] once per
// distinct age.
func predictTracking(m model.PurchaseModel, births []float64, at *ActualTracking) []TrackingPoint {
	byBirth := map[float64]float64{}
	for _, b := range births {
		byBirth[b]++
	}
	bs := make([]float64, 0, len(byBirth))
	for b := range byBirth {
		bs = append(bs, b)
	}
	slices.Sort(bs)
	np := len(at.Incremental)
	pts := make([]TrackingPoint, np)
	for k := range np {
		// The last period ends with the observation end's day.
		end := min(float64(k+1)*at.PeriodLength, at.End)
		pts[k] = TrackingPoint{Period: k + 1, End: end}
	}
	var prevPred, cumActual float64
	for k := range np {
		s := 0.0
		for _, b := range bs {
			if b >= pts[k].End {
				break
			}
			s += byBirth[b] * m.ExpectedPurchases(pts[k].End-b)
		}
		cumActual += float64(at.Incremental[k])
		pts[k].Actual = float64(at.Incremental[k])
		pts[k].CumulativeActual = cumActual
		pts[k].CumulativePredicted = s
		pts[k].Predicted = s - prevPred
		prevPred = s
	}
	return pts
}
