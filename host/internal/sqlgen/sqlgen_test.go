package sqlgen

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/core/summary"
)

func TestParseDialect(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Dialect
	}{{"postgres", Postgres}, {"PostgreSQL", Postgres}, {"pg", Postgres}, {"duckdb", DuckDB}, {"BigQuery", BigQuery},
		{"snowflake", Snowflake}, {"spark", Spark}, {"databricks", Spark}, {" clickhouse ", ClickHouse}} {
		d, err := ParseDialect(c.in)
		if err != nil || d != c.want {
			t.Errorf("ParseDialect(%q) = %v, %v; want %v", c.in, d, err, c.want)
		}
		if back, _ := ParseDialect(d.String()); back != d {
			t.Errorf("%v does not round-trip", d)
		}
	}
	if _, err := ParseDialect("oracle"); err == nil || !strings.Contains(err.Error(), "want one of postgres, duckdb") {
		t.Errorf("oracle: %v", err)
	}
}

func TestIdent(t *testing.T) {
	for _, c := range []struct {
		d       Dialect
		in, out string
		err     string
	}{
		{Postgres, "Customer ID", `"Customer ID"`, ""},
		{Postgres, `a"b`, `"a""b"`, ""},
		{Snowflake, `a"b`, `"a""b"`, ""},
		{DuckDB, "select", `"select"`, ""},
		{BigQuery, "my-project", "`my-project`", ""},
		{Spark, "a b", "`a b`", ""},
		{ClickHouse, "a b", `"a b"`, ""},
		{BigQuery, "a`b", "", "backquote"},
		{Spark, `a\b`, "", "backslash"},
		{ClickHouse, `a"b`, "", "quote"},
		{Postgres, "", "", "empty name"},
		{Postgres, "a\nb", "", "control character"},
		{Postgres, "\xff", "", "UTF-8"},
	} {
		got, err := c.d.ident(c.in)
		switch {
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%v %q: error %v, want %q", c.d, c.in, err, c.err)
		case c.err == "" && (err != nil || got != c.out):
			t.Errorf("%v %q = %s, %v; want %s", c.d, c.in, got, err, c.out)
		}
	}
}

// TestOptionErrors: every bad setting is an error naming it, never a
// query.
func TestOptionErrors(t *testing.T) {
	ok := baseOptions(Postgres)
	for _, c := range []struct {
		name string
		set  func(*Options)
		msg  string
	}{
		{"dialect", func(o *Options) { o.Dialect = 9 }, "unknown dialect"},
		{"table", func(o *Options) { o.Table = "" }, "the table is required"},
		{"table part", func(o *Options) { o.Table = "a..b" }, `table "a..b": empty name`},
		{"customer", func(o *Options) { o.Customer = "" }, "the customer column is required"},
		{"date", func(o *Options) { o.Date = "" }, "the date column is required"},
		{"end", func(o *Options) { o.ObservationEnd = time.Time{} }, "the observation end is required"},
		{"calibration", func(o *Options) { o.CalibrationEnd = date("1999-01-01") }, "calibration end 1999-01-01 is after observation end 1998-06-30"},
		{"grain", func(o *Options) { o.Grain = 7 }, "unknown grain"},
		{"returns", func(o *Options) { o.Returns = 7 }, "unknown returns rule"},
		{"unit", func(o *Options) { o.Unit.Days = math.Inf(1) }, "want a positive finite number"},
		{"amount twice", func(o *Options) { o.Rules.Amount = "q * p" }, "not both"},
		{"zone", func(o *Options) { o.TimeZone = "UTC'--" }, "time zone"},
		{"where", func(o *Options) { o.Rules.Where = "a +" }, "where: expression: line 1, column 4"},
		{"where not a condition", func(o *Options) { o.Rules.Where = "a + 1" }, "where: expression"},
		{"is_return", func(o *Options) { o.Rules.IsReturn = `lower(x)` }, "is_return: expression"},
		{"amount_expr text", func(o *Options) { o.Amount, o.Rules.Amount = "", `"x"` }, "amount_expr: expression"},
		{"NUL in a string", func(o *Options) { o.Rules.Where = `a == "x` + "\x00" + `"` }, "NUL"},
		{"bad column name", func(o *Options) { o.Dialect, o.Amount = BigQuery, "a`b" }, "amount column: name"},
	} {
		o := ok
		c.set(&o)
		_, err := Summary(o)
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		if !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: %v, want %q", c.name, err, c.msg)
		}
	}
}

// TestArgs: with bind parameters every value is an argument, in
// placeholder order, and the SQL holds none of them.
func TestArgs(t *testing.T) {
	o := baseOptions(Snowflake)
	o.Inline, o.CalibrationEnd, o.TimeZone = false, date("1997-09-30"), "Europe/Berlin"
	o.Unit = summary.Unit{Days: 2.5, Name: "2.5d"}
	o.Rules.Where = `Country == "it's" && Quantity > 1.25`
	q, err := Summary(o)
	if err != nil {
		t.Fatal(err)
	}
	want := []any{"1998-06-30", "1997-09-30", 2.5, "Europe/Berlin", "it's", 1.25}
	if fmt.Sprint(q.Args) != fmt.Sprint(want) {
		t.Errorf("args %v, want %v", q.Args, want)
	}
	for _, v := range []string{"1998-06-30", "1997-09-30", "2.5", "Berlin", "it's", "1.25"} {
		if strings.Contains(q.SQL, v) {
			t.Errorf("the SQL holds the value %s", v)
		}
	}
	for i := range want {
		if !strings.Contains(q.SQL, fmt.Sprintf(":%d ", i+1)) {
			t.Errorf("placeholder :%d missing", i+1)
		}
	}
	if want := []string{"customer_id", "frequency", "recency", "T", "monetary_value", "frequency_holdout", "monetary_value_holdout", "duration_holdout"}; fmt.Sprint(q.Columns) != fmt.Sprint(want) {
		t.Errorf("columns %v", q.Columns)
	}
}

func ExampleSummary() {
	q, err := Summary(Options{
		Dialect: Postgres, Table: "shop.orders", Customer: "customer_id", Date: "ordered_at", Amount: "total",
		Grain: summary.Week, Unit: summary.Weeks, ObservationEnd: time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC),
		Rules: summary.RowRules{Where: `country == "UK"`},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(q.Columns)
	fmt.Println(q.Args...)
	fmt.Println(strings.Contains(q.SQL, `FROM "shop"."orders" AS t`), strings.Contains(q.SQL, `= CAST($3 AS TEXT)`))
	// Output:
	// [customer_id frequency recency T monetary_value]
	// 2024-12-31 7 UK
	// true true
}
