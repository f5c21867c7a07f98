package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"time"

	"github.com/clvkit/clvkit/core/formula"
	"github.com/clvkit/clvkit/core/model"
	"github.com/clvkit/clvkit/core/score"
	"github.com/clvkit/clvkit/core/segment"
	"github.com/clvkit/clvkit/core/summary"
	"github.com/clvkit/clvkit/host/internal/config"
	"github.com/clvkit/clvkit/host/internal/table"
	"github.com/clvkit/clvkit/internal/quote"
	"github.com/clvkit/clvkit/internal/textenc"
)

// job is a scoring run prepared from a config: where the data is and the
// core options, checked before any data is read.
type job struct {
	cfg     *config.Config
	input   source
	cols    transactionColumns
	time    summary.Options
	options score.Options
	output  sink
	plugins []*loadedPlugin // set by loadPlugins
	formats *inputFormats   // set by customers for a transaction log
}

// prepare turns a config into a job. Every mistake is reported here, before
// reading data: formulas are compiled, rules parsed, units checked.
func prepare(cfg *config.Config) (*job, error) {
	j := &job{cfg: cfg}
	in := cfg.Input
	j.input = source{Path: cfg.Resolve(in.Path), Format: in.Format, Delimiter: in.Delimiter,
		NoHeader: in.NoHeader, DateFormat: in.DateFormat, AmountFormat: in.AmountFormat, SkipBadRows: in.SkipBadRows,
		Rules: summary.RowRules{Where: in.Where, Amount: in.AmountExpr, IsReturn: in.IsReturn}}
	if key, err := checkFormats(in.DateFormat, in.AmountFormat); err != nil {
		return nil, configErr(cfg, "input."+key, err)
	}
	j.cols = transactionColumns{Customer: in.Columns.Customer, Date: in.Columns.Date, Amount: in.Columns.Amount}
	tf := timeFlags{grain: cfg.Time.Grain, unit: cfg.Time.Unit, calibrationEnd: cfg.Time.CalibrationEnd, observationEnd: cfg.Time.ObservationEnd}
	var err error
	if in.Kind == "transactions" {
		if j.time, err = tf.options(in.SkipBadRows); err != nil {
			return nil, configErr(cfg, "time", err)
		}
		if j.time.Returns, err = summary.ParseReturns(in.Returns); err != nil {
			return nil, configErr(cfg, "input.returns", err)
		}
		j.time.SkipMissingCustomer = in.MissingCustomer == "skip"
		if c, o := j.time.CalibrationEnd, j.time.ObservationEnd; !c.IsZero() && c.After(o) {
			return nil, configErr(cfg, "time.calibration_end", fmt.Errorf("%s is after time.observation_end %s: the calibration period ends on or before the observation end",
				c.Format(time.DateOnly), o.Format(time.DateOnly)))
		}
		// Whatever else the summary's builder would refuse, refuse now,
		// before reading data.
		if _, err := summary.NewBuilder(j.time); err != nil {
			return nil, configErr(cfg, "time", err)
		}
	} else if j.time.Unit, err = summary.ParseUnit(cfg.Time.Unit); err != nil {
		return nil, configErr(cfg, "time.unit", err)
	}
	if _, err := j.input.format(); err != nil {
		return nil, configErr(cfg, "input.format", err)
	}
	spend := cfg.Model.Spend == "gammagamma"
	if spend && in.Kind == "transactions" && in.Columns.Amount == "" && in.AmountExpr == "" {
		return nil, configErr(cfg, "input.columns.amount", errors.New("model.spend = \"gammagamma\" needs order values: name the amount column (or compute it with input.amount_expr), or set model.spend = \"none\""))
	}
	j.options = score.Options{
		Purchase: cfg.Model.Purchase,
		Spend:    spend,
		Fit:      model.FitOptions{Penalty: cfg.Model.Penalty},
		CLV: model.CLVOptions{Months: cfg.Model.HorizonMonths, AnnualDiscountRate: cfg.Model.AnnualDiscountRate,
			Margin: cfg.Model.Margin, DaysPerUnit: j.time.Unit.Days},
		TierColumn:    cfg.Tiers.Column,
		Tiers:         segment.Tiers{Cutoffs: cfg.Tiers.Cutoffs, Labels: cfg.Tiers.Labels},
		RFMMonetary:   cfg.RFM.Monetary,
		SummaryInput:  in.Kind == "summary",
		HistoricValue: cfg.Output.HistoricValue,
	}
	if cfg.Output.HistoricValue && !spend {
		return nil, configErr(cfg, "output.historic_value", errors.New(`historic_plus_clv adds the margin to date to clv, which needs model.spend = "gammagamma"`))
	}
	if cfg.Output.HistoricValue && in.Kind == "summary" {
		return nil, configErr(cfg, "output.historic_value", errors.New("historic_plus_clv needs the revenue to date of a transaction log; a per-customer summary (input.kind = \"summary\") has none"))
	}
	if err := j.options.CLV.Validate(); err != nil {
		return nil, configErr(cfg, "model", err)
	}
	if j.options.TierColumn != "" {
		if err := j.options.Tiers.Validate(); err != nil {
			return nil, configErr(cfg, "tiers", err)
		}
	}
	reg := formula.Builtin()
	for i, f := range cfg.Formulas {
		c, err := formulaColumn(reg, f)
		if err != nil {
			return nil, configErr(cfg, fmt.Sprintf("formulas[%d]", i), err)
		}
		j.options.Columns = append(j.options.Columns, c)
	}
	if cfg.Segmentation.Map == "rules" {
		rules := make([]segment.Rule, len(cfg.Segmentation.Rules))
		for i, r := range cfg.Segmentation.Rules {
			rules[i] = segment.Rule{Segment: r.Segment, When: r.When}
		}
		m, err := segment.NewMap(rules, cfg.Segmentation.Default)
		if err != nil {
			return nil, configErr(cfg, "segmentation.rules", err)
		}
		j.options.Segments = m
	}
	// With plugins, their columns are known once they describe themselves:
	// loadPlugins checks the columns then.
	if len(cfg.Plugins) == 0 {
		if err := checkColumns(j.options, spend); err != nil {
			return nil, configErr(cfg, "formulas", err)
		}
	}
	guard, err := textenc.ParseGuard(cfg.Output.CSVFormulaGuard)
	if err != nil {
		return nil, configErr(cfg, "output.csv_formula_guard", err)
	}
	j.output = sink{Path: cfg.Resolve(cfg.Output.Path), Format: cfg.Output.Format, Precision: cfg.Output.Precision, Guard: guard}
	if _, err := j.output.format(); err != nil {
		return nil, configErr(cfg, "output.format", err)
	}
	return j, nil
}

// ruleErr turns an error from a row rule that does not compile into one
// naming the config file, the rule's key and its line; other errors pass.
func (j *job) ruleErr(err error) error {
	var re *summary.RuleError
	if !errors.As(err, &re) {
		return err
	}
	return configErr(j.cfg, "input."+re.Rule, fmt.Errorf("%w (over the columns of %s)", re.Err, j.input.displayName()))
}

// configErr names the config file, key and line in an error about a value.
func configErr(cfg *config.Config, key string, err error) error { return cfg.KeyError(key, err) }

// formulaColumn builds one [[formulas]] entry: a built-in formula with
// inputs bound to numbers or columns, or an expression over columns.
func formulaColumn(reg *formula.Registry, f config.Formula) (score.Columner, error) {
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

// checkColumns verifies, before any data is read, that every column a
// formula or rule reads exists by the time it runs.
func checkColumns(o score.Options, spend bool) error {
	have := []string{"frequency", "recency", "T", "monetary_value", "p_alive", "expected_purchases", "r", "f", "m"}
	if spend {
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

// customers reads the job's input as per-customer summaries: from a
// transaction log through core/summary, or from a precomputed summary
// (then lines[i] is the line, or Parquet row, customer i was read from).
func (j *job) customers(ctx context.Context, e *env, p *progress) (_ []summary.Customer, _ *summary.Summary, lines []int, _ error) {
	if j.cfg.Input.Kind == "transactions" {
		s, formats, err := summarizeSource(ctx, e, inputFlags{src: j.input, cols: j.cols}, j.time, p)
		if err != nil {
			return nil, nil, nil, j.ruleErr(err)
		}
		j.formats = &formats
		// The caller keeps the summary for its report only: drop the
		// customers from it, so that they (and the ids they point to) are
		// garbage once scored.
		customers := s.Customers
		s.Customers = nil
		// Summarizing peaks at several times the customers' size, and the
		// collector paces the next cycle on the heap it last saw live: start
		// scoring from a heap holding only the customers, so that scoring
		// does not grow the process to the summarizer's peak again.
		runtime.GC()
		return customers, &s, nil, nil
	}
	cs, lines, err := readSummary(e, j.input, j.cfg.Input.Columns)
	return cs, nil, lines, err
}

// checkRows reads the first rows of the job's input (src.MaxRows of them)
// the way a scoring run reads them, so that a mistake in a column, a date
// or an amount among them gives the error clv score would give. It
// returns the number of rows read.
func (j *job) checkRows(ctx context.Context, e *env, maxRows int) (int, error) {
	src := j.input
	src.MaxRows = maxRows
	if j.cfg.Input.Kind == "transactions" {
		b, err := summary.NewBuilder(j.time)
		if err != nil {
			return 0, configErr(j.cfg, "time", err)
		}
		if _, err := readTransactions(ctx, e, src, j.cols, b, nil); err != nil {
			return 0, err
		}
		return b.Rows(), nil
	}
	cs, _, err := readSummary(e, src, j.cfg.Input.Columns)
	return len(cs), err
}

// readSummary reads a precomputed per-customer summary, and the line (or
// Parquet row) of each customer, for errors about a customer.
func readSummary(e *env, src source, c config.Columns) ([]summary.Customer, []int, error) {
	f, err := src.format()
	if err != nil {
		return nil, nil, err
	}
	r, closeFn, _, err := src.open(e, nil)
	if err != nil {
		return nil, nil, err
	}
	defer closeFn()
	comma, _, err := src.comma()
	if err != nil {
		return nil, nil, err
	}
	tr, err := table.Open(r, src.displayName(), f, table.ReadOptions{Comma: comma})
	if err != nil {
		return nil, nil, err
	}
	idx, err := tr.Require(c.Customer, c.Frequency, c.Recency, c.T)
	if err != nil {
		return nil, nil, err
	}
	mi := tr.Index(c.Monetary)
	var out []summary.Customer
	var lines []int
	for src.MaxRows <= 0 || len(out) < src.MaxRows {
		row, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return out, lines, nil
		}
		if err != nil {
			return nil, nil, err
		}
		id, err := row.Text(idx[0])
		if err != nil {
			return nil, nil, err
		}
		cu := summary.Customer{ID: id}
		if cu.ID == "" {
			return nil, nil, row.Wrap(idx[0], errors.New("empty customer id"))
		}
		x, err := row.Float(idx[1])
		if err != nil {
			return nil, nil, err
		}
		if x < 0 || x != float64(int(x)) {
			return nil, nil, row.Wrap(idx[1], fmt.Errorf("frequency %v: want a whole number ≥ 0", x))
		}
		cu.Frequency = int(x)
		if cu.Recency, err = row.Float(idx[2]); err != nil {
			return nil, nil, err
		}
		if cu.T, err = row.Float(idx[3]); err != nil {
			return nil, nil, err
		}
		if mi >= 0 {
			if cu.Monetary, err = row.Float(mi); err != nil {
				return nil, nil, err
			}
		}
		out = append(out, cu)
		lines = append(lines, row.Line())
	}
	return out, lines, nil
}

// customerLine names the input file, and for a summary input the line of
// the customer an error is about (a *score.CustomerError), in front of a
// scoring error: "summary.csv:12: customer "17": ...". A customer of a
// transaction log has no one line: the file is named.
func customerLine(name string, customers []summary.Customer, lines []int, err error) error {
	var ce *score.CustomerError
	if lines != nil && errors.As(err, &ce) {
		for i, c := range customers {
			if c.ID == ce.ID {
				return fmt.Errorf("%s:%d: %w", name, lines[i], err)
			}
		}
	}
	return fmt.Errorf("%s: %w", name, err)
}
