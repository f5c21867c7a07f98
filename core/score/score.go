// Package score is the scoring pipeline shared by every clvkit front end:
// per-customer summaries in, fitted models, predictions, formula columns,
// RFM scores, segments and value tiers out, one row per customer. The clv
// binary and the browser page both call Score, so they give the same
// numbers for the same data and settings.
package score

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/clvkit/clvkit/core/attr"
	"github.com/clvkit/clvkit/core/model"
	"github.com/clvkit/clvkit/core/segment"
	"github.com/clvkit/clvkit/core/summary"
	"github.com/clvkit/clvkit/internal/quote"
)

// Purchase model names accepted in Options.Purchase.
const (
	BGNBD     = "bgnbd"
	ParetoNBD = "paretonbd"
	MBGNBD    = "mbgnbd"
	BGBB      = "bgbb"
)

// Options configures a scoring run.
type Options struct {
	// Purchase is the purchase model: BGNBD (default), ParetoNBD, MBGNBD or
	// BGBB. BG/BB treats each time unit as one purchase opportunity, so it
	// needs whole-number recency and T (grain equal to the unit).
	Purchase string
	// Spend fits Gamma-Gamma to the customers' mean repeat spend. Without
	// it there are no expected_spend, clv and spend_source columns. When the
	// fit cannot be used, Score falls back to the customers' own mean
	// repeat spend (see SpendEstimate) rather than failing.
	Spend bool
	// Fit tunes both fits (penalty, start values).
	Fit model.FitOptions
	// CLV sets the horizon in months, the annual discount rate, the margin
	// and the length of the data's time unit in days.
	CLV model.CLVOptions
	// Columns are extra output columns computed in order after the model
	// columns (built-in formulas, custom expressions, plugins); each may use
	// the columns before it.
	Columns []Columner
	// Segments is the segment map; nil means segment.DefaultMap(). Ignored
	// when Segmenter is set.
	Segments *segment.Map
	// Segmenter, when set, labels customers instead of Segments (a plugin).
	Segmenter Segmenter
	// TierColumn names the column value tiers are cut from ("" for none).
	TierColumn string
	// Tiers are the tier cutoffs and labels (segment.DefaultTiers() when
	// empty and TierColumn is set).
	Tiers segment.Tiers
	// RFMMonetary is the value RFM's M score ranks: RFMAverageOrder (the
	// default, also for ""), RFMRepeatMean or RFMTotal.
	RFMMonetary string
	// SummaryInput says the customers come from a per-customer summary
	// (frequency, recency, T, monetary_value), so Revenue and the first
	// purchase period's value are unknown: RFM's M then ranks the mean
	// repeat spend (RFMRepeatMean) whatever RFMMonetary says, and a note
	// in Result.Notes says so.
	SummaryInput bool
	// Frozen, when set, is a frozen purchase model (a *FrozenModel) that
	// Score uses as it is instead of fitting one; Purchase is then ignored.
	Frozen Frozen
	// FrozenSpend, when set with Spend, is a frozen Gamma-Gamma model (a
	// *FrozenModel) used instead of fitting one.
	FrozenSpend Frozen
	// PurchaseHorizon, when set, adds the column PurchaseHorizonColumn
	// after expected_purchases: the expected purchase periods over this
	// span (in any unit; converted to the data's with CLV.DaysPerUnit).
	PurchaseHorizon summary.Span
	// Explain adds the column ExplanationColumn, last: one sentence per
	// customer built from their own numbers (see Explain).
	Explain bool
	// HistoricValue adds the column historic_plus_clv (HistoricValueColumn)
	// after clv: each customer's margin to date plus their model CLV,
	// Revenue × CLV.Margin + clv, the per-customer form of the formula
	// historic_plus_remaining. Revenue is after the returns rule and, with a
	// calibration end, up to it; it is undiscounted, the CLV discounted as
	// set. It needs Spend (the clv column) and a transaction log (a
	// summary input has no revenue to date).
	HistoricValue bool
	// Covariates, when set, are static covariates of the purchase model
	// (BGNBD or ParetoNBD only), one row per customer in the order of the
	// customers passed to Score: the model is then fitted with them
	// (by FitCovariates) and every customer's predictions and CLV come
	// from the model at that customer's own covariates. Not with a frozen
	// model.
	Covariates *model.Covariates
	// FitCovariates fits the model when Covariates is set: normally
	// FitCovariateModel. It is a field, not a call Score makes itself, so
	// that a program without covariates does not link the covariate
	// models (about 47 KB of the page's compressed module).
	FitCovariates CovariateFitter
	// CovariateNames names the attributes the covariates come from (from
	// the settings); a front end that reads attributes fills Covariates
	// from them with CovariateNames.Encode. Score itself reads Covariates
	// only.
	CovariateNames CovariateSpec
	// OnStage, when set, is called as each stage of Score begins, so a
	// front end can show which step a long run is in (nil: not called).
	OnStage func(Stage)
	// Attributes, when set, are the customers' attribute values (core/attr),
	// aligned with the customers given to Score. Each becomes a label
	// column, named as the attribute, right after the id (before
	// frequency), and Result.Attributes holds them in the result's order.
	Attributes *attr.Set
}

// Stage names a step of Score for OnStage.
type Stage string

// The stages of Score, in the order they run. StageFitSpend is reported
// only with Options.Spend.
const (
	StageFitPurchase Stage = "fit_purchase" // fitting the purchase model
	StageFitSpend    Stage = "fit_spend"    // fitting Gamma-Gamma
	StageScore       Stage = "score"        // scores, RFM, segments, tiers
)

func (o *Options) stage(s Stage) {
	if o.OnStage != nil {
		o.OnStage(s)
	}
}

// ExplanationColumn is the name of the column Options.Explain adds.
const ExplanationColumn = "explanation"

// PurchaseHorizonColumn is the name of the column Options.PurchaseHorizon
// adds: expected_purchases_ followed by the span's label, such as
// expected_purchases_39_week.
func PurchaseHorizonColumn(s summary.Span) string { return "expected_purchases_" + s.Label() }

// HistoricValueColumn is the column Options.HistoricValue adds.
const HistoricValueColumn = "historic_plus_clv"

// Columner computes extra numeric columns from the columns it reads, for a
// batch of customers at a time. Formulas and formula plugins implement it.
type Columner interface {
	// Inputs names the columns read, in the order In receives them.
	Inputs() []string
	// Outputs names the columns written, in the order Out receives them.
	Outputs() []string
	// Compute fills out[j][i] for customer i of the batch from in[k][i].
	Compute(ctx context.Context, in, out [][]float64) error
}

// BatchSizer is implemented by a Columner or Segmenter that wants batches
// of its own size (a plugin across a process or sandbox boundary); others
// get DefaultBatch customers at a time.
type BatchSizer interface {
	BatchSize() int
}

// DefaultBatch is the number of customers per Compute or Segment call.
const DefaultBatch = 4096

func batchSize(v any) int {
	if b, ok := v.(BatchSizer); ok && b.BatchSize() > 0 {
		return b.BatchSize()
	}
	return DefaultBatch
}

// Segmenter labels a batch of customers from the columns it reads.
// Segmentation plugins implement it.
type Segmenter interface {
	Inputs() []string
	// Labels is the list of labels Segment's indices point into.
	Labels() []string
	// Segment fills out[i] with an index into Labels for customer i.
	Segment(ctx context.Context, in [][]float64, out []int) error
}

// Column is one output column: numbers or labels.
type Column struct {
	Name   string
	Floats []float64 // nil for a label column
	Labels []string  // nil for a numeric column
	// Integer marks a numeric column whose values are whole numbers
	// (frequency, scores), written without decimals.
	Integer bool
}

// Result is a scored customer base, one row per customer, sorted by id
// (numerically when every id is an integer, else bytewise).
type Result struct {
	IDs     []string
	Columns []Column

	spendSource []string // the spend_source column, added last
	// PurchaseFit is the purchase model's fit; Purchase the fitted model.
	PurchaseFit model.Fit
	Purchase    model.PurchaseModel
	// CovariateFit and CovariateModel are set with Options.Covariates: the
	// covariate model's fit (its Fit is also PurchaseFit, and Purchase is
	// the model of a customer whose covariates are all 0) and the model.
	CovariateFit   *model.CovFit
	CovariateModel model.CovariateModel
	// SpendFit is the Gamma-Gamma fit (zero without Options.Spend; its
	// counts, correlation and warning are set even when the fit failed).
	// Spend is the fitted model, zero unless SpendEstimate.Method is
	// EstimateGammaGamma.
	SpendFit model.GammaGammaFit
	Spend    model.GammaGamma
	// SpendEstimate says how expected_spend was estimated (zero without
	// Options.Spend).
	SpendEstimate SpendEstimate
	// RFMMonetary is the value RFM's M ranked: Options.RFMMonetary with its
	// default filled in, or RFMRepeatMean for a summary input.
	RFMMonetary string
	// Warnings are non-fatal findings worth telling the user: a spend
	// fallback, customers left out of the spend fit, a doubtful model
	// assumption.
	Warnings []string
	// Notes say where the run did something other than its settings
	// asked for a reason that is no problem of the data (RFM's M on a
	// summary input).
	Notes []string
	// Attributes are Options.Attributes in the result's order (IDs), nil
	// without them.
	Attributes *attr.Set
}

// Column returns the named column and whether it exists.
func (r *Result) Column(name string) (Column, bool) {
	for _, c := range r.Columns {
		if c.Name == name {
			return c, true
		}
	}
	return Column{}, false
}

// Score fits the models to the customers and scores every one of them.
// customers need ID, Frequency, Recency, T and (with Spend) Monetary; the
// input order does not matter. ctx stops long runs between stages.
func Score(ctx context.Context, customers []summary.Customer, o Options) (*Result, error) {
	if len(customers) == 0 {
		return nil, errors.New("no customers to score")
	}
	if err := o.CLV.Validate(); err != nil {
		return nil, err
	}
	if err := checkColumnNames(o.Columns); err != nil {
		return nil, err
	}
	if !o.PurchaseHorizon.IsZero() {
		name := PurchaseHorizonColumn(o.PurchaseHorizon)
		if !(o.PurchaseHorizon.Days() > 0) || math.IsInf(o.PurchaseHorizon.Days(), 0) {
			return nil, fmt.Errorf("purchase horizon %v: want a positive finite length", o.PurchaseHorizon)
		}
		for _, c := range o.Columns {
			if slices.Contains(c.Outputs(), name) {
				return nil, fmt.Errorf("column %q is both the purchase horizon's column and an extra column; rename the extra column", name)
			}
		}
	}
	if o.HistoricValue && !o.Spend {
		return nil, fmt.Errorf("the %s column needs the spend model: it adds the margin to date to clv", HistoricValueColumn)
	}
	if o.HistoricValue && o.SummaryInput {
		return nil, fmt.Errorf("the %s column needs a transaction log: a per-customer summary has no revenue to date", HistoricValueColumn)
	}
	if o.FrozenSpend != nil && !o.Spend {
		return nil, errors.New("a frozen spend model is given but the spend model is off")
	}
	rfmMonetary := o.RFMMonetary
	if rfmMonetary == "" {
		rfmMonetary = DefaultRFMMonetary
	}
	if err := CheckRFMMonetary(rfmMonetary); err != nil {
		return nil, fmt.Errorf("RFM monetary: %w", err)
	}
	numeric := true
	for _, c := range customers {
		if !summary.IsIntegerID(c.ID) {
			numeric = false
			break
		}
	}
	// Sort positions rather than the customers themselves: a Customer is
	// over 100 bytes with pointers, and moving them costs more than the
	// comparisons (several times more under js/wasm).
	order := make([]int32, len(customers))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int {
		return summary.CompareIDs(customers[a].ID, customers[b].ID, numeric)
	})
	for i := 1; i < len(order); i++ {
		if id := customers[order[i]].ID; id == customers[order[i-1]].ID {
			return nil, fmt.Errorf("customer %s appears twice", quote.Value(id))
		}
	}
	n := len(order)
	res := &Result{IDs: make([]string, n)}
	if a := o.Attributes; a != nil {
		if err := checkAttributes(a, len(customers), o.Columns); err != nil {
			return nil, err
		}
		res.Attributes = a.Permute(order)
		for k, name := range a.Names {
			labels := make([]string, n)
			for i := range labels {
				labels[i] = res.Attributes.Value(k, i)
			}
			res.add(Column{Name: name, Labels: labels})
		}
	}
	rows := make([]model.RFT, n)
	freq, rec, age, mon, rev := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	for i, k := range order {
		c := &customers[k]
		if math.IsNaN(c.Monetary) || math.IsInf(c.Monetary, 0) {
			return nil, &CustomerError{ID: c.ID, Err: fmt.Errorf("monetary value %v: want a finite number", c.Monetary)}
		}
		res.IDs[i] = c.ID
		rows[i] = model.RFT{X: float64(c.Frequency), TX: c.Recency, T: c.T, Weight: 1}
		freq[i], rec[i], age[i], mon[i], rev[i] = float64(c.Frequency), c.Recency, c.T, c.Monetary, c.Revenue
	}
	if err := model.ValidateRFT(rows); err != nil {
		return nil, res.rowError(err, nil)
	}
	res.add(Column{Name: "frequency", Floats: freq, Integer: true})
	res.add(Column{Name: "recency", Floats: rec})
	res.add(Column{Name: "T", Floats: age})
	res.add(Column{Name: "monetary_value", Floats: mon})

	// Purchase model: fitted and evaluated on the distinct rows only (per
	// covariate group with covariates).
	o.stage(StageFitPurchase)
	var pred predictor
	var err error
	if o.Covariates != nil {
		pred, err = res.fitCovariates(rows, order, o)
		if err != nil {
			return nil, err
		}
	} else {
		distinct, index := model.CompressIndex(rows)
		var pm model.PurchaseModel
		var fit model.Fit
		if o.Frozen != nil {
			pm, fit, err = o.Frozen.purchase(distinct)
		} else {
			pm, fit, err = fitPurchase(distinct, o)
		}
		if err != nil {
			return nil, res.rowError(err, index)
		}
		res.Purchase, res.PurchaseFit = pm, fit
		pred = predictor{pm: pm, distinct: distinct, index: index}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	horizon := float64(o.CLV.Months) * o.CLV.MonthLength()
	alive, _ := pred.perCustomer(func(pm model.PurchaseModel, rows []model.RFT) ([]float64, error) {
		return model.ProbabilityAliveRows(pm, rows, nil), nil
	})
	expected, _ := pred.perCustomer(func(pm model.PurchaseModel, rows []model.RFT) ([]float64, error) {
		return model.ConditionalExpectedPurchasesRows(pm, horizon, rows, nil), nil
	})
	res.add(Column{Name: "p_alive", Floats: alive})
	res.add(Column{Name: "expected_purchases", Floats: expected})
	if !o.PurchaseHorizon.IsZero() {
		t := o.PurchaseHorizon.Days() / o.CLV.DaysPerUnit
		e, _ := pred.perCustomer(func(pm model.PurchaseModel, rows []model.RFT) ([]float64, error) {
			return model.ConditionalExpectedPurchasesRows(pm, t, rows, nil), nil
		})
		res.add(Column{Name: PurchaseHorizonColumn(o.PurchaseHorizon), Floats: e})
	}

	if o.Spend {
		o.stage(StageFitSpend)
		if err := res.scoreSpend(pred, freq, mon, o); err != nil {
			return nil, err
		}
	}
	if o.HistoricValue {
		clv, err := res.floats("clv")
		if err != nil {
			return nil, err
		}
		h := make([]float64, n)
		for i := range h {
			h[i] = rev[i]*o.CLV.Margin + clv[i]
		}
		res.add(Column{Name: HistoricValueColumn, Floats: h})
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	o.stage(StageScore)

	// RFM scores from the recency gap T − recency, frequency and the
	// monetary value rfmMonetary names. The inputs were validated above
	// (finite, 0 ≤ recency ≤ T), so RecencyGap and RFM cannot fail on them.
	if o.SummaryInput && rfmMonetary != RFMRepeatMean {
		res.Notes = append(res.Notes, fmt.Sprintf("RFM's M ranks monetary_value, the mean repeat spend (rfm.monetary %q), not %q as set: a per-customer summary input has no first purchase values", RFMRepeatMean, rfmMonetary))
		rfmMonetary = RFMRepeatMean
	}
	res.RFMMonetary = rfmMonetary
	mvals, err := res.rfmValues(rfmMonetary, freq, mon, rev)
	if err != nil {
		return nil, err
	}
	gap, err := segment.RecencyGap(age, rec)
	if err != nil {
		return nil, err
	}
	codes, err := segment.RFM(gap, freq, mvals)
	if err != nil {
		return nil, fmt.Errorf("RFM scores: %w", err)
	}
	r, f, m, code := make([]float64, n), make([]float64, n), make([]float64, n), make([]string, n)
	for i, c := range codes {
		r[i], f[i], m[i], code[i] = float64(c.R), float64(c.F), float64(c.M), c.String()
	}
	res.add(Column{Name: "r", Floats: r, Integer: true})
	res.add(Column{Name: "f", Floats: f, Integer: true})
	res.add(Column{Name: "m", Floats: m, Integer: true})
	res.add(Column{Name: "rfm", Labels: code})

	for _, c := range o.Columns {
		if err := res.compute(ctx, c); err != nil {
			return nil, err
		}
	}
	if err := res.segment(ctx, codes, o); err != nil {
		return nil, err
	}
	if o.TierColumn != "" {
		if err := res.tier(o); err != nil {
			return nil, err
		}
	}
	if o.Spend {
		// Last, so the columns before it keep their places.
		res.add(Column{Name: "spend_source", Labels: res.spendSource})
		res.spendSource = nil
	}
	if o.Explain {
		if err := res.explain(o); err != nil {
			return nil, err
		}
	}
	if err := res.checkFinite(); err != nil {
		return nil, err
	}
	return res, nil
}

// checkAttributes checks that the attributes describe the n customers and
// that their names are free: not a built-in column or an extra column.
func checkAttributes(a *attr.Set, n int, extra []Columner) error {
	if len(a.Codes) != len(a.Names) || len(a.Levels) != len(a.Names) {
		return fmt.Errorf("attributes: %d names, %d code columns, %d level lists", len(a.Names), len(a.Codes), len(a.Levels))
	}
	for k, name := range a.Names {
		if len(a.Codes[k]) != n {
			return fmt.Errorf("attribute %s: %d values for %d customers", quote.Value(name), len(a.Codes[k]), n)
		}
		if err := CheckColumnName(name); err != nil {
			return fmt.Errorf("attribute %s: %w", quote.Value(name), err)
		}
		for _, c := range extra {
			if slices.Contains(c.Outputs(), name) {
				return fmt.Errorf("attribute %s is also an extra column's name; rename one", quote.Value(name))
			}
		}
	}
	return nil
}

// checkFinite returns an error naming the first customer (in output order)
// with a NaN or infinite value in a numeric column: written out, it would
// be an empty cell that nobody asked for.
func (r *Result) checkFinite() error {
	for i := range r.IDs {
		for _, c := range r.Columns {
			if c.Floats == nil {
				continue
			}
			if v := c.Floats[i]; math.IsNaN(v) || math.IsInf(v, 0) {
				return &CustomerError{ID: r.IDs[i], Err: fmt.Errorf("column %q is %v, not a finite number", c.Name, v)}
			}
		}
	}
	return nil
}

func (r *Result) add(c Column) { r.Columns = append(r.Columns, c) }

// floats returns the numeric column name, or an error naming what exists.
func (r *Result) floats(name string) ([]float64, error) {
	c, ok := r.Column(name)
	if !ok || c.Floats == nil {
		var names []string
		for _, c := range r.Columns {
			if c.Floats != nil {
				names = append(names, c.Name)
			}
		}
		return nil, fmt.Errorf("no numeric column %q (have %v)", name, names)
	}
	return c.Floats, nil
}

func broadcast(perRow []float64, index []int) []float64 {
	out := make([]float64, len(index))
	for i, j := range index {
		out[i] = perRow[j]
	}
	return out
}

func fitPurchase(rows []model.RFT, o Options) (model.PurchaseModel, model.Fit, error) {
	switch o.Purchase {
	case BGNBD, "":
		m, f, err := model.FitBGNBD(rows, o.Fit)
		return m, f, wrapFit("BG/NBD", err)
	case ParetoNBD:
		m, f, err := model.FitParetoNBD(rows, o.Fit)
		return m, f, wrapFit("Pareto/NBD", err)
	case MBGNBD:
		m, f, err := model.FitMBGNBD(rows, o.Fit)
		return m, f, wrapFit("MBG/NBD", err)
	case BGBB:
		return fitBGBB(rows, o)
	}
	return nil, model.Fit{}, fmt.Errorf("unknown purchase model %q (want bgnbd, paretonbd, mbgnbd or bgbb)", o.Purchase)
}

func wrapFit(name string, err error) error {
	if err != nil {
		return fmt.Errorf("fit %s: %w", name, err)
	}
	return nil
}

// compute runs one Columner over all customers, in batches.
func (r *Result) compute(ctx context.Context, c Columner) error {
	batch := batchSize(c)
	ins := c.Inputs()
	cols := make([][]float64, len(ins))
	for k, name := range ins {
		v, err := r.floats(name)
		if err != nil {
			return fmt.Errorf("column %v: input %w", c.Outputs(), err)
		}
		cols[k] = v
	}
	outs := c.Outputs()
	for _, name := range outs {
		if _, dup := r.Column(name); dup {
			return fmt.Errorf("column %q is computed twice", name)
		}
	}
	n := len(r.IDs)
	results := make([][]float64, len(outs))
	for j := range results {
		results[j] = make([]float64, n)
	}
	in, out := make([][]float64, len(ins)), make([][]float64, len(outs))
	for lo := 0; lo < n; lo += batch {
		if err := ctx.Err(); err != nil {
			return err
		}
		hi := min(lo+batch, n)
		for k := range cols {
			in[k] = cols[k][lo:hi]
		}
		for j := range results {
			out[j] = results[j][lo:hi]
		}
		if err := c.Compute(ctx, in, out); err != nil {
			var be *BatchRowError
			if errors.As(err, &be) && be.Row >= 0 && be.Row < hi-lo {
				return &CustomerError{ID: r.IDs[lo+be.Row], Err: fmt.Errorf("column %v: %w", outs, be.Err)}
			}
			return fmt.Errorf("column %v, the batch of customers %s: %w", outs, r.batchIDs(lo, hi), err)
		}
		for j := range out {
			for i, v := range out[j] {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return fmt.Errorf("column %q: customer %s: value is %v", outs[j], quote.Value(r.IDs[lo+i]), v)
				}
			}
		}
	}
	for j, name := range outs {
		r.add(Column{Name: name, Floats: results[j]})
	}
	return nil
}

func (r *Result) segment(ctx context.Context, codes []segment.Code, o Options) error {
	n := len(r.IDs)
	labels := make([]string, n)
	if s := o.Segmenter; s != nil {
		ins := s.Inputs()
		cols := make([][]float64, len(ins))
		for k, name := range ins {
			v, err := r.floats(name)
			if err != nil {
				return fmt.Errorf("segmenter input %w", err)
			}
			cols[k] = v
		}
		idx := make([]int, n)
		in := make([][]float64, len(cols))
		batch := batchSize(s)
		for lo := 0; lo < n; lo += batch {
			hi := min(lo+batch, n)
			for k := range cols {
				in[k] = cols[k][lo:hi]
			}
			if err := s.Segment(ctx, in, idx[lo:hi]); err != nil {
				var be *BatchRowError
				if errors.As(err, &be) && be.Row >= 0 && be.Row < hi-lo {
					return &CustomerError{ID: r.IDs[lo+be.Row], Err: fmt.Errorf("segmenter: %w", be.Err)}
				}
				return fmt.Errorf("segmenter, the batch of customers %s: %w", r.batchIDs(lo, hi), err)
			}
		}
		names := s.Labels()
		for i, k := range idx {
			if k < 0 || k >= len(names) {
				return fmt.Errorf("segmenter: customer %s: label index %d out of range 0..%d", quote.Value(r.IDs[i]), k, len(names)-1)
			}
			labels[i] = names[k]
		}
	} else {
		m := o.Segments
		if m == nil {
			m = segment.DefaultMap()
		}
		columns := map[string][]float64{}
		for _, name := range m.Columns() {
			v, err := r.floats(name)
			if err != nil {
				return fmt.Errorf("segment rules: %w", err)
			}
			columns[name] = v
		}
		for _, name := range m.TextColumns() {
			c, ok := r.Column(name)
			if !ok || c.Labels == nil {
				var have []string
				for _, c := range r.Columns {
					if c.Labels != nil {
						have = append(have, c.Name)
					}
				}
				return fmt.Errorf("segment rules compare %s with text, and it is not a text column (have %s; customer attributes come from [attributes])", quote.Value(name), quote.List(have))
			}
			columns[name] = m.TextCodes(name, c.Labels)
		}
		var err error
		if labels, err = m.Assign(codes, columns); err != nil {
			return fmt.Errorf("segments: %w", err)
		}
	}
	r.add(Column{Name: "segment", Labels: labels})
	return nil
}

func (r *Result) tier(o Options) error {
	values, err := r.floats(o.TierColumn)
	if err != nil {
		return fmt.Errorf("value tiers: %w", err)
	}
	t := o.Tiers
	if len(t.Labels) == 0 {
		t = segment.DefaultTiers()
	}
	idx, _, err := t.Assign(values)
	if err != nil {
		return fmt.Errorf("value tiers by %s: %w", o.TierColumn, err)
	}
	labels := make([]string, len(idx))
	for i, k := range idx {
		labels[i] = t.Labels[k]
	}
	r.add(Column{Name: "tier", Labels: labels})
	return nil
}
