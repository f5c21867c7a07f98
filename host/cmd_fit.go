package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/clvkit/clvkit/core/compare"
	"github.com/clvkit/clvkit/core/model"
	"github.com/clvkit/clvkit/host/internal/atomicfile"
	"github.com/clvkit/clvkit/host/internal/table"
	"github.com/clvkit/clvkit/internal/quote"
)

// fitReport is what `clv fit --json` prints: one object, stable keys.
type fitReport struct {
	Model         string             `json:"model"`
	Params        map[string]float64 `json:"params"`
	StdErrors     map[string]float64 `json:"std_errors"`
	LogLikelihood float64            `json:"log_likelihood"`
	// PenalizedLogLikelihood is set only with a penalty.
	PenalizedLogLikelihood *float64 `json:"penalized_log_likelihood,omitempty"`
	Rows                   int      `json:"n_rows"`
	Customers              float64  `json:"n_customers"`
	Converged              bool     `json:"converged"`
	// Model-specific diagnostics.
	Excluded        *float64        `json:"excluded,omitempty"`
	Correlation     *float64        `json:"frequency_spend_correlation,omitempty"`
	Warning         string          `json:"warning,omitempty"`
	Histogram       []histogramBin  `json:"frequency_histogram,omitempty"`
	Survival        []survivalPoint `json:"survival,omitempty"`
	MedianLifetime  *float64        `json:"median_lifetime,omitempty"`
	MeanLifetime    *float64        `json:"expected_lifetime,omitempty"`
	MeanLifetimeMsg string          `json:"expected_lifetime_note,omitempty"`
	names           []string
	fit             model.Fit // the fit behind the report, for --out
	// rows says what a row of the fit is, for the header line: "" when
	// every row is one customer.
	rows string
	// holdout is set when the summary has holdout columns (clv summarize
	// --calibration-end): its frequencies are of the calibration period.
	holdout bool
	// Choice is what --model auto chose, candidates every model's standing.
	Choice     *choiceRecord `json:"model_choice,omitempty"`
	candidates []compare.Candidate
	// Covariates is set for a purchase model with covariates.
	Covariates *covariateReport `json:"covariates,omitempty"`
}

type histogramBin struct {
	Purchases string  `json:"purchases"`
	Actual    float64 `json:"actual"`
	Expected  float64 `json:"expected"`
}

type survivalPoint struct {
	Period int      `json:"period"`
	Actual *float64 `json:"actual,omitempty"`
	Fitted float64  `json:"fitted"`
}

func fitCommand() command {
	return command{
		name:    "fit",
		summary: "fit a CLV model to a customer summary and print its parameters and diagnostics",
		usage: `Usage: clv fit --model MODEL --input FILE [--out MODEL.json --unit UNIT] [flags]
       clv fit --config clv.toml [--out MODEL.json] [--spend-out SPEND.json]

Fits a model by maximum likelihood and prints its parameters with standard
errors, the log-likelihood (the total over customers, in the data's own time
unit) and diagnostics. Models:
  bgnbd       BG/NBD (Fader, Hardie & Lee 2005): r, alpha, a, b
  paretonbd   Pareto/NBD (Schmittlein, Morrison & Colombo 1987): r, alpha, s, beta
  mbgnbd      MBG/NBD (Batislam et al. 2007): r, alpha, a, b
  bgbb        BG/BB for discrete opportunities (Fader, Hardie & Shang 2010): alpha, beta, gamma, delta
  gammagamma  Gamma-Gamma spend (Fader, Hardie & Lee 2005): p, q, v
  sbg         shifted-beta-geometric retention (Fader & Hardie 2007): alpha, beta
  auto        the purchase model clv score's purchase = "auto" chooses, then its
              fit: the highest holdout log-likelihood when the summary has
              frequency_holdout and duration_holdout columns (clv summarize
              --calibration-end), else the highest log-likelihood (README:
              "Which model?")

The input is one row per customer (or per pattern, with --weights), such as
the output of clv summarize: CSV, JSON Lines or Parquet. A transaction log
(one row per order) is summarized first with clv summarize. For sbg, one
row per period with the number of customers still active at its start
(--alive).

Fit once, score many: --out writes the fitted model to a JSON file (format
clvkit-model, version 1): the model, its parameters (exact: the shortest
decimal text that reads back as the same float64), standard errors,
log-likelihood, the data it was fitted to (customers, rows, time unit,
grain, observation end) and the clvkit version. clv score --model-file
FILE (or model.load in clv.toml) scores with it instead of refitting; the
scoring data must be in the same time unit (and grain).

With --config, clv fit reads the config's input as clv score does
(transactions or summary, returns, rules, calibration_end), fits
model.purchase and, with model.spend = "gammagamma", the Gamma-Gamma
model on exactly the rows clv score would, and prints both. --out writes
the purchase model, --spend-out the Gamma-Gamma model (one file per model).
Scoring the same data with both files gives the same bytes as clv score
refitting. With --input instead, --out writes the one model fitted
(--model), and --unit (required) and --grain say the summary's time unit
and grain, which the summary file does not record.

Examples:
  clv fit --config clv.toml --out bgnbd.json --spend-out gammagamma.json
  clv score --config clv.toml --model-file bgnbd.json --spend-model-file gammagamma.json
  clv summarize --input orders.csv --amount amount --unit week \
      --observation-end 2024-12-31 --out summary.csv
  clv fit --model bgnbd --input summary.csv
  clv summarize --input orders.csv --amount amount --unit week \
      --calibration-end 1997-09-30 --observation-end 1998-06-30 --out holdout.csv
  clv fit --model auto --input holdout.csv
  clv fit --model gammagamma --input summary.csv --json
  clv fit --model bgbb --input donations.csv --weights weights --periods periods
  clv fit --model sbg --input survival.csv --alive regular_alive`,
		flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
			name := fs.String("model", "", "bgnbd, paretonbd, mbgnbd, bgbb, gammagamma, sbg, or auto: the purchase model clv score's purchase = \"auto\" would choose (required)")
			path := fs.String("input", "", "customer summary file (CSV, JSON Lines or Parquet), - for stdin (required)")
			format := fs.String("format", "", "input format: csv, jsonl or parquet (default: from the file name)")
			freq := fs.String("frequency", "frequency", "column of repeat purchases x")
			rec := fs.String("recency", "recency", "column of recency t_x")
			age := fs.String("T", "T", "column of age T (purchase models)")
			mon := fs.String("monetary", "monetary_value", "column of mean repeat spend (gammagamma)")
			weights := fs.String("weights", "", "column of row weights: customers per row (default: weights if present, else 1)")
			periods := fs.String("periods", "periods", "column of purchase opportunities n (bgbb)")
			alive := fs.String("alive", "alive", "column of customers active at the start of each period (sbg)")
			calPeriods := fs.Int("calibration-periods", 0, "sbg: fit on periods 0..N only and show the rest as holdout (default: all)")
			penalty := fs.Float64("penalty", 0, "L2 penalty on the parameters (lifetimes' penalizer_coef)")
			asJSON := fs.Bool("json", false, "print one JSON object instead of a table")
			cfgPath := fs.String("config", "", "fit the purchase and spend models of this clv.toml, on its input, as clv score would")
			out := fs.String("out", "", "write the fitted (purchase) model to this JSON file, for clv score --model-file")
			spendOut := fs.String("spend-out", "", "with --config: write the Gamma-Gamma model to this JSON file, for clv score --spend-model-file")
			unit := fs.String("unit", "", "with --input and --out: the summary's time unit (day, week, month or Nd), recorded in the model file")
			grain := fs.String("grain", "", "with --input and --out: the summary's grain (day, week or month), recorded in the model file (default: unknown)")
			covariates := fs.String("covariates", "", "bgnbd, paretonbd: comma-separated customer attributes that both the transaction and the lifetime process depend on: columns of the summary (--input), or of the transaction log (--config, over model.covariates_trans and covariates_life)")
			covPenalty := fs.Float64("covariate-penalty", 0, "with --input and --covariates: L2 penalty on the covariates' coefficients γ")
			lockWait := lockWaitFlag(fs)
			return func(ctx context.Context, e *env, args []string) error {
				if len(args) > 0 {
					return fmt.Errorf("unexpected arguments %s", quote.List(args))
				}
				set := map[string]bool{}
				fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
				var covNames []string
				if set["covariates"] {
					for _, n := range strings.Split(*covariates, ",") {
						if n = strings.TrimSpace(n); n == "" {
							return fmt.Errorf("--covariates %s: an empty attribute name", quote.Value(*covariates))
						}
						covNames = append(covNames, n)
					}
				}
				if err := emptyFlag(set, "", flagValue{"config", *cfgPath}, flagValue{"input", *path}, flagValue{"out", *out},
					flagValue{"spend-out", *spendOut}, flagValue{"unit", *unit}, flagValue{"grain", *grain}); err != nil {
					return err
				}
				if *cfgPath != "" {
					for _, f := range []string{"model", "format", "frequency", "recency", "T", "monetary", "weights", "periods", "alive", "calibration-periods", "penalty", "unit", "grain", "covariate-penalty"} {
						if set[f] {
							return fmt.Errorf("--%s is for fitting a summary file (--input without --config); with --config, clv.toml says it (model.purchase, model.penalty, time.unit, ...)", f)
						}
					}
					cf := configFit{config: *cfgPath, input: *path, out: *out, spendOut: *spendOut, asJSON: *asJSON, lockWait: *lockWait, covariates: covNames}
					return cf.run(ctx, e)
				}
				if set["covariate-penalty"] && covNames == nil {
					return errors.New("--covariate-penalty goes with --covariates")
				}
				if covNames != nil {
					switch {
					case *name != "bgnbd" && *name != "paretonbd":
						return fmt.Errorf("--covariates: --model %s has no covariate form (use bgnbd or paretonbd)", quote.Value(*name))
					case *out != "":
						return errors.New("--out: a model file holds a model without covariates; leave out --out or --covariates")
					case *path == "-":
						return errors.New("--covariates reads the summary twice (numbers, then the attribute columns): give a file, not - for stdin")
					}
				}
				if *spendOut != "" {
					return errors.New("--spend-out goes with --config; to write a Gamma-Gamma model fitted to a summary, use --model gammagamma --out FILE")
				}
				if *out == "" && (*unit != "" || *grain != "") {
					return errors.New("--unit and --grain are recorded in the model file: they go with --out")
				}
				if *name == "" || *path == "" {
					return errors.New("--model and --input are required (see clv fit --help)")
				}
				calSet := false
				fs.Visit(func(f *flag.Flag) { calSet = calSet || f.Name == "calibration-periods" })
				if calSet && *calPeriods < 1 {
					return fmt.Errorf("--calibration-periods %d: want at least 1 (leave the flag out to fit on all periods)", *calPeriods)
				}
				cols := fitColumns{freq: *freq, rec: *rec, age: *age, mon: *mon, weights: *weights, periods: *periods, alive: *alive, calPeriods: *calPeriods, covariates: covNames}
				src := source{Path: *path, Format: *format}
				if *out != "" {
					// Check before fitting: the output may not be the input.
					if err := atomicfile.CheckDistinct([]atomicfile.Named{{What: "--out", Path: absPath(*out)}}, []atomicfile.Named{{What: "--input", Path: *path}}); err != nil {
						return err
					}
					if *unit == "" {
						return errors.New("--out needs --unit: the time unit of recency and T in the summary (the --unit it was summarized with: day, week, month or Nd), so that clv score can check its data is in the same unit")
					}
					if *name == "sbg" {
						return errors.New("--out: sbg is a retention model; clv score loads purchase models (bgnbd, paretonbd, mbgnbd, bgbb) and gammagamma")
					}
				}
				fit := fitModel
				if *name == compare.Auto {
					fit = fitAuto
				}
				rep, err := fit(e, *name, src, cols, model.FitOptions{Penalty: *penalty, CovariatePenalty: *covPenalty})
				if err != nil {
					return err
				}
				if *out != "" {
					f, err := summaryFrozen(rep, *unit, *grain)
					if err != nil {
						return err
					}
					if err := writeModelFiles(ctx, e, *lockWait, []frozenOut{{what: "--out", path: absPath(*out), model: f}}, []atomicfile.Named{{What: "--input", Path: *path}}); err != nil {
						return err
					}
				}
				if *asJSON {
					enc := json.NewEncoder(e.stdout)
					enc.SetIndent("", "  ")
					return enc.Encode(rep)
				}
				printFit(e.stdout, rep)
				return nil
			}
		},
	}
}

type fitColumns struct {
	freq, rec, age, mon, weights, periods, alive string
	calPeriods                                   int
	// covariates are --covariates: attribute columns of the summary.
	covariates []string
}

// readColumns reads the named numeric columns of a table; optional names
// may be missing (their slice is nil). A transaction log given where a
// summary is wanted is an error that says to run clv summarize first.
func readColumns(e *env, src source, required, optional []string) (map[string][]float64, error) {
	var cols [][]float64
	names, err := scanColumns(e, src, required, optional, func(_ []string, vals []float64) error {
		if cols == nil {
			cols = make([][]float64, len(vals))
		}
		// One slice per column, appended to directly: a map look-up per
		// value cost more than parsing it on a million-row summary.
		for k, v := range vals {
			cols[k] = append(cols[k], v)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make(map[string][]float64, len(names))
	for k, name := range names {
		out[name] = cols[k]
	}
	return out, nil
}

// scanColumns reads the named numeric columns of a table row by row and
// calls visit with each row's values: the required columns in order, then
// those optional ones the table has, in order (names, which are also
// returned). vals is reused between calls. Errors are readColumns': a missing column
// (or a transaction log where a summary is wanted), a value that is not a
// finite number, or no data rows.
func scanColumns(e *env, src source, required, optional []string, visit func(names []string, vals []float64) error) ([]string, error) {
	f, err := src.format()
	if err != nil {
		return nil, err
	}
	r, closeFn, _, err := src.open(e, nil)
	if err != nil {
		return nil, err
	}
	defer closeFn()
	// Every field is parsed before the next row is read, so the reader may
	// reuse a row's memory.
	tr, err := table.Open(r, src.displayName(), f, table.ReadOptions{ReuseRow: true})
	if err != nil {
		return nil, err
	}
	idx, err := tr.Require(required...)
	if err != nil {
		if date, ok := transactionLog(tr.Columns(), required); ok {
			return nil, fmt.Errorf("%s looks like a transaction log (a %q column, no %s): clv fit reads one row per customer; "+
				"run clv summarize first, e.g.\n  clv summarize --input %s --date %s --unit week --observation-end YYYY-MM-DD --out summary.csv\n"+
				"then clv fit --input summary.csv", src.displayName(), date, strings.Join(required, ", "), src.displayName(), date)
		}
		return nil, err
	}
	names := append([]string(nil), required...)
	for _, o := range optional {
		if o == "" {
			continue
		}
		if i := tr.Index(o); i >= 0 {
			idx = append(idx, i)
			names = append(names, o)
		}
	}
	vals := make([]float64, len(idx))
	rows := 0
	for {
		row, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		for k, i := range idx {
			if vals[k], err = row.Float(i); err != nil {
				return nil, err
			}
		}
		if err := visit(names, vals); err != nil {
			return nil, err
		}
		rows++
	}
	if rows == 0 {
		return nil, fmt.Errorf("%s: no data rows", src.displayName())
	}
	return names, nil
}

// readRFT reads the frequency, recency and age columns (and the weight
// column, if any) of a summary for the purchase models and merges
// identical rows as it goes (model.Compressor), so a million-customer
// summary is never held row by row. Parsing and merging overlap: batches
// of parsed rows go to a second goroutine that adds them in the order
// read, so the result is what one goroutine would give. It returns the
// distinct rows, in model.Compress's order, and whether the table has a
// duration_holdout column. Rows are validated as model.ValidateRFT, the
// error naming the row's line as rowLine does.
func readRFT(e *env, src source, c fitColumns) (rows []model.RFT, holdout bool, err error) {
	required := []string{c.freq, c.rec, c.age}
	optional := []string{"weights", "duration_holdout"}
	if c.weights != "" {
		required = append(required, c.weights)
		optional = optional[1:]
	}
	const batchLen = 4096
	full := make(chan []model.RFT, 4)
	free := make(chan []model.RFT, 6)
	for range cap(free) {
		free <- make([]model.RFT, 0, batchLen)
	}
	merged := make(chan []model.RFT)
	go func() {
		var comp model.Compressor
		for b := range full {
			for _, r := range b {
				comp.Add(r)
			}
			free <- b[:0]
		}
		merged <- comp.Rows()
	}()
	batch := <-free
	one := make([]model.RFT, 1)
	n := 0
	names, err := scanColumns(e, src, required, optional, func(names []string, v []float64) error {
		one[0] = model.RFT{X: v[0], TX: v[1], T: v[2], Weight: 1}
		if len(v) > 3 && (c.weights != "" || names[3] == "weights") {
			one[0].Weight = v[3]
		}
		if err := model.ValidateRFT(one); err != nil {
			var re *model.RowError
			if errors.As(err, &re) {
				re.Row = n
			}
			return fmt.Errorf("%s: %w", src.displayName(), rowLine(err))
		}
		batch = append(batch, one[0])
		if len(batch) == batchLen {
			full <- batch
			batch = <-free
		}
		n++
		return nil
	})
	full <- batch
	close(full)
	rows = <-merged
	if err != nil {
		return nil, false, err
	}
	return rows, slices.Contains(names, "duration_holdout"), nil
}

// transactionLog reports whether a table with these columns is a
// transaction log rather than a summary: it has a date column and none of
// the summary columns the fit wants; date is that column's name.
func transactionLog(columns, want []string) (date string, ok bool) {
	for _, w := range want {
		if slices.Contains(columns, w) {
			return "", false
		}
	}
	for _, c := range columns {
		l := strings.ToLower(c)
		if strings.Contains(l, "date") || strings.Contains(l, "time") || l == "day" || strings.HasSuffix(l, "_at") {
			return c, true
		}
	}
	return "", false
}

func fitModel(e *env, name string, src source, c fitColumns, opt model.FitOptions) (*fitReport, error) {
	weightCol := c.weights
	optional := []string{"weights"}
	if weightCol != "" {
		optional = nil
	}
	weightsOf := func(d map[string][]float64, n int) []float64 {
		w := d[weightCol]
		if w == nil {
			w = d["weights"]
		}
		if w == nil {
			w = make([]float64, n)
			for i := range w {
				w[i] = 1
			}
		}
		return w
	}
	var required []string
	switch name {
	case "bgnbd", "paretonbd", "mbgnbd":
		required = []string{c.freq, c.rec, c.age}
	case "bgbb":
		required = []string{c.freq, c.rec, c.periods}
	case "gammagamma":
		required = []string{c.freq, c.mon}
	case "sbg":
	default:
		return nil, fmt.Errorf("--model %s: want bgnbd, paretonbd, mbgnbd, bgbb, gammagamma or sbg", quote.Value(name))
	}
	switch name {
	case "sbg":
		d, err := readColumns(e, src, []string{c.alive}, nil)
		if err != nil {
			return nil, err
		}
		return fitSBG(d[c.alive], c.calPeriods, opt)
	}
	if name != "gammagamma" {
		optional = append(optional, "duration_holdout")
	}
	if weightCol != "" {
		required = append(required, weightCol)
	}
	// CLV_FIT_TIMING=1 prints where the time goes on stderr (for
	// BenchmarkFitBGNBD1M): read, compress, fit with standard errors,
	// histogram.
	timing := os.Getenv("CLV_FIT_TIMING") != ""
	lap := time.Now()
	mark := func(what string) {
		if timing {
			fmt.Fprintf(e.stderr, "timing: %-9s %7.3fs\n", what, time.Since(lap).Seconds())
			lap = time.Now()
		}
	}
	rep := &fitReport{Model: name}
	var d map[string][]float64
	var rows []model.RFT
	var err error
	switch name {
	case "bgnbd", "paretonbd", "mbgnbd":
		if len(c.covariates) > 0 {
			// One row per customer, in file order, to go with the
			// attribute columns.
			if d, err = readColumns(e, src, required, optional); err != nil {
				return nil, err
			}
			w := weightsOf(d, len(d[required[0]]))
			rows = make([]model.RFT, len(w))
			for i := range rows {
				rows[i] = model.RFT{X: d[c.freq][i], TX: d[c.rec][i], T: d[c.age][i], Weight: w[i]}
			}
			if err := model.ValidateRFT(rows); err != nil {
				return nil, fmt.Errorf("%s: %w", src.displayName(), rowLine(err))
			}
			return fitSummaryCovariates(e, name, src, rows, c.covariates, opt)
		}
		// Read and compress in one pass: the distinct rows only.
		if rows, rep.holdout, err = readRFT(e, src, c); err != nil {
			return nil, err
		}
		mark("read+compress")
	default:
		if d, err = readColumns(e, src, required, optional); err != nil {
			return nil, err
		}
		mark("read")
		rep.holdout = d["duration_holdout"] != nil
	}
	switch name {
	case "bgnbd", "paretonbd", "mbgnbd":
		var m model.PurchaseModel
		var fit model.Fit
		switch name {
		case "bgnbd":
			m, fit, err = model.FitBGNBD(rows, opt)
		case "paretonbd":
			m, fit, err = model.FitParetoNBD(rows, opt)
		default:
			m, fit, err = model.FitMBGNBD(rows, opt)
		}
		if err != nil {
			return nil, err
		}
		mark("fit+SEs")
		if timing {
			fmt.Fprintf(e.stderr, "timing: %d distinct rows, %d log-likelihood evaluations\n", fit.Rows, fit.Evaluations)
		}
		rep.setFit(fit, opt)
		rep.rows = "distinct (frequency, recency, T) patterns"
		hist, err := model.FrequencyHistogram(m, rows, 7)
		if err != nil {
			return nil, err
		}
		mark("histogram")
		for _, b := range hist {
			label := strconv.Itoa(b.Purchases)
			if b.Open {
				label += "+"
			}
			rep.Histogram = append(rep.Histogram, histogramBin{Purchases: label, Actual: b.Actual, Expected: b.Expected})
		}
	case "bgbb":
		n := len(d[required[0]])
		w := weightsOf(d, n)
		rows := make([]model.BGBBRow, n)
		for i := range rows {
			rows[i] = model.BGBBRow{X: d[c.freq][i], TX: d[c.rec][i], N: d[c.periods][i], Weight: w[i]}
		}
		_, fit, err := model.FitBGBB(rows, opt)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", src.displayName(), rowLine(err))
		}
		rep.setFit(fit, opt)
		rep.rows = "rows, one per (frequency, recency, periods) pattern"
	case "gammagamma":
		n := len(d[required[0]])
		w := weightsOf(d, n)
		rows := make([]model.SpendRow, n)
		for i := range rows {
			rows[i] = model.SpendRow{Frequency: d[c.freq][i], MeanSpend: d[c.mon][i], Weight: w[i]}
		}
		_, fit, err := model.FitGammaGamma(rows, opt)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", src.displayName(), rowLine(err))
		}
		rep.setFit(fit.Fit, opt)
		rep.rows = "rows with repeat purchases"
		rep.Excluded, rep.Correlation, rep.Warning = &fit.Excluded, &fit.Correlation, fit.Warning
	}
	return rep, nil
}

// rowLine turns a model row error into a line of the input file (the
// header is line 1).
func rowLine(err error) error {
	var re *model.RowError
	if errors.As(err, &re) {
		return fmt.Errorf("line %d: %w", re.Row+2, err)
	}
	return err
}

func fitSBG(alive []float64, calPeriods int, opt model.FitOptions) (*fitReport, error) {
	cal := alive
	if calPeriods > 0 {
		if calPeriods >= len(alive) {
			return nil, fmt.Errorf("--calibration-periods %d: the data have periods 0..%d", calPeriods, len(alive)-1)
		}
		cal = alive[:calPeriods+1]
	}
	m, fit, err := model.FitSBG(cal, opt)
	if err != nil {
		return nil, err
	}
	rep := &fitReport{Model: "sbg"}
	rep.setFit(fit, opt)
	rep.rows = "periods"
	for t := 0; t < len(alive)+5; t++ {
		p := survivalPoint{Period: t, Fitted: alive[0] * m.Survival(t)}
		if t < len(alive) {
			a := alive[t]
			p.Actual = &a
		}
		rep.Survival = append(rep.Survival, p)
	}
	med := m.MedianLifetime()
	rep.MedianLifetime = &med
	if mean, err := m.ExpectedLifetime(); err != nil {
		rep.MeanLifetimeMsg = fmt.Sprintf("infinite: alpha = %.4g ≤ 1, so the mean lifetime does not exist (the median does)", m.Alpha)
	} else {
		rep.MeanLifetime = &mean
	}
	return rep, nil
}

func (r *fitReport) setFit(f model.Fit, opt model.FitOptions) {
	r.names, r.fit = f.Names, f
	r.Params, r.StdErrors = map[string]float64{}, map[string]float64{}
	for i, n := range f.Names {
		r.Params[n] = f.Params[i]
		se := f.StdErrors[i]
		if math.IsNaN(se) || math.IsInf(se, 0) {
			se = -1 // JSON has no NaN; -1 marks "not available"
		}
		r.StdErrors[n] = se
	}
	r.LogLikelihood, r.Rows, r.Customers, r.Converged = f.LogLikelihood, f.Rows, f.Customers, f.Converged
	if opt.Penalty > 0 {
		p := f.PenalizedLogLikelihood
		r.PenalizedLogLikelihood = &p
	}
}

// sizeLine says how many customers the fit saw, and in how many rows
// only when a row is not one customer, saying what a row is then.
func (r *fitReport) sizeLine() string {
	switch {
	case r.Model == "sbg":
		return fmt.Sprintf("a cohort of %g customers followed over %d %s", r.Customers, r.Rows, r.rows)
	case r.Model == "gammagamma" && r.Excluded != nil:
		return fmt.Sprintf("%g customers with repeat purchases (of %g)", r.Customers, r.Customers+*r.Excluded)
	case float64(r.Rows) == r.Customers || r.rows == "":
		return fmt.Sprintf("%g customers", r.Customers)
	}
	if r.Model == "bgbb" {
		return fmt.Sprintf("%g customers in %d %s", r.Customers, r.Rows, r.rows)
	}
	return fmt.Sprintf("%g customers (%d %s)", r.Customers, r.Rows, r.rows)
}

func printFit(w io.Writer, r *fitReport) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	if r.Choice != nil {
		reportChoice(w, compare.Choice{Model: r.Choice.Model, Criterion: r.Choice.Criterion, Value: r.Choice.Value, RunnerUp: r.Choice.RunnerUp, Margin: r.Choice.Margin}, r.candidates)
	}
	fmt.Fprintf(w, "model %s: %s, converged: %v\n\n", r.Model, r.sizeLine(), r.Converged)
	fmt.Fprintln(tw, "parameter\testimate\tstd. error\t")
	for _, n := range r.names {
		se := "n/a"
		if v := r.StdErrors[n]; v >= 0 {
			se = fmt.Sprintf("%.4f", v)
		}
		fmt.Fprintf(tw, "%s\t%.4f\t%s\t\n", n, r.Params[n], se)
	}
	tw.Flush()
	fmt.Fprintf(w, "\nlog-likelihood %.4f", r.LogLikelihood)
	if r.PenalizedLogLikelihood != nil {
		fmt.Fprintf(w, " (penalized %.4f)", *r.PenalizedLogLikelihood)
	}
	fmt.Fprintln(w)
	if r.Excluded != nil {
		fmt.Fprintf(w, "customers left out (no repeat purchase or no positive mean spend): %g\n", *r.Excluded)
		fmt.Fprintf(w, "correlation of frequency and mean spend: %.4f\n", *r.Correlation)
	}
	if r.Warning != "" {
		fmt.Fprintf(w, "warning: %s\n", r.Warning)
	}
	if r.Covariates != nil {
		printCovariates(w, r.Covariates)
	}
	if len(r.Histogram) > 0 {
		period := ""
		if r.holdout {
			period = " in the calibration period"
		}
		fmt.Fprintf(w, "\nrepeat purchases%s, customers actual vs expected:\n", period)
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "purchases\tactual\texpected\t")
		for _, b := range r.Histogram {
			fmt.Fprintf(tw, "%s\t%.0f\t%.1f\t\n", b.Purchases, b.Actual, b.Expected)
		}
		tw.Flush()
	}
	if len(r.Survival) > 0 {
		fmt.Fprintln(w, "\ncustomers active at the start of each period, actual vs fitted:")
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "period\tactual\tfitted\t")
		for _, p := range r.Survival {
			a := "–"
			if p.Actual != nil {
				a = strconv.FormatFloat(*p.Actual, 'f', -1, 64)
			}
			fmt.Fprintf(tw, "%d\t%s\t%.1f\t\n", p.Period, a, p.Fitted)
		}
		tw.Flush()
		fmt.Fprintf(w, "median lifetime: %.2f periods\n", *r.MedianLifetime)
		if r.MeanLifetime != nil {
			fmt.Fprintf(w, "expected lifetime: %.2f periods\n", *r.MeanLifetime)
		} else {
			fmt.Fprintf(w, "expected lifetime: %s\n", r.MeanLifetimeMsg)
		}
	}
}
