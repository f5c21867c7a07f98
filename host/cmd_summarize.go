package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/clvkit/clvkit/core/score"
	"github.com/clvkit/clvkit/core/summary"
	"github.com/clvkit/clvkit/host/internal/atomicfile"
	"github.com/clvkit/clvkit/host/internal/pgio"
	"github.com/clvkit/clvkit/host/internal/table"
	"github.com/clvkit/clvkit/internal/quote"
	"github.com/clvkit/clvkit/internal/textenc"
)

// timeFlags are the grain, unit and period flags shared by summarize and
// score.
type timeFlags struct {
	grain, unit, calibrationEnd, observationEnd string
}

func (t *timeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&t.grain, "grain", "day", "what counts as one purchase period: day, week (ISO, from Monday) or month")
	fs.StringVar(&t.unit, "unit", "", "unit of recency and T: day, week, month or Nd (N days); required")
	fs.StringVar(&t.calibrationEnd, "calibration-end", "", "last day of the calibration period (YYYY-MM-DD); adds holdout columns")
	fs.StringVar(&t.observationEnd, "observation-end", "", "last day of the data (YYYY-MM-DD, inclusive); required")
}

func (t timeFlags) options(skipBad bool) (summary.Options, error) {
	var o summary.Options
	var err error
	if o.Grain, err = summary.ParseGrain(t.grain); err != nil {
		return o, fmt.Errorf("--grain: %w", err)
	}
	if t.unit == "" {
		return o, fmt.Errorf("--unit is required: day, week, month or Nd (the unit of recency and T)")
	}
	if o.Unit, err = summary.ParseUnit(t.unit); err != nil {
		return o, fmt.Errorf("--unit: %w", err)
	}
	if t.observationEnd == "" {
		return o, fmt.Errorf("--observation-end is required: the last day of the data (YYYY-MM-DD); there is no implicit today, so runs reproduce")
	}
	if o.ObservationEnd, err = parseDay("--observation-end", t.observationEnd); err != nil {
		return o, err
	}
	if o.CalibrationEnd, err = parseDay("--calibration-end", t.calibrationEnd); err != nil {
		return o, err
	}
	o.SkipBadRows = skipBad
	return o, nil
}

// inputFlags are the transaction-file flags shared by commands.
type inputFlags struct {
	src  source
	cols transactionColumns
}

func (in *inputFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&in.src.Path, "input", "", "transaction log: CSV (also .gz), JSON Lines or Parquet; - for stdin")
	fs.StringVar(&in.src.Format, "format", "", "input format: csv, jsonl or parquet (default: from the file name)")
	fs.StringVar(&in.src.Delimiter, "delimiter", ",", `CSV delimiter: ",", ";", "\t", "|" or "whitespace" (runs of spaces)`)
	fs.BoolVar(&in.src.NoHeader, "no-header", false, "the CSV has no header row; name columns by 1-based position")
	fs.StringVar(&in.src.DateFormat, "date-format", "YYYY-MM-DD", "date format: auto (detect from the first lines), YYYY-MM-DD, YYYYMMDD, ISO8601, RFC3339, unix, tokens such as DD/MM/YYYY or \"M/D/YYYY H:mm\" (see Date formats below), or a Go layout")
	fs.StringVar(&in.src.AmountFormat, "amount-format", "auto", "amount format: auto (plain unless the first lines need another), plain, \"1,234.56\", \"1.234,56\" or \"1 234,56\"; all but plain accept currency symbols or codes and negatives as -1, (1) or 1-")
	fs.BoolVar(&in.src.SkipBadRows, "skip-bad-rows", false, "skip rows that cannot be read and report how many, instead of stopping")
	fs.StringVar(&in.cols.Customer, "customer", "customer_id", "customer id column (name, or position with --no-header)")
	fs.StringVar(&in.cols.Date, "date", "date", "order date column")
	fs.StringVar(&in.cols.Amount, "amount", "", "order value column (optional; needed for monetary_value)")
	fs.StringVar(&in.src.Rules.Where, "where", "", `keep only rows for which this condition holds, e.g. 'Country == "United Kingdom"'`)
	fs.StringVar(&in.src.Rules.Amount, "amount-expr", "", `compute the order value from columns instead of --amount, e.g. "Quantity * UnitPrice"`)
	fs.StringVar(&in.src.Rules.IsReturn, "is-return", "", `mark rows as returns (they refund |amount|), e.g. 'starts_with(InvoiceNo, "C")'`)
}

func summarizeCommand() command {
	return command{
		name:    "summarize",
		summary: "turn a transaction log into one row per customer (frequency, recency, T, monetary value)",
		usage: `Usage: clv summarize --input FILE --unit UNIT --observation-end DATE [flags]

Reads a transaction log (one row per order) and writes, per customer, in the
convention of lifetimes, BTYD and CLVTools:
  frequency       repeat purchase periods (distinct periods with a purchase, minus one)
  recency         time from the first to the last purchase period, in --unit
  T               time from the first purchase to the observation end, in --unit
  monetary_value  mean value of the repeat purchase periods (first excluded)
With --calibration-end, also frequency_holdout, monetary_value_holdout and
duration_holdout for the time after it. Customers who first bought after the
calibration end are left out and counted on stderr.

Examples:
  clv summarize --input orders.csv --customer customer_id --date date \
      --amount amount --unit week --observation-end 2024-12-31
  # the CDNOW sample: no header, columns separated by runs of spaces
  clv summarize --input CDNOW_sample.txt --delimiter whitespace --no-header \
      --customer 2 --date 3 --amount 5 --date-format YYYYMMDD \
      --unit week --observation-end 1997-09-30 --out cdnow_summary.csv
  # a line-item export (UCI Online Retail): amounts computed, cancellations
  # marked as returns, one country, guest checkouts left out
  clv summarize --input online_retail.csv --customer CustomerID --date InvoiceDate \
      --date-format "1/2/2006 15:04" --amount-expr "Quantity * UnitPrice" \
      --is-return 'starts_with(InvoiceNo, "C")' --where 'Country == "United Kingdom"' \
      --missing-customer skip --unit week --observation-end 2011-12-09


  # a PostgreSQL table, summarized in the database (only the summary's
  # rows are read; the password from the URL, PGPASSWORD or ~/.pgpass)
  clv summarize --input postgres://clv@localhost/shop --table orders \
      --customer customer_id --date order_date --amount total \
      --unit week --observation-end 2024-12-31 --out summary.csv

  # an export with dates like 12/1/2010 8:26 and amounts like "$1,234.50"
  clv summarize --input orders.csv --customer CustomerID --date InvoiceDate \
      --amount Total --date-format "M/D/YYYY H:mm" --amount-format auto \
      --unit week --observation-end 2011-12-09

` + formatsHelp(),
		flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
			var in inputFlags
			var tf timeFlags
			in.register(fs)
			tf.register(fs)
			out := fs.String("out", "-", "output file (.csv, .csv.gz, .jsonl, .parquet), - for stdout; a device or pipe is written in place, as CSV unless --out-format")
			outFormat := fs.String("out-format", "", "output format: csv, jsonl or parquet (default: from --out)")
			missing := fs.String("missing-customer", "error", "rows without a customer id: error (stop at the first) or skip (leave them out, counted)")
			returns := fs.String("returns", "net", "what a return (a negative amount) does: net (refund the latest purchase periods before it), drop (ignore it) or purchase (an ordinary row, as lifetimes)")
			precision := fs.Int("precision", 6, "decimals of recency, T and monetary values")
			guard := fs.String("csv-formula-guard", textenc.GuardLabels.String(), "CSV cells starting with = + - @ tab or CR get a leading ': labels (none here), all_text (customer ids too) or off")
			quiet := fs.Bool("quiet", false, "no progress bar or report on stderr")
			lockWait := lockWaitFlag(fs)
			tableName := fs.String("table", "", "with --input postgres://…: the transaction table (name or schema.name), summarized in the database")
			timeZone := fs.String("time-zone", "", "with --input postgres://…: the zone in which a timestamp-with-zone date column's date is taken, e.g. Europe/Berlin")
			return func(ctx context.Context, e *env, args []string) error {
				if len(args) > 0 {
					return fmt.Errorf("unexpected arguments %s", quote.List(args))
				}
				if in.src.Path == "" {
					return fmt.Errorf("--input is required (a file, - for stdin, or a postgres:// URL with --table)")
				}
				db := pgio.IsURL(in.src.Path)
				switch {
				case db && *tableName == "":
					return fmt.Errorf("--table is required with --input %s: the transaction table to summarize in the database", pgio.DisplayURL(in.src.Path))
				case !db && (*tableName != "" || *timeZone != ""):
					return fmt.Errorf("--table and --time-zone are for a database (--input postgres://…)")
				}
				// A flag given empty is a mistake, not a request for its
				// default (--amount "" is the same as no amount column).
				var empty error
				fs.Visit(func(f *flag.Flag) {
					if g, ok := f.Value.(flag.Getter); ok && empty == nil && g.Get() == "" && f.Name != "amount" && f.Name != "where" && f.Name != "amount-expr" && f.Name != "is-return" {
						empty = fmt.Errorf("--%s is empty: give a value, or leave the flag out for its default", f.Name)
					}
				})
				if empty != nil {
					return empty
				}
				if err := score.CheckPrecision(*precision); err != nil {
					return fmt.Errorf("--precision %w", err)
				}
				g, err := textenc.ParseGuard(*guard)
				if err != nil {
					return fmt.Errorf("--csv-formula-guard: %w", err)
				}
				o, err := tf.options(in.src.SkipBadRows)
				if err != nil {
					return err
				}
				if o.Returns, err = summary.ParseReturns(*returns); err != nil {
					return fmt.Errorf("--returns: %w", err)
				}
				switch *missing {
				case "error":
				case "skip":
					o.SkipMissingCustomer = true
				default:
					return fmt.Errorf("--missing-customer %s: want error or skip", quote.Value(*missing))
				}
				if key, err := checkFormats(in.src.DateFormat, in.src.AmountFormat); err != nil {
					return fmt.Errorf("--%s: %w", strings.ReplaceAll(key, "_", "-"), err)
				}
				if err := guardOutputs(ctx, e, *lockWait, []atomicfile.Named{{What: "--out", Path: *out}},
					[]atomicfile.Named{{What: "--input", Path: in.src.Path}}); err != nil {
					return err
				}
				var s summary.Summary
				var formats inputFormats
				snk := sink{Path: *out, Format: *outFormat, Precision: *precision, Guard: g}
				if db {
					s, err = summarizeInDatabase(ctx, in, *tableName, *timeZone, o)
					if err == nil && !*quiet {
						fmt.Fprintf(e.stderr, "%s: table %s summarized in the database: %d customers\n", pgio.DisplayURL(in.src.Path), *tableName, len(s.Customers))
					}
					if err != nil {
						return err
					}
					if err := writeAtomic(e, snk.Path, func(w io.Writer) error { return writeSummary(w, s, snk) }); err != nil {
						return err
					}
				} else {
					var b *summary.Builder
					if b, formats, err = readSource(ctx, e, in, o, newProgress(e, *quiet)); err != nil {
						return err
					}
					if s, err = writeSummaryOf(e, b, in.src.displayName(), o, snk); err != nil {
						return err
					}
				}
				if !*quiet && !db {
					reportSummary(e.stderr, in.src.displayName(), s, formats)
				}
				return nil
			}
		},
	}
}

// summarizeSource reads a transaction log into a summary, and returns the
// date and amount formats it was read with.
func summarizeSource(ctx context.Context, e *env, in inputFlags, o summary.Options, p *progress) (summary.Summary, inputFormats, error) {
	b, formats, err := readSource(ctx, e, in, o, p)
	if err != nil {
		return summary.Summary{}, formats, err
	}
	s, err := b.Summary()
	if err != nil {
		return s, formats, fmt.Errorf("%s: %w", in.src.displayName(), err)
	}
	if len(s.Customers) == 0 {
		return s, formats, noCustomers(in.src.displayName(), o)
	}
	return s, formats, nil
}

// readSource reads a transaction log into a new Builder, and returns the
// date and amount formats it was read with.
func readSource(ctx context.Context, e *env, in inputFlags, o summary.Options, p *progress) (*summary.Builder, inputFormats, error) {
	b, err := summary.NewBuilder(o)
	if err != nil {
		return nil, inputFormats{}, err
	}
	formats, err := readTransactions(ctx, e, in.src, in.cols, b, p)
	if err != nil {
		return nil, formats, err
	}
	return b, formats, nil
}

func noCustomers(name string, o summary.Options) error {
	return fmt.Errorf("%s: no customers with a purchase on or before %s", name, o.ObservationEnd.Format(time.DateOnly))
}

// writeSummaryOf writes the summary of b (read from the input called name)
// to snk.Path and returns it without its Customers. Written through a
// temporary file, which a failure leaves unpublished, the rows are
// written as the summary makes them (Builder.EachCustomer), so that its
// customers are never all in memory (a million customers: 150 MB less,
// and as many fewer pages for the system to hand out); standard output
// and outputs written in place get the whole summary first, so that an
// error leaves them untouched.
func writeSummaryOf(e *env, b *summary.Builder, name string, o summary.Options, snk sink) (summary.Summary, error) {
	whole := func() (summary.Summary, error) {
		s, err := b.Summary()
		if err != nil {
			return s, fmt.Errorf("%s: %w", name, err)
		}
		if len(s.Customers) == 0 {
			return s, noCustomers(name, o)
		}
		return s, nil
	}
	if snk.Path == "-" {
		s, err := whole()
		if err != nil {
			return s, err
		}
		return s, writeAtomic(e, snk.Path, func(w io.Writer) error { return writeSummary(w, s, snk) })
	}
	f, err := e.files.Create(snk.Path, 0)
	if err != nil {
		return summary.Summary{}, fmt.Errorf("output: %w", err)
	}
	defer f.Close()
	if f.TempName() == "" { // written in place
		s, err := whole()
		if err != nil {
			return s, err
		}
		if err := writeSummary(f, s, snk); err != nil {
			return s, err
		}
		return s, f.Commit()
	}
	var sw *summaryWriter
	var werr error // the writer's, apart from the summary's
	s, err := b.EachCustomer(func(head *summary.Summary, c *summary.Customer) error {
		if sw == nil {
			if sw, werr = newSummaryWriter(f, head, snk); werr != nil {
				return werr
			}
		}
		werr = sw.write(c)
		return werr
	})
	switch {
	case werr != nil:
		return s, werr
	case err != nil:
		return s, fmt.Errorf("%s: %w", name, err)
	case s.Report.Customers == 0:
		return s, noCustomers(name, o)
	}
	if err := sw.close(); err != nil {
		return s, err
	}
	return s, f.Commit()
}

func writeSummary(w io.Writer, s summary.Summary, snk sink) error {
	sw, err := newSummaryWriter(w, &s, snk)
	if err != nil {
		return err
	}
	for i := range s.Customers {
		if err := sw.write(&s.Customers[i]); err != nil {
			return err
		}
	}
	return sw.close()
}

// summaryWriter writes a summary's rows in the output format.
type summaryWriter struct {
	tw         *table.Writer
	row        []table.Value
	hasHoldout bool
	duration   float64 // DurationHoldout
}

// newSummaryWriter starts writing the rows of a summary with s's settings
// (HasHoldout, DurationHoldout) to w.
func newSummaryWriter(w io.Writer, s *summary.Summary, snk sink) (*summaryWriter, error) {
	f, err := snk.format()
	if err != nil {
		return nil, err
	}
	cols := []table.Column{
		{Name: "customer_id", Kind: table.String, ID: true},
		{Name: "frequency", Kind: table.Int},
		{Name: "recency", Kind: table.Float, Precision: snk.Precision},
		{Name: "T", Kind: table.Float, Precision: snk.Precision},
		{Name: "monetary_value", Kind: table.Float, Precision: snk.Precision},
	}
	if s.HasHoldout {
		cols = append(cols,
			table.Column{Name: "frequency_holdout", Kind: table.Int},
			table.Column{Name: "monetary_value_holdout", Kind: table.Float, Precision: snk.Precision},
			table.Column{Name: "duration_holdout", Kind: table.Float, Precision: snk.Precision})
	}
	tw, err := table.Create(w, f, cols, snk.writeOptions())
	if err != nil {
		return nil, err
	}
	return &summaryWriter{tw: tw, row: make([]table.Value, len(cols)), hasHoldout: s.HasHoldout, duration: s.DurationHoldout}, nil
}

// write writes c's row.
func (sw *summaryWriter) write(c *summary.Customer) error {
	row := sw.row
	row[0] = table.StringValue(c.ID)
	row[1] = table.IntValue(int64(c.Frequency))
	row[2] = table.FloatValue(c.Recency)
	row[3] = table.FloatValue(c.T)
	row[4] = table.FloatValue(c.Monetary)
	if sw.hasHoldout {
		row[5] = table.IntValue(int64(c.FrequencyHoldout))
		row[6] = table.FloatValue(c.MonetaryHoldout)
		row[7] = table.FloatValue(sw.duration)
	}
	if err := sw.tw.WriteRow(row); err != nil {
		return fmt.Errorf("customer %s: %w", quote.Value(c.ID), err)
	}
	return nil
}

// close writes what remains.
func (sw *summaryWriter) close() error { return sw.tw.Close() }

// reportSummary tells what happened to the input, on stderr, and which
// formats were detected.
func reportSummary(w io.Writer, name string, s summary.Summary, f inputFormats) {
	f.report(w)
	r := s.Report
	fmt.Fprintf(w, "%s: %d rows, %d transactions kept, %d customers", name, r.Rows, r.Transactions, r.Customers)
	if r.AfterObservationEnd > 0 {
		fmt.Fprintf(w, "; %d transactions after the observation end left out", r.AfterObservationEnd)
	}
	if r.NewInHoldout > 0 {
		fmt.Fprintf(w, "; %d customers first bought after the calibration end (not in the summary)", r.NewInHoldout)
	}
	fmt.Fprintln(w)
	if r.Filtered > 0 || r.MissingCustomer > 0 {
		fmt.Fprintf(w, "left out: %s by the where rule, %s without a customer id\n", plural(r.Filtered, "row"), plural(r.MissingCustomer, "row"))
	}
	if rr := r.Returns; rr.Returns > 0 {
		fmt.Fprintf(w, "returns (%s): %s", rr.Rule, plural(rr.Returns, "return row"))
		switch rr.Rule {
		case summary.ReturnsNet:
			fmt.Fprintf(w, " netted; %s refunded; %s left with no purchase (not in the summary); unmatched return value %.2f",
				plural(rr.RefundedPeriods, "purchase period"), plural(rr.CustomersRemoved, "customer"), rr.UnmatchedValue)
		case summary.ReturnsDrop:
			fmt.Fprintf(w, " ignored; %s left with no purchase (not in the summary)", plural(rr.CustomersRemoved, "customer"))
		case summary.ReturnsPurchase:
			fmt.Fprint(w, " counted as ordinary rows (amounts add into their periods)")
		}
		fmt.Fprintln(w)
	}
	if n := r.SkippedTotal(); n > 0 {
		fmt.Fprintf(w, "skipped %d bad rows:", n)
		for _, k := range slices.Sorted(maps.Keys(r.Skipped)) {
			fmt.Fprintf(w, " %s %d;", k, r.Skipped[k])
		}
		fmt.Fprintf(w, " first at lines %v\n", r.SkippedLines)
	}
}

// writeAtomic streams output to path through a temp file and a rename ("-"
// writes stdout directly), so a failure or Ctrl-C never leaves a partial
// file.
func writeAtomic(e *env, path string, write func(io.Writer) error) error {
	if path == "-" {
		return write(e.stdout)
	}
	f, err := e.files.Create(path, 0)
	if err != nil {
		return fmt.Errorf("output: %w", err)
	}
	defer f.Close()
	if err := write(f); err != nil {
		return err
	}
	return f.Commit()
}

// plural returns "1 thing" or "n things".
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}
