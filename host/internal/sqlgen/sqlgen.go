package sqlgen

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/clvkit/clvkit/core/formula"
	"github.com/clvkit/clvkit/core/summary"
	"github.com/clvkit/clvkit/internal/quote"
)

// Options says what to summarize and how; the settings mean what they mean
// for `clv summarize` (core/summary.Options, summary.RowRules).
type Options struct {
	// Dialect is the engine the query is written for.
	Dialect Dialect
	// Table is the transaction table: a name, or dotted parts
	// (schema.table, project.dataset.table), each part quoted as one
	// identifier.
	Table string
	// Customer and Date name the customer id and order date columns.
	// Amount names the order value column; empty for none (monetary values
	// are then 0), or when Rules.Amount computes it.
	Customer, Date, Amount string
	// Grain, Unit, ObservationEnd, CalibrationEnd and Returns are
	// summary.Options' (only the calendar dates of the two ends are used;
	// a zero CalibrationEnd means no holdout).
	Grain          summary.Grain
	Unit           summary.Unit
	ObservationEnd time.Time
	CalibrationEnd time.Time
	Returns        summary.Returns
	// Rules are the row rules (where, amount_expr, is_return), translated
	// to SQL (see RuleError).
	Rules summary.RowRules
	// TimeZone, when set, is the zone (an IANA name such as
	// "Europe/Berlin", or "UTC") in which a timestamp-with-zone date
	// column's calendar date is taken. Leave it empty for a DATE column.
	TimeZone string
	// Revenue adds the column revenue to Summary's result: the customer's
	// value over the calibration window, the first purchase period
	// included, after the returns rule (core/summary's Customer.Revenue,
	// which clv score's RFM monetary score and historic value use). clv
	// summarize does not write it.
	Revenue bool
	// Inline writes values (dates, the unit, the zone, the rules' numbers
	// and strings) as literals quoted by the dialect's rules instead of
	// bind parameters, for a query printed to be run as it is; Query.Args
	// is then empty.
	Inline bool
}

// Query is a generated query: SQL with bind parameters and their values.
// Args[i] is the value of the (i+1)-th placeholder: $n in PostgreSQL and
// DuckDB, @pn in BigQuery, :n in Snowflake, :pn in Spark, {pn:Type} in
// ClickHouse (see Dialect). Values are string (dates as YYYY-MM-DD, the
// zone, the rules' strings) or float64 (the unit's days, the rules'
// numbers); each placeholder is cast to its type in the SQL.
type Query struct {
	SQL     string
	Args    []any
	Columns []string // the result's column names, in order
}

// The result columns of Summary, as `clv summarize` writes them.
const (
	ColCustomer        = "customer_id"
	ColFrequency       = "frequency"
	ColRecency         = "recency"
	ColT               = "T"
	ColMonetary        = "monetary_value"
	ColFrequencyHold   = "frequency_holdout"
	ColMonetaryHold    = "monetary_value_holdout"
	ColDurationHoldout = "duration_holdout"
	ColRevenue         = "revenue"
	ColKind            = "kind"
	ColCustomers       = "customers"
)

// Histogram kinds (the kind column of Histogram's result).
const (
	KindPurchase = "purchase"
	KindSpend    = "spend"
)

// gen writes one query.
type gen struct {
	o    Options
	d    Dialect
	args []any
	// durationHoldout is the duration_holdout expression, set by
	// customers.
	durationHoldout string
}

// arg returns the placeholder of a new argument v of type t, or its
// literal when inlining.
func (g *gen) arg(v any, t sqlType) (string, error) {
	if g.o.Inline {
		switch x := v.(type) {
		case float64:
			return g.d.doubleLiteral(x), nil
		case string:
			if t == typeDate {
				return g.d.dateLiteral(x), nil
			}
			return g.d.stringLiteral(x)
		}
		return "", fmt.Errorf("sqlgen: no literal for %T", v)
	}
	g.args = append(g.args, v)
	return g.d.placeholder(len(g.args), t), nil
}

// check validates o and returns its ends as YYYY-MM-DD.
func (o Options) check() error {
	switch {
	case !o.Dialect.valid():
		return fmt.Errorf("unknown dialect %v", o.Dialect)
	case o.Table == "":
		return errors.New("the table is required")
	case o.Customer == "":
		return errors.New("the customer column is required")
	case o.Date == "":
		return errors.New("the date column is required")
	case o.ObservationEnd.IsZero():
		return errors.New("the observation end is required")
	case o.Grain < summary.Day || o.Grain > summary.Month:
		return fmt.Errorf("unknown grain %v", o.Grain)
	case o.Returns < summary.ReturnsNet || o.Returns > summary.ReturnsPurchase:
		return fmt.Errorf("unknown returns rule %v", o.Returns)
	case o.Unit.Days < 0 || math.IsNaN(o.Unit.Days) || math.IsInf(o.Unit.Days, 0):
		return fmt.Errorf("unit of %v days: want a positive finite number", o.Unit.Days)
	case o.Amount != "" && o.Rules.Amount != "":
		return errors.New("give an amount column or an amount expression, not both")
	}
	if !o.CalibrationEnd.IsZero() && day(o.CalibrationEnd) > day(o.ObservationEnd) {
		return fmt.Errorf("calibration end %s is after observation end %s", day(o.CalibrationEnd), day(o.ObservationEnd))
	}
	if o.TimeZone != "" {
		for _, r := range o.TimeZone {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/_+-:.", r)) {
				return fmt.Errorf("time zone %s: want a zone name such as Europe/Berlin or UTC", quote.Value(o.TimeZone))
			}
		}
	}
	return nil
}

// day is t's calendar date (in its own location) as YYYY-MM-DD.
func day(t time.Time) string { return t.Format(time.DateOnly) }

// unitDays is the unit's length in days (1 for the zero Unit).
func (o Options) unitDays() float64 {
	if o.Unit.Days == 0 {
		return 1
	}
	return o.Unit.Days
}

// grainDays is the grain's nominal length in days, as core/summary uses
// it: 1, 7 or 365.25/12.
func grainDays(g summary.Grain) float64 {
	switch g {
	case summary.Week:
		return 7
	case summary.Month:
		return 365.25 / 12
	}
	return 1
}

// period is the grain period index of the DATE x: the day number, the
// Monday-based week number (the week of 1969-12-29, a Monday, is 0) or
// year × 12 + month − 1, as core/summary numbers them.
func (g *gen) period(x string) string {
	d := g.d
	switch g.o.Grain {
	case summary.Week:
		// The Monday's day number + 3 is a multiple of 7: exact in any
		// engine's division.
		return d.cast("("+d.dayNumber(d.monday(x))+" + 3) / 7", typeInt)
	case summary.Month:
		return d.monthIndex(x)
	}
	return d.dayNumber(x)
}

// dist writes the distance of a period difference p (an integer
// expression) in the unit: p × L / unit days in doubles, in this order, as
// core/summary computes it (float64(p) × L / Unit.Days), so the value has
// the same bits.
func (g *gen) dist(p, unit string) string {
	return "(" + g.d.cast(p, typeDouble) + " * " + g.d.doubleLiteral(grainDays(g.o.Grain)) + " / " + unit + ")"
}

// table writes the table's quoted name.
func (g *gen) table() (string, error) {
	parts := strings.Split(g.o.Table, ".")
	for i, p := range parts {
		q, err := g.d.ident(p)
		if err != nil {
			return "", fmt.Errorf("table %s: %w", quote.Value(g.o.Table), err)
		}
		parts[i] = q
	}
	return strings.Join(parts, "."), nil
}

// customers writes the common part of Summary and Histogram: CTEs up to
// "customers", one row per customer of the summary with customer_id,
// frequency, recency, T, monetary_value, frequency_holdout,
// monetary_value_holdout (doubles, integers for the frequencies); see the
// package documentation for each step.
func (g *gen) customers() (string, error) {
	o, d := g.o, g.d
	if err := o.check(); err != nil {
		return "", err
	}
	tbl, err := g.table()
	if err != nil {
		return "", err
	}
	col := func(what, name string) (string, error) {
		q, err := d.ident(name)
		if err != nil {
			return "", fmt.Errorf("%s column: %w", what, err)
		}
		return "t." + q, nil
	}
	cust, err := col("customer", o.Customer)
	if err != nil {
		return "", err
	}
	date, err := col("date", o.Date)
	if err != nil {
		return "", err
	}
	obs, err := g.arg(day(o.ObservationEnd), typeDate)
	if err != nil {
		return "", err
	}
	cal := obs
	if !o.CalibrationEnd.IsZero() {
		if cal, err = g.arg(day(o.CalibrationEnd), typeDate); err != nil {
			return "", err
		}
	}
	unit, err := g.arg(o.unitDays(), typeDouble)
	if err != nil {
		return "", err
	}
	tz := ""
	if o.TimeZone != "" {
		if tz, err = g.arg(o.TimeZone, typeText); err != nil {
			return "", err
		}
	}

	// The amount: a column or an expression, as an exact decimal.
	amount := "0"
	var notNull []string
	switch {
	case o.Amount != "":
		a, err := col("amount", o.Amount)
		if err != nil {
			return "", err
		}
		notNull = append(notNull, a)
		amount = a
	case o.Rules.Amount != "":
		if amount, err = g.rule("amount_expr", o.Rules.Amount, formula.NumberRule); err != nil {
			return "", err
		}
	}
	amount = d.cast(amount, typeDecimal)
	if o.Rules.Amount != "" {
		notNull = append(notNull, amount)
	}
	isReturn := "(" + amount + " < 0)"
	if o.Rules.IsReturn != "" {
		r, err := g.rule("is_return", o.Rules.IsReturn, formula.ConditionRule)
		if err != nil {
			return "", err
		}
		amount = "CASE WHEN " + r + " THEN -ABS(" + amount + ") ELSE " + amount + " END"
		isReturn = "(" + r + " OR " + isReturn + ")"
	}
	where := []string{cust + " IS NOT NULL", date + " IS NOT NULL"}
	for _, a := range notNull {
		where = append(where, a+" IS NOT NULL")
	}
	if o.Rules.Where != "" {
		w, err := g.rule("where", o.Rules.Where, formula.ConditionRule)
		if err != nil {
			return "", err
		}
		where = append(where, w)
	}

	zero := d.cast("0", typeDecimal)
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	w("WITH\n")
	// tx: the rows kept, with their date, exact amount and return flag.
	w("tx AS (\n")
	w("  SELECT %s AS customer_id,\n", d.cast(cust, typeText))
	w("    %s AS order_day,\n", d.toDate(date, tz))
	w("    %s AS amount,\n", amount)
	w("    CASE WHEN %s THEN 1 ELSE 0 END AS is_return\n", isReturn)
	w("  FROM %s AS t\n", tbl)
	w("  WHERE %s\n", strings.Join(where, "\n    AND "))
	w("),\n")
	// kept: on or before the observation end, with side and period.
	w("kept AS (\n")
	w("  SELECT customer_id, amount, is_return,\n")
	w("    CASE WHEN order_day > %s THEN 1 ELSE 0 END AS in_holdout,\n", cal)
	w("    %s AS period_index\n", g.period("order_day"))
	w("  FROM tx\n")
	w("  WHERE customer_id <> '' AND order_day <= %s", obs)
	if o.Returns == summary.ReturnsDrop {
		w(" AND is_return = 0")
	}
	w("\n),\n")
	// periods: one row per customer, side and grain period.
	w("periods AS (\n")
	w("  SELECT customer_id, in_holdout, period_index, SUM(amount) AS period_value,\n")
	w("    SUM(1 - is_return) AS orders, MAX(is_return) AS has_return\n")
	w("  FROM kept\n")
	w("  GROUP BY customer_id, in_holdout, period_index\n")
	w("),\n")
	purchases := "periods"
	if o.Returns == summary.ReturnsNet {
		part := "PARTITION BY customer_id, in_holdout ORDER BY period_index"
		// Netting (see the package documentation): running_sum is the
		// running sum of the period values, stock_level the running stock
		// of purchases a later return can take from (the sum lifted by the
		// deepest deficit so far, so it never goes below 0), and a
		// purchase period keeps what of it lies below every later level.
		w("running AS (\n")
		w("  SELECT customer_id, in_holdout, period_index, period_value, orders, has_return,\n")
		w("    SUM(period_value) OVER (%s ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running_sum\n", part)
		w("  FROM periods\n")
		w("),\n")
		w("levels AS (\n")
		w("  SELECT customer_id, in_holdout, period_index, period_value, orders, has_return,\n")
		w("    running_sum - LEAST(MIN(running_sum) OVER (%s ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), %s) AS stock_level\n", part, zero)
		w("  FROM running\n")
		w("),\n")
		w("netted AS (\n")
		w("  SELECT customer_id, in_holdout, period_index, period_value, orders, has_return,\n")
		w("    CASE WHEN period_value < 0 THEN %s ELSE GREATEST(MIN(stock_level) OVER (%s ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) - (stock_level - period_value), %s) END AS kept_value\n", zero, part, zero)
		w("  FROM levels\n")
		w("),\n")
		// A period keeps its netted value; it is a purchase period unless
		// it holds only returns, or a return touched it and left ≤ 0.
		w("purchases AS (\n")
		w("  SELECT customer_id, in_holdout, period_index, kept_value AS period_value\n")
		w("  FROM netted\n")
		w("  WHERE orders > 0 AND NOT ((has_return = 1 OR kept_value < period_value) AND kept_value <= 0)\n")
		w("),\n")
		purchases = "purchases"
	}
	// ranked: the purchase periods numbered per customer and side.
	w("ranked AS (\n")
	w("  SELECT customer_id, in_holdout, period_index, period_value,\n")
	w("    ROW_NUMBER() OVER (PARTITION BY customer_id, in_holdout ORDER BY period_index) AS period_rank\n")
	w("  FROM %s\n", purchases)
	w("),\n")
	w("calibration_window AS (\n")
	w("  SELECT customer_id, COUNT(*) - 1 AS frequency, MIN(period_index) AS first_period, MAX(period_index) AS last_period,\n")
	w("    SUM(CASE WHEN period_rank > 1 THEN period_value ELSE %s END) AS repeat_value", zero)
	if o.Revenue {
		w(",\n    SUM(period_value) AS revenue_value")
	}
	w("\n")
	w("  FROM ranked\n")
	w("  WHERE in_holdout = 0\n")
	w("  GROUP BY customer_id\n")
	w("),\n")
	w("holdout_window AS (\n")
	w("  SELECT customer_id, COUNT(*) AS frequency_holdout, SUM(period_value) AS holdout_value\n")
	w("  FROM ranked\n")
	w("  WHERE in_holdout = 1\n")
	w("  GROUP BY customer_id\n")
	w("),\n")
	dbl := func(x string) string { return d.cast(x, typeDouble) }
	w("customers AS (\n")
	w("  SELECT c.customer_id, c.frequency,\n")
	w("    %s AS recency,\n", g.dist("c.last_period - c.first_period", unit))
	w("    %s AS t_value,\n", g.dist(g.period(cal)+" - c.first_period", unit))
	w("    CASE WHEN c.frequency > 0 THEN %s / %s ELSE %s END AS monetary_value,\n",
		dbl("c.repeat_value"), dbl("c.frequency"), dbl("0"))
	w("    COALESCE(h.frequency_holdout, 0) AS frequency_holdout,\n")
	w("    CASE WHEN COALESCE(h.frequency_holdout, 0) > 0 THEN %s / %s ELSE %s END AS monetary_value_holdout",
		dbl("h.holdout_value"), dbl("h.frequency_holdout"), dbl("0"))
	if o.Revenue {
		w(",\n    %s AS revenue", dbl("c.revenue_value"))
	}
	w("\n")
	w("  FROM calibration_window AS c\n")
	w("  LEFT JOIN holdout_window AS h ON h.customer_id = c.customer_id\n")
	w(")")
	g.durationHoldout = g.dist(g.period(obs)+" - "+g.period(cal), unit)
	return b.String(), nil
}

// Summary returns the query whose result is the summary `clv summarize`
// writes with the same settings: one row per customer, sorted as clv
// sorts ids, with the columns customer_id (text), frequency (integer),
// recency, T, monetary_value (doubles) and, with a calibration end,
// frequency_holdout (integer), monetary_value_holdout and
// duration_holdout (doubles).
func Summary(o Options) (Query, error) {
	g := &gen{o: o, d: o.Dialect}
	body, err := g.customers()
	if err != nil {
		return Query{}, err
	}
	d := g.d
	cols := []string{ColCustomer, ColFrequency, ColRecency, ColT, ColMonetary}
	exprs := []string{"customer_id", "frequency", "recency", "t_value", "monetary_value"}
	if !o.CalibrationEnd.IsZero() {
		cols = append(cols, ColFrequencyHold, ColMonetaryHold, ColDurationHoldout)
		exprs = append(exprs, "frequency_holdout", "monetary_value_holdout", g.durationHoldout)
	}
	if o.Revenue {
		cols = append(cols, ColRevenue)
		exprs = append(exprs, "revenue")
	}
	var b strings.Builder
	b.WriteString(body)
	b.WriteString(",\n")
	// ordered: clv's id order, numeric when every id is a run of digits
	// (by value, then bytewise), else bytewise.
	b.WriteString("ordered AS (\n  SELECT customers.*,\n")
	fmt.Fprintf(&b, "    MIN(CASE WHEN %s = '' THEN 1 ELSE 0 END) OVER () AS all_digits\n", d.ltrimChars("customer_id", "0123456789"))
	b.WriteString("  FROM customers\n)\nSELECT ")
	for i, c := range cols {
		q, err := d.ident(c)
		if err != nil {
			return Query{}, err
		}
		if i > 0 {
			b.WriteString(",\n  ")
		}
		b.WriteString(exprs[i] + " AS " + q)
	}
	b.WriteString("\nFROM ordered\n")
	trimmed := d.ltrimChars("customer_id", "0")
	fmt.Fprintf(&b, "ORDER BY CASE WHEN all_digits = 1 THEN %s ELSE 0 END,\n", d.length(trimmed))
	fmt.Fprintf(&b, "  CASE WHEN all_digits = 1 THEN %s ELSE '' END,\n", d.collate(trimmed))
	fmt.Fprintf(&b, "  %s\n", d.collate("customer_id"))
	return Query{SQL: b.String(), Args: g.args, Columns: cols}, nil
}

// Histogram returns the query of the compressed summary the fits need,
// over the calibration window: rows of kind "purchase" hold each distinct
// (frequency, recency, T) with the number of customers; rows of kind
// "spend" each distinct (frequency, monetary_value) of the customers with
// a repeat purchase (Gamma-Gamma's data; its likelihood has a term per
// customer, so sums would not do). Columns: kind, frequency, recency, T,
// monetary_value, customers; the columns a kind does not use are NULL.
// Rows are sorted by kind, then by their values.
func Histogram(o Options) (Query, error) {
	g := &gen{o: o, d: o.Dialect}
	body, err := g.customers()
	if err != nil {
		return Query{}, err
	}
	d := g.d
	q := func(c string) string { s, _ := d.ident(c); return s }
	nullD := d.cast("NULL", typeDouble)
	var b strings.Builder
	b.WriteString(body)
	b.WriteString("\n")
	fmt.Fprintf(&b, "SELECT %s AS %s, frequency AS %s, recency AS %s, t_value AS %s, %s AS %s, COUNT(*) AS %s\n",
		d.cast("'"+KindPurchase+"'", typeText), q(ColKind), q(ColFrequency), q(ColRecency), q(ColT), nullD, q(ColMonetary), q(ColCustomers))
	b.WriteString("FROM customers\nGROUP BY frequency, recency, t_value\nUNION ALL\n")
	fmt.Fprintf(&b, "SELECT %s, frequency, %s, %s, monetary_value, COUNT(*)\n",
		d.cast("'"+KindSpend+"'", typeText), nullD, nullD)
	b.WriteString("FROM customers\nWHERE frequency > 0\nGROUP BY frequency, monetary_value\n")
	b.WriteString("ORDER BY 1, 2, 3, 4, 5\n")
	return Query{SQL: b.String(), Args: g.args,
		Columns: []string{ColKind, ColFrequency, ColRecency, ColT, ColMonetary, ColCustomers}}, nil
}
