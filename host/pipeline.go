package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"

	"github.com/clvkit/clvkit/core/model"
	"github.com/clvkit/clvkit/core/score"
	"github.com/clvkit/clvkit/core/segment"
	"github.com/clvkit/clvkit/core/settings"
	"github.com/clvkit/clvkit/core/summary"
	"github.com/clvkit/clvkit/host/internal/config"
	"github.com/clvkit/clvkit/host/internal/pgio"
	"github.com/clvkit/clvkit/host/internal/table"
	"github.com/clvkit/clvkit/internal/quote"
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
	models  []*modelFile    // model files read (model.load, model.load_spend)
	formats *inputFormats   // set by customers for a transaction log
	// covColumns are the covariate columns encoded from the attributes
	// (model.covariates_trans, covariates_life), set by customers.
	covColumns []model.EncodedColumn
	// db is the PostgreSQL input (input.url), nil for a file; dbRecord
	// what was read from it, set by customers.
	db       *dbInput
	dbRecord *databaseRecord
}

// prepare turns a config into a job. Every mistake is reported here, before
// reading data: formulas are compiled, rules parsed, units checked. The
// scoring settings become core options in core/settings (Options), as the
// page's do; prepare adds the files and plugins only the binary has.
func prepare(cfg *config.Config) (*job, error) {
	j := &job{cfg: cfg}
	in := cfg.Input
	j.input = source{Path: cfg.Resolve(in.Path), Format: in.Format, Delimiter: in.Delimiter,
		NoHeader: in.NoHeader, DateFormat: in.DateFormat, AmountFormat: in.AmountFormat, SkipBadRows: in.SkipBadRows,
		Rules: summary.RowRules{Where: in.Where, Amount: in.AmountExpr, IsReturn: in.IsReturn}}
	if in.URL != "" {
		// The rows arrive as CSV (COPY), named by the URL without its
		// password.
		j.db = &dbInput{URL: in.URL, Table: in.Table, Query: in.Query}
		j.input.Path, j.input.Format, j.input.Name = "", "csv", pgio.DisplayURL(in.URL)
	}
	j.cols = transactionColumns{Customer: in.Columns.Customer, Date: in.Columns.Date, Amount: in.Columns.Amount}
	st := cfg.Settings()
	var err error
	if j.time, j.options, err = st.Options(); err != nil {
		return nil, configErr(cfg, "", err)
	}
	if cfg.Input.Kind == "transactions" {
		var cols []string
		if j.attributesFromLog() {
			cols = j.attributeColumns()
		}
		if cfg.Attributes.Path == "" {
			// Covariates are attributes too: read from the log unless a
			// customer table ([attributes] path) gives them.
			for _, n := range j.options.CovariateNames.Attributes() {
				if !slices.Contains(cols, n) {
					cols = append(cols, n)
				}
			}
		}
		j.time.Attributes = cols
	}
	if err := j.loadModels(cfg); err != nil {
		return nil, err
	}
	if _, err := j.input.format(); err != nil {
		return nil, configErr(cfg, "input.format", err)
	}
	// With plugins, their columns are known once they describe themselves:
	// loadPlugins checks the columns then.
	if len(cfg.Plugins) == 0 {
		if err := settings.CheckColumns(j.options); err != nil {
			return nil, configErr(cfg, "formulas", err)
		}
	}
	if m := j.options.Segments; m != nil && len(m.TextColumns()) > 0 {
		// Name the first rule that compares a non-attribute with text.
		for i, r := range cfg.Segmentation.Rules {
			one, err := segment.NewMap([]segment.Rule{{Segment: r.Segment, When: r.When}}, "")
			if err != nil {
				continue
			}
			for _, name := range one.TextColumns() {
				if !slices.Contains(cfg.Attributes.Columns, name) {
					return nil, configErr(cfg, fmt.Sprintf("segmentation.rules[%d].when", i), fmt.Errorf("the rule compares %s with text, and it is not a customer attribute (attributes.columns: %s)", quote.Value(name), quote.List(cfg.Attributes.Columns)))
				}
			}
		}
	}
	guard, err := st.Guard()
	if err != nil {
		return nil, configErr(cfg, "", err)
	}
	j.output = sink{Path: cfg.Resolve(cfg.Output.Path), Format: cfg.Output.Format, Precision: cfg.Output.Precision, Guard: guard}
	if cfg.Output.URL != "" {
		j.output.Format = "csv" // the values the table is loaded with
	} else if _, err := j.output.format(); err != nil {
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

// customers reads the job's input as per-customer summaries: from a
// transaction log through core/summary, or from a precomputed summary
// (then lines[i] is the line, or Parquet row, customer i was read from).
func (j *job) customers(ctx context.Context, e *env, p *progress) (_ []summary.Customer, _ *summary.Summary, lines []int, _ error) {
	if j.db != nil {
		return j.customersFromDB(ctx, e, p)
	}
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
		if !j.options.CovariateNames.IsZero() {
			set := s.Attributes
			if j.cfg.Attributes.Path != "" {
				if set, _, err = j.customerAttributes(e, customers, &s); err != nil {
					return nil, nil, nil, err
				}
			}
			cov, cols, err := j.options.CovariateNames.Encode(set)
			if err != nil {
				return nil, nil, nil, configErr(j.cfg, "model.covariates_trans", err)
			}
			j.options.Covariates, j.covColumns = cov, cols
			j.options.FitCovariates = score.FitCovariateModel
		}
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
	// The slices are made with room for every line of the file: growing
	// a slice of 128-byte structs a million times (or gathering them in
	// blocks and copying them into one, with the garbage collector's
	// write barriers on every copied pointer) cost more than reading the
	// file.
	n := src.lineCountHint()
	if src.MaxRows > 0 {
		n = min(n, src.MaxRows)
	}
	out := make([]summary.Customer, 0, n)
	lines := make([]int, 0, n)
	for src.MaxRows <= 0 || len(out) < src.MaxRows {
		row, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
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
	if len(out) == 0 {
		return nil, nil, nil
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
