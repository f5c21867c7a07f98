package score

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/core/model"
	"github.com/clvkit/clvkit/core/summary"
)

// explainTests are worked examples of Explain's rules, one rule at a time.
var explainTests = []struct {
	name string
	in   ExplainInput
	want string
}{
	{"the issue's example", ExplainInput{Frequency: 5, Recency: 38, T: 40, DaysPerUnit: 7, PAlive: 0.93, ExpectedPurchases: 3.1, HorizonMonths: 12, CLV: 240, HasCLV: true},
		"bought 6 times in 40 weeks, last 2 weeks ago: very likely still active (P 0.93); expected 3.1 purchases in 12 months worth 240"},
	{"P 0.8996 prints 0.90 and is very likely", ExplainInput{Frequency: 1, Recency: 3, T: 4, DaysPerUnit: 7, PAlive: 0.8996, ExpectedPurchases: 1.04, HorizonMonths: 1},
		"bought 2 times in 4 weeks, last 1 week ago: very likely still active (P 0.90); expected 1.0 purchase in 1 month"},
	{"likely active", ExplainInput{Frequency: 2, Recency: 20, T: 30, DaysPerUnit: 7, PAlive: 0.7, ExpectedPurchases: 0.95, HorizonMonths: 6, CLV: 99.994, HasCLV: true},
		"bought 3 times in 30 weeks, last 10 weeks ago: likely still active (P 0.70); expected 0.9 purchases in 6 months worth 99.99"},
	{"may have lapsed, days", ExplainInput{Frequency: 3, Recency: 100, T: 365, DaysPerUnit: 1, PAlive: 0.3, ExpectedPurchases: 0.4, HorizonMonths: 12, CLV: 12.5, HasCLV: true},
		"bought 4 times in 365 days, last 265 days ago: may have lapsed (P 0.30); expected 0.4 purchases in 12 months worth 12.50"},
	{"likely lapsed, months", ExplainInput{Frequency: 1, Recency: 2, T: 9.5, DaysPerUnit: model.DaysPerMonth, PAlive: 0.2949, ExpectedPurchases: 0.16, HorizonMonths: 12},
		"bought 2 times in 9.5 months, last 7.5 months ago: likely lapsed (P 0.29); expected 0.2 purchases in 12 months"},
	{"very likely lapsed, 14d unit in days", ExplainInput{Frequency: 12, Recency: 3, T: 26, DaysPerUnit: 14, PAlive: 0.004, ExpectedPurchases: 0.01, HorizonMonths: 24, CLV: 1234.56, HasCLV: true},
		"bought 13 times in 364 days, last 322 days ago: very likely lapsed (P 0.00); expected 0.0 purchases in 24 months worth 1235"},
	{"one-time buyer, Pareto/NBD", ExplainInput{Frequency: 0, Recency: 0, T: 40.3, DaysPerUnit: 7, PAlive: 0.21, ExpectedPurchases: 0.12, HorizonMonths: 12, CLV: 3.4, HasCLV: true},
		"bought once, 40 weeks ago: likely lapsed (P 0.21); expected 0.1 purchases in 12 months worth 3.40"},
	{"one-time buyer, BG/NBD", ExplainInput{Frequency: 0, Recency: 0, T: 0.857, DaysPerUnit: 7, PAlive: 1, ExpectedPurchases: 2.25, HorizonMonths: 12, OneTimeActive: true},
		"bought once, 0.9 weeks ago: no repeat purchase yet (BG/NBD counts one-time buyers as active); expected 2.2 purchases in 12 months"},
	{"last purchase at the end", ExplainInput{Frequency: 1, Recency: 9.99, T: 10, DaysPerUnit: 7, PAlive: 0.999, ExpectedPurchases: 2, HorizonMonths: 12, OneTimeActive: true},
		"bought 2 times in 10 weeks, last at the end of the data: very likely still active (P 1.00); expected 2.0 purchases in 12 months"},
}

func TestExplain(t *testing.T) {
	for _, tt := range explainTests {
		if got := Explain(tt.in); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, got, tt.want)
		}
	}
}

// TestExplainColumn: Options.Explain adds the explanation column last,
// built from each customer's scored row; without it the columns are as
// before.
func TestExplainColumn(t *testing.T) {
	cs := cdnow(t)
	o := cdnowOptions()
	plain, err := Score(context.Background(), cs, o)
	if err != nil {
		t.Fatal(err)
	}
	o.Explain = true
	res, err := Score(context.Background(), cs, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Columns) != len(plain.Columns)+1 || res.Columns[len(res.Columns)-1].Name != ExplanationColumn {
		t.Fatalf("columns %d, last %q", len(res.Columns), res.Columns[len(res.Columns)-1].Name)
	}
	col := func(name string) []float64 { c, _ := res.Column(name); return c.Floats }
	ex, _ := res.Column(ExplanationColumn)
	for i := range res.IDs {
		want := Explain(ExplainInput{Frequency: col("frequency")[i], Recency: col("recency")[i], T: col("T")[i], DaysPerUnit: 7,
			PAlive: col("p_alive")[i], ExpectedPurchases: col("expected_purchases")[i], HorizonMonths: 12,
			CLV: col("clv")[i], HasCLV: true, OneTimeActive: true})
		if ex.Labels[i] != want {
			t.Fatalf("customer %s: %q, want %q", res.IDs[i], ex.Labels[i], want)
		}
		if strings.ContainsAny(ex.Labels[i], "\"\n\r") || strings.ContainsAny(ex.Labels[i][:1], "=+-@") {
			t.Fatalf("customer %s: %q is not CSV-plain", res.IDs[i], ex.Labels[i])
		}
	}
	sameColumns(t, plain, &Result{IDs: res.IDs, Columns: res.Columns[:len(res.Columns)-1]})
}

// TestPurchaseHorizon: the horizon column, in each unit, equals the
// model's conditional expectation over the span converted to the data's
// unit (weeks), and leaves the other columns as they were.
func TestPurchaseHorizon(t *testing.T) {
	cs := cdnow(t)
	o := cdnowOptions()
	plain, err := Score(context.Background(), cs, o)
	if err != nil {
		t.Fatal(err)
	}
	c := plain.Column
	for _, tt := range []struct {
		span  string
		name  string
		weeks float64
	}{
		{"39 week", "expected_purchases_39_week", 39},
		{"90 day", "expected_purchases_90_day", 90.0 / 7},
		{"6 month", "expected_purchases_6_month", 6 * 365.25 / 12 / 7},
		{"3 14d", "expected_purchases_3_14d", 6},
	} {
		span, err := summary.ParseSpan(tt.span)
		if err != nil {
			t.Fatal(err)
		}
		o.PurchaseHorizon = span
		res, err := Score(context.Background(), cs, o)
		if err != nil {
			t.Fatal(err)
		}
		k := 0
		for k < len(res.Columns) && res.Columns[k].Name != "expected_purchases" {
			k++
		}
		if res.Columns[k+1].Name != tt.name {
			t.Fatalf("%s: column after expected_purchases is %q, want %q", tt.span, res.Columns[k+1].Name, tt.name)
		}
		got := res.Columns[k+1].Floats
		x, tx, age := func() ([]float64, []float64, []float64) {
			a, _ := c("frequency")
			b, _ := c("recency")
			d, _ := c("T")
			return a.Floats, b.Floats, d.Floats
		}()
		for i := range res.IDs {
			want := plain.Purchase.ConditionalExpectedPurchases(tt.weeks, x[i], tx[i], age[i])
			if math.Abs(got[i]-want) > 1e-12*math.Max(1, want) {
				t.Fatalf("%s: customer %s: %v, want %v", tt.span, res.IDs[i], got[i], want)
			}
		}
		sameColumns(t, plain, &Result{IDs: res.IDs, Columns: append(append([]Column{}, res.Columns[:k+1]...), res.Columns[k+2:]...)})
	}
	// "12 month" is the CLV horizon's 12 months (12 × 30.4375 days), so
	// its column equals expected_purchases under horizon_months 12.
	o.PurchaseHorizon, _ = summary.ParseSpan("12 month")
	res, err := Score(context.Background(), cs, o)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := res.Column("expected_purchases")
	b, _ := res.Column("expected_purchases_12_month")
	for i := range a.Floats {
		if math.Abs(a.Floats[i]-b.Floats[i]) > 1e-12 {
			t.Fatalf("customer %s: 12 months %v, horizon_months 12 %v", res.IDs[i], b.Floats[i], a.Floats[i])
		}
	}
}

// sameColumns fails unless b has a's columns, names and values, bit for bit.
func sameColumns(t *testing.T, a, b *Result) {
	t.Helper()
	if len(a.Columns) != len(b.Columns) {
		t.Fatalf("%d columns, want %d", len(b.Columns), len(a.Columns))
	}
	for k, ca := range a.Columns {
		cb := b.Columns[k]
		if ca.Name != cb.Name {
			t.Fatalf("column %d is %q, want %q", k, cb.Name, ca.Name)
		}
		for i := range a.IDs {
			if ca.Floats != nil && math.Float64bits(ca.Floats[i]) != math.Float64bits(cb.Floats[i]) {
				t.Fatalf("column %s, customer %s: %v, want %v", ca.Name, a.IDs[i], cb.Floats[i], ca.Floats[i])
			}
			if ca.Labels != nil && ca.Labels[i] != cb.Labels[i] {
				t.Fatalf("column %s, customer %s: %q, want %q", ca.Name, a.IDs[i], cb.Labels[i], ca.Labels[i])
			}
		}
	}
}
