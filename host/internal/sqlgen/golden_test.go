package sqlgen

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/clvkit/clvkit/core/summary"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// baseOptions are the settings of the golden queries: CDNOW-like columns,
// weekly unit, observation end 1998-06-30.
func baseOptions(d Dialect) Options {
	return Options{Dialect: d, Table: "sales.transactions", Customer: "customer_id", Date: "date", Amount: "amount",
		Unit: summary.Weeks, ObservationEnd: date("1998-06-30"), Inline: true}
}

// TestGolden writes every dialect × returns rule × grain × calibration
// setting to testdata/<dialect>_<returns>.sql (6 queries a file), and the
// row rules, time zone, histogram and bind parameter cases to
// testdata/<dialect>_rules.sql; the files were reviewed against each
// engine's documentation (see the package documentation). Run with
// -update to rewrite them after a deliberate change.
func TestGolden(t *testing.T) {
	for _, d := range Dialects() {
		for _, r := range []summary.Returns{summary.ReturnsNet, summary.ReturnsDrop, summary.ReturnsPurchase} {
			var b bytes.Buffer
			for _, g := range []summary.Grain{summary.Day, summary.Week, summary.Month} {
				for _, cal := range []string{"", "1997-09-30"} {
					o := baseOptions(d)
					o.Grain, o.Returns = g, r
					if cal != "" {
						o.CalibrationEnd = date(cal)
					}
					q, err := Summary(o)
					if err != nil {
						t.Fatalf("%v %v %v %q: %v", d, r, g, cal, err)
					}
					fmt.Fprintf(&b, "-- clv sql --dialect %s --returns %s --grain %s --unit week --observation-end 1998-06-30", d, r, g)
					if cal != "" {
						fmt.Fprintf(&b, " --calibration-end %s", cal)
					}
					fmt.Fprintf(&b, "\n%s;\n\n", q.SQL)
				}
			}
			checkGolden(t, fmt.Sprintf("%s_%s.sql", d, r), b.Bytes())
		}
		var b bytes.Buffer
		for _, c := range ruleCases {
			o := baseOptions(d)
			c.set(&o)
			build := Summary
			if c.histogram {
				build = Histogram
			}
			q, err := build(o)
			if err != nil {
				t.Fatalf("%v %s: %v", d, c.name, err)
			}
			fmt.Fprintf(&b, "-- %s\n%s;\n", c.name, q.SQL)
			if len(q.Args) > 0 {
				fmt.Fprintf(&b, "-- args: %#v\n", q.Args)
			}
			b.WriteString("\n")
		}
		checkGolden(t, fmt.Sprintf("%s_rules.sql", d), b.Bytes())
	}
}

var ruleCases = []struct {
	name      string
	histogram bool
	set       func(*Options)
}{
	{"row rules: where, amount_expr, is_return (UCI Online Retail style)", false, func(o *Options) {
		o.Amount = ""
		o.Rules = summary.RowRules{
			Where:    `Country == "United Kingdom" && !is_empty(CustomerID) && Quantity != 0`,
			Amount:   "Quantity * UnitPrice",
			IsReturn: `starts_with(InvoiceNo, "C") || ends_with(lower(StockCode), "post") || contains(Description, "it's \\ \"odd\"")`,
		}
	}},
	{"functions: every function of the rule language", false, func(o *Options) {
		o.Rules.Where = `if(a > 1, min(a, b, 3), max(a, 2)) + abs(a) + sqrt(b) + exp(0) + log(b) + pow(a, 2) + a^2 + round(a) + floor(a) + ceil(a) + clamp(a, 0, 9) - -a / 2 >= 0 || a <= 1 || a < 2 || a == 3`
	}},
	{"time zone, month grain, 14-day unit, calibration", false, func(o *Options) {
		o.TimeZone, o.Grain, o.Unit, o.CalibrationEnd = "Europe/Berlin", summary.Month, summary.Unit{Days: 14, Name: "14d"}, date("1997-09-30")
	}},
	{"bind parameters: dates, unit, zone and rule values as placeholders", false, func(o *Options) {
		o.Inline, o.TimeZone, o.CalibrationEnd = false, "UTC", date("1997-09-30")
		o.Rules.Where = `Country != "DE" && Quantity > 1.5`
	}},
	{"histogram: week grain, calibration", true, func(o *Options) {
		o.Grain, o.CalibrationEnd = summary.Week, date("1997-09-30")
	}},
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run TestGolden -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s: the generated SQL differs from the golden file; review the change and run go test -run TestGolden -update", path)
	}
}
