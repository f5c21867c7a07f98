package settings

import (
	"fmt"
	"slices"
	"time"

	"github.com/clvkit/clvkit/core/formula"
	"github.com/clvkit/clvkit/core/model"
	"github.com/clvkit/clvkit/core/score"
	"github.com/clvkit/clvkit/core/segment"
	"github.com/clvkit/clvkit/core/summary"
	"github.com/clvkit/clvkit/internal/quote"
	"github.com/clvkit/clvkit/internal/textenc"
)

// Options validates s and turns it into the core options of a scoring run:
// the summary options of a transaction log (grain, unit, observation and
// calibration ends, returns, the missing-customer rule; for a summary
// input only the unit) and the scoring options (models, CLV, formula
// columns, segment map, tiers, RFM). Call it after Complete. Everything
// that can be checked before reading data is checked here; the errors are
// *KeyError under TOML keys. Formula and rule columns are checked against
// the built-in columns by CheckColumns, which a front end with plugin
// columns calls once it knows them. The reading options (date and amount
// formats, row rules, columns) are Input's fields as they are.
func (s *Settings) Options() (summary.Options, score.Options, error) {
	var so summary.Options
	if err := s.Validate(); err != nil {
		return so, score.Options{}, err
	}
	in := s.Input
	if in.DateFormat != summary.AutoFormat {
		if _, err := summary.ParseDateFormat(in.DateFormat); err != nil {
			return so, score.Options{}, keyErr("input.date_format", err)
		}
	}
	if in.AmountFormat != summary.AutoFormat {
		if _, err := summary.ParseAmountFormat(in.AmountFormat); err != nil {
			return so, score.Options{}, keyErr("input.amount_format", err)
		}
	}
	var err error
	if so.Unit, err = summary.ParseUnit(s.Time.Unit); err != nil {
		return so, score.Options{}, keyErr("time.unit", err)
	}
	if in.Kind == KindTransactions {
		if so.Grain, err = summary.ParseGrain(s.Time.Grain); err != nil {
			return so, score.Options{}, keyErr("time.grain", err)
		}
		if so.ObservationEnd, err = day(s.Time.ObservationEnd); err != nil {
			return so, score.Options{}, keyErr("time.observation_end", err)
		}
		if so.CalibrationEnd, err = day(s.Time.CalibrationEnd); err != nil {
			return so, score.Options{}, keyErr("time.calibration_end", err)
		}
		if c, o := so.CalibrationEnd, so.ObservationEnd; !c.IsZero() && c.After(o) {
			return so, score.Options{}, &KeyError{Key: "time.calibration_end", Msg: fmt.Sprintf("%s is after time.observation_end %s: the calibration period ends on or before the observation end",
				c.Format(time.DateOnly), o.Format(time.DateOnly))}
		}
		so.SkipBadRows = in.SkipBadRows
		if so.Returns, err = summary.ParseReturns(in.Returns); err != nil {
			return so, score.Options{}, keyErr("input.returns", err)
		}
		so.SkipMissingCustomer = in.MissingCustomer == "skip"
		// Whatever else the summary's builder would refuse, refuse now,
		// before reading data.
		if _, err := summary.NewBuilder(so); err != nil {
			return so, score.Options{}, keyErr("time", err)
		}
	}
	spend := s.Model.Spend == score.SpendGammaGamma
	if spend && in.Kind == KindTransactions && in.Columns.Amount == "" && in.AmountExpr == "" {
		return so, score.Options{}, &KeyError{Key: "input.columns.amount", Msg: "the spend model (gammagamma) needs order values: name the amount column (or compute it with amount_expr), or turn the spend model off (spend none)"}
	}
	o := score.Options{
		Purchase: s.Model.Purchase,
		Spend:    spend,
		Fit:      model.FitOptions{Penalty: s.Model.Penalty, CovariatePenalty: s.Model.CovariatePenalty},
		CLV: model.CLVOptions{Months: s.Model.HorizonMonths, AnnualDiscountRate: s.Model.AnnualDiscountRate,
			Margin: s.Model.Margin, DaysPerUnit: so.Unit.Days},
		TierColumn:    s.Tiers.Column,
		Tiers:         segment.Tiers{Cutoffs: s.Tiers.Cutoffs, Labels: s.Tiers.Labels},
		RFMMonetary:   s.RFM.Monetary,
		SummaryInput:  in.Kind == KindSummary,
		HistoricValue: s.Output.HistoricValue,
	}
	if err := o.CLV.Validate(); err != nil {
		return so, o, keyErr("model", err)
	}
	o.CovariateNames = score.CovariateSpec{Trans: s.Model.CovariatesTrans, Life: s.Model.CovariatesLife}
	for _, n := range o.CovariateNames.Attributes() {
		if !slices.Contains(so.Attributes, n) {
			so.Attributes = append(so.Attributes, n)
		}
	}
	if h := s.Model.PurchaseHorizon; h != "" {
		if o.PurchaseHorizon, err = score.ParsePurchaseHorizon(h); err != nil {
			return so, o, keyErr("model.purchase_horizon", err)
		}
	}
	o.Explain = s.Output.Explain
	if o.TierColumn != "" {
		if err := o.Tiers.Validate(); err != nil {
			return so, o, keyErr("tiers", err)
		}
	}
	reg := formula.Builtin()
	for i, f := range s.Formulas {
		c, err := formulaColumn(reg, f)
		if err != nil {
			return so, o, keyErr(fmt.Sprintf("formulas[%d]", i), err)
		}
		o.Columns = append(o.Columns, c)
	}
	if s.Segmentation.Map == MapRules {
		rules := make([]segment.Rule, len(s.Segmentation.Rules))
		for i, r := range s.Segmentation.Rules {
			rules[i] = segment.Rule{Segment: r.Segment, When: r.When}
		}
		m, err := segment.NewMap(rules, s.Segmentation.Default)
		if err != nil {
			return so, o, keyErr("segmentation.rules", err)
		}
		o.Segments = m
	}
	return so, o, nil
}

// Guard returns the CSV formula guard the settings name.
func (s *Settings) Guard() (textenc.Guard, error) {
	g, err := textenc.ParseGuard(s.Output.CSVFormulaGuard)
	return g, keyErr("output.csv_formula_guard", err)
}

// day parses a YYYY-MM-DD date; "" is the zero time.
func day(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s: want a date as YYYY-MM-DD", quote.Value(s))
	}
	return t, nil
}

// formulaColumn builds one formula column: a built-in formula with inputs
// bound to numbers or columns, or an expression over columns.
func formulaColumn(reg *formula.Registry, f Formula) (score.Columner, error) {
	if f.Expr != "" {
		if len(f.Inputs) > 0 {
			return nil, fmt.Errorf("formula %s: an expr reads columns by name; inputs are for builtin formulas", quote.Value(f.Name))
		}
		return score.NewExpression(f.Name, f.Expr)
	}
	def, ok := reg.Lookup(f.Builtin)
	if !ok {
		return nil, fmt.Errorf("formula %s: no built-in formula %s (see clv formulas; known: %v)", quote.Value(f.Name), quote.Value(f.Builtin), reg.IDs())
	}
	consts, cols := map[string]float64{}, map[string]string{}
	for k, v := range f.Inputs {
		switch v := v.(type) {
		case string:
			cols[k] = v
		case int64:
			consts[k] = float64(v)
		case float64:
			consts[k] = v
		}
	}
	return score.NewBuiltinColumn(f.Name, def, consts, cols)
}

// CheckColumns verifies, before any data is read, that every column a
// formula, a segment rule or the tiers read exists by the time it is
// computed: the model columns, then each extra column in order. A front
// end with plugin columns calls it with them in o.Columns.
func CheckColumns(o score.Options) error {
	have := []string{"frequency", "recency", "T", "monetary_value", "p_alive", "expected_purchases", "r", "f", "m"}
	if !o.PurchaseHorizon.IsZero() {
		have = append(have, score.PurchaseHorizonColumn(o.PurchaseHorizon))
	}
	if o.Spend {
		have = append(have, "expected_spend", "clv")
	}
	if o.HistoricValue {
		have = append(have, score.HistoricValueColumn)
	}
	for _, c := range o.Columns {
		for _, in := range c.Inputs() {
			if !slices.Contains(have, in) {
				return fmt.Errorf("column %v reads %s, which is not a column before it (have %s)", c.Outputs(), quote.Value(in), quote.List(have))
			}
		}
		have = append(have, c.Outputs()...)
	}
	if o.Segments != nil {
		for _, in := range o.Segments.Columns() {
			if !slices.Contains(have, in) {
				return fmt.Errorf("segment rules read %s, which is not a column (have %s)", quote.Value(in), quote.List(have))
			}
		}
	}
	if o.TierColumn != "" && !slices.Contains(have, o.TierColumn) {
		return fmt.Errorf("tiers.column %s is not a column (have %s)", quote.Value(o.TierColumn), quote.List(have))
	}
	return nil
}
