package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/clvkit/clvkit/core/attr"
	"github.com/clvkit/clvkit/core/compare"
	"github.com/clvkit/clvkit/core/score"
	"github.com/clvkit/clvkit/core/summary"
	"github.com/clvkit/clvkit/host/internal/atomicfile"
	"github.com/clvkit/clvkit/host/internal/config"
	"github.com/clvkit/clvkit/host/internal/pgio"
	"github.com/clvkit/clvkit/internal/quote"
	"github.com/clvkit/clvkit/internal/textenc"
)

func scoreCommand() command {
	return command{
		name:    "score",
		summary: "score every customer: P(alive), expected purchases, CLV, RFM, segment, tier (the main job)",
		usage: `Usage: clv score [--config FILE] [flags]

Without --config, clv score runs ./clv.toml (what clv init writes).

Reads the transactions (or a per-customer summary) named in the config, fits
the purchase and spend models, and writes one row per customer, sorted by
customer id. A purchase period is one time.grain: all of a customer's orders
in one period count as one purchase; values are after input.returns.
  customer_id         the id as written in the input
  frequency           repeat purchase periods (periods after the first)
  recency             first to last purchase period, in time.unit
  T                   first purchase period to the observation end, in time.unit
  monetary_value      mean value of the repeat purchase periods, the first
                      excluded (0 for one-time buyers)
  p_alive             probability the customer has not silently left. Under
                      bgnbd a customer who never bought again (frequency 0)
                      has p_alive 1 however long ago they bought: read it
                      with recency and T, or use paretonbd or mbgnbd
  expected_purchases  expected purchase periods over model.horizon_months
  expected_purchases_<span>
                      with model.purchase_horizon = "39 week" (say): the
                      expected purchase periods over that span, named
                      expected_purchases_39_week. A span is [count] unit,
                      unit day(s), week(s), month(s) (365.25/12 days), d, w,
                      m or Nd: "90 day", "6 month", "90d", "3 14d"
  expected_spend      expected value PER FUTURE PURCHASE period, not a total
                      (Gamma-Gamma; see spend_source)
  clv                 expected_spend x discounted expected purchases x
                      model.margin, over the horizon
  historic_plus_clv   only with output.historic_value = true: the margin to
                      date (revenue so far after returns x model.margin,
                      undiscounted) + clv
  r, f, m, rfm        RFM scores 1-5 (5 best) and their code: r by the time
                      since the last purchase, f by frequency, m by
                      rfm.monetary: average_order (default: value per
                      purchase period, the first included), repeat_mean
                      (monetary_value; always for a summary input) or total
  your [[formulas]] and plugin columns
  segment             the segment (default RFM map, your rules or a plugin)
  tier                the value tier, by quantile of tiers.column
  explanation         with output.explain = true, last: one sentence per
                      customer from their own numbers, e.g. "bought 6 times
                      in 40 weeks, last 2 weeks ago: very likely still
                      active (P 0.93); expected 3.1 purchases in 12 months
                      worth 240" (P(alive) >= 0.90 very likely still active,
                      >= 0.70 likely still active, >= 0.30 may have lapsed,
                      >= 0.10 likely lapsed, else very likely lapsed)
  spend_source        where expected_spend comes from:
                        gamma_gamma  the model: own mean repeat spend shrunk
                                     toward the population mean
                        population   no repeat purchase: the population mean
                        population_nonpositive  repeat purchases whose mean
                                     value is <= 0 (returns): left out of the
                                     fit, the population mean
                        own_mean     the fit could not be used (not
                                     converged, q <= 1, too few repeat
                                     buyers): own mean repeat spend; the
                                     population mean is then the average
                                     repeat purchase value of the others
expected_spend, clv and spend_source need model.spend = "gammagamma". When
the Gamma-Gamma fit cannot be used, the run still succeeds: the report says
why, and the manifest records it (spend.method = "own_mean").
In CSV output, label cells (segment, tier, plugin labels) that start with
= + - @ tab or CR get a leading ' so spreadsheets show them as text instead
of running them as formulas (output.csv_formula_guard; ids are left as
they are unless it is "all_text"; numbers are never changed).
Fit once, score many: --model-file FILE (model.load) scores with a purchase
model written by clv fit --out instead of fitting one (the file decides the
model; model.purchase is not used), --spend-model-file FILE
(model.load_spend) with a Gamma-Gamma model written by clv fit
--spend-out. The data's time.unit must be the purchase model's and
time.grain the models', or the run stops naming both. The manifest records
each model file's sha256 (model_files) and clv verify checks it.
Flags given override the config's keys, whatever their value (--precision 0
writes whole numbers). Numbers have a fixed precision; the same inputs and
config give byte-identical output on any machine. A manifest (JSON) is written beside
the output with the hashes and fitted parameters that clv verify checks.

The output and manifest are written whole or not at all, keep the mode of
the files they replace, and are locked against another clv run writing
them (it waits up to --lock-wait). An output that is one of the run's
inputs (config, transactions, a plugin) is refused before anything is read.

A short report (model fit, segment counts, top customers, total predicted
value) goes to stderr unless --quiet.

Examples:
  clv score                          # runs ./clv.toml
  clv score --config clv.toml
  clv score --config clv.toml --out - > scores.csv
  clv score --config clv.toml --input new_orders.csv --observation-end 2025-03-31
  clv fit --config clv.toml --out bgnbd.json --spend-out gammagamma.json
  clv score --config clv.toml --input new_orders.csv --model-file bgnbd.json --spend-model-file gammagamma.json

` + formatsHelp(),
		flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
			o := scoreFlags{}
			o.register(fs)
			return func(ctx context.Context, e *env, args []string) error {
				if len(args) > 0 {
					return fmt.Errorf("unexpected arguments %s", quote.List(args))
				}
				cfg, err := o.load(e)
				if err != nil {
					return err
				}
				j, err := prepare(cfg)
				if err != nil {
					return err
				}
				outputs, inputs := o.files(j)
				if err := guardOutputs(ctx, e, o.lockWait, outputs, inputs); err != nil {
					return err
				}
				closePlugins, err := j.loadPlugins(ctx, e)
				defer closePlugins()
				if err != nil {
					return err
				}
				// The header before the data, as clv validate checks it: a
				// missing column is named with its config line.
				if _, err := j.checkInput(e); err != nil {
					return err
				}
				// An output table that exists under if_exists = "fail"
				// stops the run before the data is read.
				if err := j.checkOutputTable(ctx); err != nil {
					return err
				}
				// CLV_SCORE_TIMING=1 prints where the time goes on stderr
				// (for BenchmarkScoreBGNBD1M): read, score (the fits and
				// every customer's columns), write.
				lap := newLapTimer(e, os.Getenv("CLV_SCORE_TIMING") != "")
				run, err := j.run(ctx, e, newProgress(e, o.quiet), lap)
				if err != nil {
					return err
				}
				if err := run.write(ctx, e); err != nil {
					return err
				}
				lap.mark("write")
				if !o.quiet {
					run.report(e.stderr)
				}
				return nil
			}
		},
	}
}

// scoreFlags are the flags of clv score; the ones given on the command line
// override the config, whatever their value.
type scoreFlags struct {
	fs                                         *flag.FlagSet
	config, input, out, format, observationEnd string
	guard                                      string
	modelFile, spendModelFile                  string
	precision                                  int
	quiet                                      bool
	lockWait                                   time.Duration
}

func (o *scoreFlags) register(fs *flag.FlagSet) {
	o.fs = fs
	fs.StringVar(&o.config, "config", "", "the clv.toml to run, - for stdin (default: ./clv.toml, when it exists)")
	fs.StringVar(&o.input, "input", "", "override input.path")
	fs.StringVar(&o.out, "out", "", "override output.path (- for stdout)")
	fs.StringVar(&o.format, "out-format", "", "override output.format: csv, jsonl or parquet")
	fs.StringVar(&o.observationEnd, "observation-end", "", "override time.observation_end (YYYY-MM-DD)")
	fs.IntVar(&o.precision, "precision", 0, fmt.Sprintf("override output.precision: decimals of every number, 0..17 (default: the config's output.precision, %d when it has none)", score.DefaultPrecision))
	fs.StringVar(&o.guard, "csv-formula-guard", "", "override output.csv_formula_guard: labels, all_text or off")
	fs.StringVar(&o.modelFile, "model-file", "", "override model.load: score with this purchase model file (clv fit --out) instead of fitting")
	fs.StringVar(&o.spendModelFile, "spend-model-file", "", "override model.load_spend: score with this Gamma-Gamma model file (clv fit --spend-out) instead of fitting")
	fs.BoolVar(&o.quiet, "quiet", false, "no progress bar or report on stderr")
	fs.DurationVar(&o.lockWait, "lock-wait", defaultLockWait, lockWaitUsage)
}

// files lists the files the job writes and reads, named as the user set
// them (flag or config key), for guardOutputs.
func (o *scoreFlags) files(j *job) (outputs, inputs []atomicfile.Named) {
	what := func(flagSet bool, flagName, key string) string {
		if flagSet {
			return flagName
		}
		return key
	}
	if j.output.Path != "" { // "": a database table (output.url)
		outputs = append(outputs, atomicfile.Named{What: what(o.out != "", "--out", "output.path"), Path: j.output.Path})
	}
	if m := j.manifestPath(); m != "" {
		outputs = append(outputs, atomicfile.Named{What: what(j.cfg.Output.Manifest != "", "output.manifest", "the manifest"), Path: m})
	}
	inputs = append(inputs,
		atomicfile.Named{What: "--config", Path: j.cfg.Name},
		atomicfile.Named{What: what(o.input != "", "--input", "input.path"), Path: j.input.Path})
	for i, p := range j.cfg.Plugins {
		inputs = append(inputs, atomicfile.Named{What: fmt.Sprintf("plugins[%d].path (plugin %s)", i, p.Name), Path: j.cfg.Resolve(p.Path)})
	}
	inputs = append(inputs, j.attributeFiles()...)
	for _, m := range j.models {
		if m.role == rolePurchase {
			inputs = append(inputs, atomicfile.Named{What: what(o.modelFile != "", "--model-file", "model.load"), Path: m.path})
		} else {
			inputs = append(inputs, atomicfile.Named{What: what(o.spendModelFile != "", "--spend-model-file", "model.load_spend"), Path: m.path})
		}
	}
	return outputs, inputs
}

// load reads the config and applies the flags given over it. A flag is
// applied when it is given, not when its value differs from a default, so
// --precision 0 means integers; a given flag's value is checked here, under
// the flag's name.
func (o *scoreFlags) load(e *env) (*config.Config, error) {
	if o.config == "" {
		path, err := defaultConfig()
		if err != nil {
			return nil, err
		}
		o.config = path
	}
	set := map[string]bool{}
	o.fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if err := emptyFlag(set, " to keep the config's", flagValue{"input", o.input}, flagValue{"out", o.out}, flagValue{"out-format", o.format},
		flagValue{"observation-end", o.observationEnd}, flagValue{"model-file", o.modelFile}, flagValue{"spend-model-file", o.spendModelFile}); err != nil {
		return nil, err
	}
	if set["precision"] {
		if err := score.CheckPrecision(o.precision); err != nil {
			return nil, fmt.Errorf("--precision %w", err)
		}
	}
	if set["csv-formula-guard"] {
		if _, err := textenc.ParseGuard(o.guard); err != nil {
			return nil, fmt.Errorf("--csv-formula-guard: %w", err)
		}
	}
	cfg, err := loadDataConfig(e, o.config, set, o.input, o.observationEnd, func(c *config.Config) {
		if set["out"] {
			c.Output.Path = o.out
		}
		if set["out-format"] {
			c.Output.Format = o.format
		}
		if set["precision"] {
			c.Output.Precision = o.precision
		}
		if set["csv-formula-guard"] {
			c.Output.CSVFormulaGuard = o.guard
		}
		if set["model-file"] {
			c.Model.Load = absPath(o.modelFile)
		}
		if set["spend-model-file"] {
			c.Model.LoadSpend = absPath(o.spendModelFile)
		}
	})
	if err != nil {
		return nil, err
	}
	// Flag paths are relative to the working directory, not the config.
	if set["out"] {
		cfg.Output.Path = absPath(o.out)
	}
	return cfg, nil
}

// defaultConfigName is the config a command runs without --config: the
// file clv init writes, in the working directory.
const defaultConfigName = "clv.toml"

// defaultConfig returns ./clv.toml when it exists, or an error saying that
// --config is needed.
func defaultConfig() (string, error) {
	st, err := os.Stat(defaultConfigName)
	switch {
	case err == nil && !st.IsDir():
		return defaultConfigName, nil
	case err == nil || errors.Is(err, fs.ErrNotExist):
		return "", errors.New("--config is required: there is no clv.toml in this folder (clv init writes a starter clv.toml)")
	}
	return "", fmt.Errorf("config: %w", err)
}

func absPath(p string) string {
	if p == "-" || filepath.IsAbs(p) {
		return p
	}
	a, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	return a
}

// loadConfig reads and parses a config file ("-" for stdin); override, if
// set, edits the text's values before validation.
func loadConfig(e *env, path string, override func(*config.Config)) (*config.Config, error) {
	var text []byte
	var err error
	if path == "-" {
		text, err = io.ReadAll(e.stdin)
	} else {
		text, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return config.ParseWith(path, text, override)
}

// loadDataConfig reads the config at path with the data flags given over
// it (set names the flags given): --input, relative to the working
// directory, and --observation-end; more, when not nil, applies a
// command's other flags.
func loadDataConfig(e *env, path string, set map[string]bool, input, observationEnd string, more func(*config.Config)) (*config.Config, error) {
	cfg, err := loadConfig(e, path, func(c *config.Config) {
		if set["input"] && pgio.IsURL(input) {
			c.Input.URL, c.Input.Path = input, ""
		} else if set["input"] {
			c.Input.Path, c.Input.URL = input, ""
		}
		if set["observation-end"] {
			c.Time.ObservationEnd = observationEnd
		}
		if more != nil {
			more(c)
		}
	})
	if err != nil {
		return nil, err
	}
	// A flag's path is relative to the working directory, not the config.
	if set["input"] && !pgio.IsURL(input) {
		cfg.Input.Path = absPath(input)
	}
	return cfg, nil
}

// scoring is a finished run: the scored customers and what the manifest
// records.
type scoring struct {
	job      *job
	result   *score.Result
	inputSum string           // sha256 of the input bytes
	cfgSum   string           // sha256 of the config file
	summary  *summary.Summary // nil for a precomputed summary input
	// choice is what purchase = "auto" chose (nil when the config names
	// the model); candidates every model's standing.
	choice     *compare.Choice
	candidates []compare.Candidate
	// With attributes: the customers as scored (summaries, in input
	// order), their attributes and acquisition costs (NaN: unknown;
	// nil without acquisition.cost_column), aligned with customers.
	customers  []summary.Customer
	attributes *attr.Set
	costs      []float64
}

func (j *job) run(ctx context.Context, e *env, p *progress, lap *lapTimer) (*scoring, error) {
	customers, s, lines, err := j.customers(ctx, e, p)
	if err != nil {
		return nil, err
	}
	lap.mark("read")
	run := &scoring{job: j, summary: s}
	if run.attributes, run.costs, err = j.customerAttributes(e, customers, s); err != nil {
		return nil, err
	}
	if run.attributes != nil {
		j.options.Attributes = run.attributes
		run.customers = customers
	}
	if j.options.Purchase == compare.Auto {
		if err := run.choose(customers, s); err != nil {
			return nil, customerLine(j.input.displayName(), customers, lines, err)
		}
	}
	res, err := score.Score(ctx, customers, j.options)
	if err != nil {
		return nil, customerLine(j.input.displayName(), customers, lines, err)
	}
	lap.mark("score")
	run.result = res
	if j.input.Path != "-" && j.db == nil {
		if run.inputSum, err = fileSHA256(j.input.Path); err != nil {
			return nil, err
		}
	}
	if j.cfg.Name != "-" {
		if run.cfgSum, err = fileSHA256(j.cfg.Name); err != nil {
			return nil, err
		}
	}
	return run, nil
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("hash %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// manifestPath is where the manifest goes: output.manifest, or the output
// path + ".manifest.json"; "" when the output is stdout, or another device
// or pipe written in place (/dev/stdout, a FIFO: there is no file to
// verify), and none is set.
func (j *job) manifestPath() string {
	if m := j.cfg.Output.Manifest; m != "" {
		return j.cfg.Resolve(m)
	}
	if j.cfg.Output.URL != "" || atomicfile.WritesInPlace(j.output.Path) {
		return ""
	}
	return j.output.Path + ".manifest.json"
}

// write writes the scores and the manifest together: both appear, or
// neither does. A file output is encoded straight into its temporary file
// and hashed on the way for the manifest: a million-customer output is not
// held in memory first. A table output is swapped in whole; the manifest
// follows it.
func (r *scoring) write(ctx context.Context, e *env) error {
	mpath := r.job.manifestPath()
	var table *tableRecord
	manifest := func(sum string) ([]byte, error) {
		m := r.manifest(mpath, sum)
		m.OutputTable = table
		man, err := json.MarshalIndent(m, "", "  ")
		if err != nil {
			return nil, &internalError{err}
		}
		return append(man, '\n'), nil
	}
	if r.job.cfg.Output.URL != "" {
		t, sum, err := r.writeTable(ctx)
		if err != nil {
			return err
		}
		if table = t; mpath == "" {
			return nil
		}
		man, err := manifest(sum)
		if err != nil {
			return err
		}
		return writeAtomic(e, mpath, func(w io.Writer) error { _, err := w.Write(man); return err })
	}
	if r.job.output.Path == "-" {
		// Standard output gets nothing unless the whole result encodes.
		var data bytes.Buffer
		if err := encodeResult(&data, r.result, r.job.output); err != nil {
			return err
		}
		if _, err := e.stdout.Write(data.Bytes()); err != nil {
			return err
		}
		if mpath != "" {
			man, err := manifest(sha256Hex(data.Bytes()))
			if err != nil {
				return err
			}
			return writeAtomic(e, mpath, func(w io.Writer) error { _, err := w.Write(man); return err })
		}
		return nil
	}
	g := e.files.NewGroup()
	defer g.Close()
	f, err := g.Create(r.job.output.Path, 0)
	if err != nil {
		return fmt.Errorf("output: %w", err)
	}
	h := sha256.New()
	ew := &errWriter{w: io.MultiWriter(f, h)}
	if err := encodeResult(ew, r.result, r.job.output); err != nil {
		if ew.err != nil {
			return fmt.Errorf("write %s: %w", r.job.output.Path, ew.err)
		}
		return err
	}
	if mpath != "" {
		man, err := manifest(hex.EncodeToString(h.Sum(nil)))
		if err != nil {
			return err
		}
		mf, err := g.Create(mpath, 0)
		if err != nil {
			return fmt.Errorf("manifest: %w", err)
		}
		if _, err := mf.Write(man); err != nil {
			return fmt.Errorf("write %s: %w", mpath, err)
		}
	}
	return g.Commit()
}

// lapTimer prints the time since its last mark on stderr, when on.
type lapTimer struct {
	e    *env
	on   bool
	last time.Time
}

func newLapTimer(e *env, on bool) *lapTimer { return &lapTimer{e: e, on: on, last: time.Now()} }

// mark prints what took the time since the last mark (nothing when off or
// nil).
func (l *lapTimer) mark(what string) {
	if l == nil || !l.on {
		return
	}
	fmt.Fprintf(l.e.stderr, "timing: %-7s %7.3fs\n", what, time.Since(l.last).Seconds())
	l.last = time.Now()
}

// errWriter remembers the first error of w, so that a failed write to the
// output is reported as one rather than as whatever the encoder made of it.
type errWriter struct {
	w   io.Writer
	err error
}

func (w *errWriter) Write(p []byte) (int, error) {
	n, err := w.w.Write(p)
	if err != nil && w.err == nil {
		w.err = err
	}
	return n, err
}

// report prints a readable summary of the run: model fit, segment counts,
// top customers and total predicted value.
func (r *scoring) report(w io.Writer) {
	res := r.result
	if rec := r.job.dbRecord; rec != nil && rec.SummaryInDatabase {
		fmt.Fprintf(w, "%s: table %s summarized in the database: %d customers read\n", r.job.input.displayName(), rec.Table, rec.Rows)
	} else if r.summary != nil {
		reportSummary(w, r.job.input.displayName(), *r.summary, *r.job.formats)
	}
	reportAttributes(w, r.attributes)
	fmt.Fprintf(w, "scored %d customers", len(res.IDs))
	if u := r.job.cfg.Output.URL; u != "" {
		fmt.Fprintf(w, " → table %s of %s", r.job.cfg.Output.Table, pgio.DisplayURL(u))
	} else if r.job.output.Path != "-" {
		fmt.Fprintf(w, " → %s", r.job.output.Path)
	}
	fmt.Fprintln(w)
	if r.choice != nil {
		reportChoice(w, *r.choice, r.candidates)
	}
	loaded := map[string]string{}
	for _, m := range r.job.models {
		loaded[m.role] = m.path
	}
	printParams(w, r.job.options.Purchase, res.PurchaseFit.Names, res.PurchaseFit.Params)
	if p, ok := loaded[rolePurchase]; ok {
		fmt.Fprintf(w, " (loaded from %s, not refitted; log-likelihood of these data %.2f)\n", p, res.PurchaseFit.LogLikelihood)
	} else {
		fmt.Fprintf(w, " (log-likelihood %.2f)\n", res.PurchaseFit.LogLikelihood)
	}
	if cf := res.CovariateFit; cf != nil {
		fmt.Fprintf(w, "covariates: every customer scored at their own; against the model without them (log-likelihood %.2f) %v\n", cf.Base.LogLikelihood, cf.LRT)
	}
	if r.job.options.Spend {
		est := res.SpendEstimate
		if est.Method == score.EstimateGammaGamma {
			printParams(w, "gammagamma", res.SpendFit.Names, res.SpendFit.Params)
			if p, ok := loaded[roleSpend]; ok {
				fmt.Fprintf(w, " (loaded from %s, not refitted)\n", p)
			} else {
				fmt.Fprintf(w, " (%d customers without repeat purchases", est.OneTime)
				if est.NonPositive > 0 {
					fmt.Fprintf(w, " and %d with a mean repeat spend ≤ 0", est.NonPositive)
				}
				fmt.Fprintln(w, " left out of the fit)")
			}
		} else {
			fmt.Fprintf(w, "gammagamma: not used (%s); expected_spend is the customers' own mean repeat spend (%s)\n", est.Fallback, est.Method)
		}
	}
	for _, warn := range res.Warnings {
		fmt.Fprintf(w, "warning: %s\n", warn)
	}
	for _, note := range res.Notes {
		fmt.Fprintf(w, "note: %s\n", note)
	}
	value := "expected_purchases"
	if c, ok := res.Column("clv"); ok {
		value = "clv"
		total := 0.0
		for _, v := range c.Floats {
			total += v
		}
		fmt.Fprintf(w, "total predicted value (clv, %d months): %.2f\n", r.job.options.CLV.Months, total)
	}
	if r.attributes != nil && r.job.options.Spend {
		for _, name := range r.attributes.Names {
			rep, err := r.groups([]string{name})
			if err != nil {
				fmt.Fprintf(w, "groups by %s: %v\n", name, err)
				continue
			}
			fmt.Fprintln(w)
			writeGroupsText(w, rep, r.groupSettings())
		}
	}
	if seg, ok := res.Column("segment"); ok {
		counts := map[string]int{}
		for _, l := range seg.Labels {
			counts[l]++
		}
		names := make([]string, 0, len(counts))
		for n := range counts {
			names = append(names, n)
		}
		sort.Slice(names, func(a, b int) bool {
			if counts[names[a]] != counts[names[b]] {
				return counts[names[a]] > counts[names[b]]
			}
			return names[a] < names[b]
		})
		fmt.Fprintln(w, "\nsegments:")
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, n := range names {
			fmt.Fprintf(tw, "  %s\t%d\t%.1f%%\n", n, counts[n], 100*float64(counts[n])/float64(len(res.IDs)))
		}
		tw.Flush()
	}
	c, _ := res.Column(value)
	pa, _ := res.Column("p_alive")
	order := make([]int, len(res.IDs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case c.Floats[a] > c.Floats[b]:
			return -1
		case c.Floats[a] < c.Floats[b]:
			return 1
		}
		return 0
	})
	fmt.Fprintf(w, "\ntop customers by %s:\n", value)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "customer\t%s\tp_alive\t\n", value)
	for _, i := range order[:min(5, len(order))] {
		fmt.Fprintf(tw, "%s\t%.2f\t%.3f\t\n", res.IDs[i], c.Floats[i], pa.Floats[i])
	}
	tw.Flush()
}

func printParams(w io.Writer, name string, names []string, params []float64) {
	fmt.Fprintf(w, "%s:", name)
	for i, n := range names {
		fmt.Fprintf(w, " %s=%.4f", n, params[i])
	}
}
