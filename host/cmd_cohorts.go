package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/clvkit/clvkit/core/score"
	"github.com/clvkit/clvkit/core/summary"
	"github.com/clvkit/clvkit/host/internal/atomicfile"
	"github.com/clvkit/clvkit/host/internal/table"
	"github.com/clvkit/clvkit/internal/quote"
	"github.com/clvkit/clvkit/internal/textenc"
)

func cohortsCommand() command {
	return command{
		name:    "cohorts",
		summary: "acquisition cohorts: retention and cumulative revenue per customer by month since acquisition",
		usage: `Usage: clv cohorts [--config FILE] [--period month|quarter] [--discount RATE] [--out FILE] [flags]

Without --config, clv cohorts reads the transaction log of ./clv.toml, with
its columns, formats, row rules and returns rule (input.*) and its
observation end; the config's model and output settings are not used.

Groups customers by the month (or quarter) of their first purchase and
writes one row per cohort and month since acquisition (long form, oldest
cohort first, then by month):
  cohort              2024-01 for a month, 2024-Q1 for a quarter
  cohort_start        the cohort's first day
  months_since        k: calendar months since each customer's first
                      purchase month (0 = the month they were acquired)
  customers           customers acquired in the cohort
  observed_customers  those whose month k had begun by the observation
                      end: all of them, except in a quarterly cohort's
                      last months for customers acquired late in the quarter
  active_customers    observed customers with a purchase in month k
  retention           active_customers / observed_customers (the
                      retention triangle; 1 in month 0)
  revenue             the cohort's value in month k, after input.returns
  revenue_per_customer           revenue / observed_customers
  cumulative_revenue_per_customer  sum of revenue_per_customer over months
                      0..k, month j divided by (1+d)^j with d the monthly
                      rate (1 + --discount)^(1/12) - 1, as clv score
                      discounts the CLV (no discounting by default)
  complete            1 if month k had ended by the observation end for
                      every observed customer; 0 for the month holding the
                      observation end (unless it is that month's last
                      day): its revenue and retention cover part of a month
Returns are applied as clv summarize and clv score apply them (a return
nets against the latest purchase periods before it), so a cohort's revenue
over all months is its customers' revenue in the summary; the acquisition
month is the first purchase left after returns. A time.calibration_end plays
no part: every transaction up to the observation end counts. Cells after
the observation end are not written; a month without a purchase is a row
of zeros; a month in which nobody was acquired has no cohort.

Examples:
  clv cohorts                        # the cohorts of ./clv.toml's data, as CSV on stdout
  clv cohorts --config clv.toml --period quarter --discount 0.1 --out cohorts.csv
  clv cohorts --config clv.toml --months 12 --out-format jsonl --out - > cohorts.jsonl
`,
		flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
			var o cohortFlags
			o.register(fs)
			return func(ctx context.Context, e *env, args []string) error {
				if len(args) > 0 {
					return fmt.Errorf("unexpected arguments %s", quote.List(args))
				}
				return o.run(ctx, e)
			}
		},
	}
}

// cohortFlags are the flags of clv cohorts.
type cohortFlags struct {
	fs                                         *flag.FlagSet
	config, input, observationEnd, out, format string
	period                                     string
	months                                     int
	discount                                   float64
	precision                                  int
	quiet                                      bool
	lockWait                                   time.Duration
}

func (o *cohortFlags) register(fs *flag.FlagSet) {
	o.fs = fs
	fs.StringVar(&o.config, "config", "", "the clv.toml whose input to read, - for stdin (default: ./clv.toml, when it exists)")
	fs.StringVar(&o.input, "input", "", "override input.path")
	fs.StringVar(&o.observationEnd, "observation-end", "", "override time.observation_end (YYYY-MM-DD)")
	fs.StringVar(&o.period, "period", "month", "acquisition period of a cohort: month or quarter (months since acquisition are counted in months either way)")
	fs.IntVar(&o.months, "months", 0, "write months since acquisition 0..N-1 only (0: every month up to the observation end)")
	fs.Float64Var(&o.discount, "discount", 0, "annual discount rate of cumulative_revenue_per_customer, a fraction (0.1 for 10 % a year), applied monthly")
	fs.StringVar(&o.out, "out", "-", "output file (.csv, .csv.gz, .jsonl, .parquet), - for stdout")
	fs.StringVar(&o.format, "out-format", "", "output format: csv, jsonl or parquet (default: from --out)")
	fs.IntVar(&o.precision, "precision", 0, fmt.Sprintf("decimals of every number, 0..17 (default: the config's output.precision, %d when it has none)", score.DefaultPrecision))
	fs.BoolVar(&o.quiet, "quiet", false, "no progress bar or report on stderr")
	fs.DurationVar(&o.lockWait, "lock-wait", defaultLockWait, lockWaitUsage)
}

func (o *cohortFlags) run(ctx context.Context, e *env) error {
	set := map[string]bool{}
	o.fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if err := emptyFlag(set, " for its default", flagValue{"config", o.config}, flagValue{"input", o.input}, flagValue{"observation-end", o.observationEnd},
		flagValue{"out", o.out}, flagValue{"out-format", o.format}, flagValue{"period", o.period}); err != nil {
		return err
	}
	period, err := summary.ParseCohortPeriod(o.period)
	if err != nil {
		return fmt.Errorf("--period: %w", err)
	}
	if o.months < 0 {
		return fmt.Errorf("--months %d: want 0 (every month) or more", o.months)
	}
	if err := score.CheckAnnualDiscountRate(o.discount); err != nil {
		return fmt.Errorf("--discount %w", err)
	}
	if set["precision"] {
		if err := score.CheckPrecision(o.precision); err != nil {
			return fmt.Errorf("--precision %w", err)
		}
	}
	if o.config == "" {
		if o.config, err = defaultConfig(); err != nil {
			return err
		}
	}
	cfg, err := loadDataConfig(e, o.config, set, o.input, o.observationEnd, nil)
	if err != nil {
		return err
	}
	if cfg.Input.Kind != "transactions" {
		return cfg.KeyError("input.kind", errors.New("clv cohorts reads a transaction log (one row per order); a per-customer summary has no purchase dates"))
	}
	j, err := prepare(cfg)
	if err != nil {
		return err
	}
	opt := j.time
	opt.CalibrationEnd = time.Time{} // cohorts count every transaction to the observation end
	precision := cfg.Output.Precision
	if set["precision"] {
		precision = o.precision
	}
	snk := sink{Path: o.out, Format: o.format, Precision: precision, Guard: textenc.GuardLabels}
	if _, err := snk.format(); err != nil {
		return err
	}
	inputWhat := "input.path"
	if set["input"] {
		inputWhat = "--input"
	}
	if err := guardOutputs(ctx, e, o.lockWait, []atomicfile.Named{{What: "--out", Path: o.out}},
		[]atomicfile.Named{{What: "--config", Path: cfg.Name}, {What: inputWhat, Path: j.input.Path}}); err != nil {
		return err
	}
	b, err := summary.NewBuilder(opt)
	if err != nil {
		return configErr(cfg, "time", err)
	}
	formats, err := readTransactions(ctx, e, j.input, j.cols, b, newProgress(e, o.quiet))
	if err != nil {
		return j.ruleErr(err)
	}
	name := j.input.displayName()
	cohorts, err := b.Cohorts(summary.CohortOptions{Period: period, Months: o.months, AnnualDiscountRate: o.discount})
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if len(cohorts) == 0 {
		return fmt.Errorf("%s: no customers with a purchase on or before %s", name, opt.ObservationEnd.Format(time.DateOnly))
	}
	if err := writeAtomic(e, snk.Path, func(w io.Writer) error { return writeCohorts(w, cohorts, snk) }); err != nil {
		return err
	}
	if !o.quiet {
		s, err := b.Summary()
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		reportSummary(e.stderr, name, s, formats)
		reportCohorts(e.stderr, cohorts, opt.ObservationEnd)
	}
	return nil
}

// writeCohorts writes the cohort table in long form (summary.CohortColumns):
// one row per cohort and month since acquisition, oldest cohort first.
func writeCohorts(w io.Writer, cohorts []summary.Cohort, snk sink) error {
	f, err := snk.format()
	if err != nil {
		return err
	}
	names := summary.CohortColumns()
	kinds := []table.Kind{table.String, table.String, table.Int, table.Int, table.Int, table.Int,
		table.Float, table.Float, table.Float, table.Float, table.Int}
	cols := make([]table.Column, len(names))
	for i, n := range names {
		cols[i] = table.Column{Name: n, Kind: kinds[i], Precision: snk.Precision}
	}
	tw, err := table.Create(w, f, cols, snk.writeOptions())
	if err != nil {
		return err
	}
	row := make([]table.Value, len(cols))
	for _, r := range summary.CohortRecords(cohorts) {
		complete := int64(0)
		if r.Complete {
			complete = 1
		}
		row[0] = table.StringValue(r.Cohort)
		row[1] = table.StringValue(r.Start)
		row[2] = table.IntValue(int64(r.MonthsSince))
		row[3] = table.IntValue(int64(r.Customers))
		row[4] = table.IntValue(int64(r.Observed))
		row[5] = table.IntValue(int64(r.Active))
		row[6] = table.FloatValue(r.Retention)
		row[7] = table.FloatValue(r.Revenue)
		row[8] = table.FloatValue(r.RevenuePerCustomer)
		row[9] = table.FloatValue(r.Cumulative)
		row[10] = table.IntValue(complete)
		if err := tw.WriteRow(row); err != nil {
			return fmt.Errorf("cohort %s, month %d: %w", r.Cohort, r.MonthsSince, err)
		}
	}
	return tw.Close()
}

// reportCohorts says on stderr how many cohorts were written and which
// month is incomplete.
func reportCohorts(w io.Writer, cohorts []summary.Cohort, end time.Time) {
	rows := 0
	for _, c := range cohorts {
		rows += len(c.Months)
	}
	span := cohorts[0].Label()
	if len(cohorts) > 1 {
		span += " to " + cohorts[len(cohorts)-1].Label()
	}
	fmt.Fprintf(w, "%s by %s of acquisition, %s (%s)\n", plural(len(cohorts), "cohort"), cohorts[0].Period, plural(rows, "row"), span)
	if end.AddDate(0, 0, 1).Month() == end.Month() {
		fmt.Fprintf(w, "%s is incomplete (observation end %s): its cells have complete = 0\n", end.Format("2006-01"), end.Format(time.DateOnly))
	}
}
