package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/clvkit/clvkit/core/summary"
	"github.com/clvkit/clvkit/host/internal/config"
	"github.com/clvkit/clvkit/host/internal/sqlgen"
	"github.com/clvkit/clvkit/internal/quote"
)

func sqlCommand() command {
	return command{
		name:    "sql",
		summary: "print the SQL that computes the summary (or its histogram) inside a database or warehouse",
		usage: `Usage: clv sql --dialect ENGINE --table T --unit UNIT --observation-end DATE [flags]
       clv sql --config clv.toml --dialect ENGINE --table T [flags]

Prints one SQL query that computes, inside the database, the per-customer
summary clv summarize writes with the same settings: the columns
customer_id, frequency, recency, T, monetary_value (and with
--calibration-end frequency_holdout, monetary_value_holdout,
duration_holdout), one row per customer, in clv's order. Run it into a
table, export the result (or read it over a connection) and score it with
clv score (input.kind = "summary"): only one row per customer leaves the
warehouse. Engines: postgres, duckdb, bigquery, snowflake, spark
(Databricks) and clickhouse; see docs/warehouse/ for each.

The grain, unit, returns rule and row rules mean what they mean for clv
summarize: ISO weeks from Monday, calendar months, recency and T as
differences of period numbers times the grain's length in the unit,
monetary_value the mean of the repeat periods, returns netted against the
latest earlier purchase periods (window functions), customers first seen
after the calibration end left out. Amounts are summed exactly (NUMERIC or
DECIMAL(38, 9)). --where, --amount-expr and --is-return are clv's row rule
language, translated (never pasted) into SQL. Values (dates, the unit, the
zone, the rules' strings and numbers) are written as literals quoted for
the engine, or with --bind as bind parameters listed after the query.

--histogram prints instead the compressed data the fits need: the distinct
(frequency, recency, T) with their customer counts (kind "purchase") and
the distinct (frequency, monetary_value) of repeat customers (kind
"spend"), over the calibration window.

With --config, the table's columns (input.columns), row rules
(input.where, amount_expr, is_return), returns rule, time_zone and time
settings come from the config; flags given override them. clv sql reads no
data.

Examples:
  clv sql --dialect postgres --table orders --customer customer_id \
      --date ordered_at --amount total --grain week --unit week \
      --observation-end 2024-12-31 > summary.sql
  psql --csv -f summary.sql > summary.csv
  clv sql --dialect bigquery --table shop.sales.orders --customer cust \
      --date ts --time-zone Europe/Berlin --amount value --unit week \
      --observation-end 2024-12-31 --calibration-end 2024-06-30
  clv sql --config clv.toml --dialect snowflake --table SALES.PUBLIC.ORDERS --histogram
`,
		flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
			var f sqlFlags
			f.register(fs)
			return func(ctx context.Context, e *env, args []string) error {
				if len(args) > 0 {
					return fmt.Errorf("unexpected arguments %s", quote.List(args))
				}
				q, err := f.query(e)
				if err != nil {
					return err
				}
				_, err = fmt.Fprint(e.stdout, q)
				return err
			}
		},
	}
}

// sqlFlags are the flags of clv sql.
type sqlFlags struct {
	fs                                                   *flag.FlagSet
	config, dialect, table, customer, date, amount       string
	grain, unit, observationEnd, calibrationEnd, returns string
	where, amountExpr, isReturn, timeZone                string
	histogram, bind                                      bool
}

func (f *sqlFlags) register(fs *flag.FlagSet) {
	f.fs = fs
	fs.StringVar(&f.config, "config", "", "take columns, row rules, returns rule, time zone and time settings from this clv.toml (flags override)")
	fs.StringVar(&f.dialect, "dialect", "", "SQL engine: postgres, duckdb, bigquery, snowflake, spark or clickhouse; required")
	fs.StringVar(&f.table, "table", "", "the transaction table: name, schema.name or project.dataset.name; required")
	fs.StringVar(&f.customer, "customer", "customer_id", "customer id column")
	fs.StringVar(&f.date, "date", "date", "order date column (DATE, or a timestamp: see --time-zone)")
	fs.StringVar(&f.amount, "amount", "", "order value column (optional; needed for monetary_value)")
	fs.StringVar(&f.grain, "grain", "day", "what counts as one purchase period: day, week (ISO, from Monday) or month")
	fs.StringVar(&f.unit, "unit", "", "unit of recency and T: day, week, month or Nd (N days); required")
	fs.StringVar(&f.observationEnd, "observation-end", "", "last day of the data (YYYY-MM-DD, inclusive); required")
	fs.StringVar(&f.calibrationEnd, "calibration-end", "", "last day of the calibration period (YYYY-MM-DD); adds holdout columns")
	fs.StringVar(&f.returns, "returns", "net", "what a return (a negative amount) does: net, drop or purchase, as in clv summarize")
	fs.StringVar(&f.where, "where", "", `keep only rows for which this condition holds, e.g. 'Country == "United Kingdom"'`)
	fs.StringVar(&f.amountExpr, "amount-expr", "", `compute the order value from columns instead of --amount, e.g. "Quantity * UnitPrice"`)
	fs.StringVar(&f.isReturn, "is-return", "", `mark rows as returns (they refund |amount|), e.g. 'starts_with(InvoiceNo, "C")'`)
	fs.StringVar(&f.timeZone, "time-zone", "", "zone in which a timestamp-with-zone date column's date is taken, e.g. Europe/Berlin (default: the engine's cast)")
	fs.BoolVar(&f.histogram, "histogram", false, "print the histogram query (distinct rows with counts, for the fits) instead of the summary")
	fs.BoolVar(&f.bind, "bind", false, "write values as bind parameters, listed in comments after the query, instead of literals")
}

// query builds the query the flags ask for and returns its text.
func (f *sqlFlags) query(e *env) (string, error) {
	set := map[string]bool{}
	var empty error
	f.fs.Visit(func(fl *flag.Flag) {
		set[fl.Name] = true
		if g, ok := fl.Value.(flag.Getter); ok && empty == nil && g.Get() == "" &&
			fl.Name != "amount" && fl.Name != "where" && fl.Name != "amount-expr" && fl.Name != "is-return" && fl.Name != "time-zone" {
			empty = fmt.Errorf("--%s is empty: give a value, or leave the flag out for its default", fl.Name)
		}
	})
	if empty != nil {
		return "", empty
	}
	if f.dialect == "" {
		return "", errors.New("--dialect is required: postgres, duckdb, bigquery, snowflake, spark or clickhouse")
	}
	d, err := sqlgen.ParseDialect(f.dialect)
	if err != nil {
		return "", fmt.Errorf("--dialect: %w", err)
	}
	if f.config != "" {
		if err := f.fromConfig(e, set); err != nil {
			return "", err
		}
	}
	if f.table == "" {
		return "", errors.New("--table is required: the transaction table (name, schema.name or project.dataset.name)")
	}
	tf := timeFlags{grain: f.grain, unit: f.unit, observationEnd: f.observationEnd, calibrationEnd: f.calibrationEnd}
	so, err := tf.options(false)
	if err != nil {
		return "", err
	}
	o := sqlgen.Options{Dialect: d, Table: f.table, Customer: f.customer, Date: f.date, Amount: f.amount,
		Grain: so.Grain, Unit: so.Unit, ObservationEnd: so.ObservationEnd, CalibrationEnd: so.CalibrationEnd,
		Rules:    summary.RowRules{Where: f.where, Amount: f.amountExpr, IsReturn: f.isReturn},
		TimeZone: f.timeZone, Inline: !f.bind}
	if o.Returns, err = summary.ParseReturns(f.returns); err != nil {
		return "", fmt.Errorf("--returns: %w", err)
	}
	if o.Amount != "" && o.Rules.Amount != "" {
		return "", errors.New("--amount and --amount-expr are both given: the order value is a column or an expression, not both")
	}
	build := sqlgen.Summary
	if f.histogram {
		build = sqlgen.Histogram
	}
	q, err := build(o)
	if err != nil {
		var re *sqlgen.RuleError
		if errors.As(err, &re) {
			return "", fmt.Errorf("--%s: %w", strings.ReplaceAll(strings.ReplaceAll(re.Rule, "_expr", "-expr"), "_", "-"), re.Err)
		}
		return "", err
	}
	var b strings.Builder
	b.WriteString(strings.TrimRight(q.SQL, "\n"))
	b.WriteString(";\n")
	if f.bind && len(q.Args) > 0 {
		b.WriteString("-- bind parameters, in placeholder order:\n")
		for i, a := range q.Args {
			switch v := a.(type) {
			case float64:
				fmt.Fprintf(&b, "-- %d: %s\n", i+1, strconv.FormatFloat(v, 'g', -1, 64))
			default:
				fmt.Fprintf(&b, "-- %d: %s\n", i+1, strconv.Quote(fmt.Sprint(v)))
			}
		}
	}
	return b.String(), nil
}

// fromConfig fills the flags not given from the config at f.config: the
// input's columns, row rules, returns rule and time zone, and the time
// settings. clv sql reads no data, so a config without input.path is
// accepted.
func (f *sqlFlags) fromConfig(e *env, set map[string]bool) error {
	cfg, err := loadConfig(e, f.config, func(c *config.Config) {
		if c.Input.Path == "" && c.Input.URL == "" {
			c.Input.Path = "-" // not read: the data is in the database
		}
	})
	if err != nil {
		return err
	}
	if cfg.Input.Kind != "transactions" {
		return cfg.KeyError("input.kind", errors.New("clv sql summarizes a transaction table (one row per order); this config's input is already a summary"))
	}
	in, t := cfg.Input, cfg.Time
	for _, v := range []struct {
		flag string
		dst  *string
		val  string
	}{
		{"table", &f.table, in.Table},
		{"customer", &f.customer, in.Columns.Customer},
		{"date", &f.date, in.Columns.Date},
		{"amount", &f.amount, in.Columns.Amount},
		{"where", &f.where, in.Where},
		{"amount-expr", &f.amountExpr, in.AmountExpr},
		{"is-return", &f.isReturn, in.IsReturn},
		{"returns", &f.returns, in.Returns},
		{"time-zone", &f.timeZone, in.TimeZone},
		{"grain", &f.grain, t.Grain},
		{"unit", &f.unit, t.Unit},
		{"observation-end", &f.observationEnd, t.ObservationEnd},
		{"calibration-end", &f.calibrationEnd, t.CalibrationEnd},
	} {
		if !set[v.flag] {
			*v.dst = v.val
		}
	}
	if set["amount-expr"] && !set["amount"] {
		f.amount = ""
	}
	if set["amount"] && !set["amount-expr"] {
		f.amountExpr = ""
	}
	return nil
}
