package score

import (
	"context"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/core/model"
	"github.com/clvkit/clvkit/core/segment"
	"github.com/clvkit/clvkit/core/summary"
)

// cdnow summarizes the CDNOW sample (core/model/testdata, lifetimes, MIT)
// as Fader, Hardie & Lee (2005) do: day grain, weeks, calibration ending
// 1997-09-30.
func cdnow(t testing.TB) []summary.Customer {
	t.Helper()
	f, err := os.Open("../model/testdata/CDNOW_sample.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := summary.NewBuilder(summary.Options{Grain: summary.Day, Unit: summary.Weeks,
		ObservationEnd: time.Date(1997, 9, 30, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	err = summary.ReadCSV(f, summary.CSVOptions{Whitespace: true, DateFormat: "YYYYMMDD",
		Columns: summary.Columns{Customer: "2", Date: "3", Amount: "5"}}, b)
	if err != nil {
		t.Fatal(err)
	}
	s, err := b.Summary()
	if err != nil {
		t.Fatal(err)
	}
	return s.Customers
}

func cdnowOptions() Options {
	return Options{
		Purchase:   BGNBD,
		Spend:      true,
		CLV:        model.CLVOptions{Months: 12, AnnualDiscountRate: 0.1, Margin: 0.3, DaysPerUnit: 7},
		TierColumn: "clv",
	}
}

func TestScoreCDNOW(t *testing.T) {
	cs := cdnow(t)
	res, err := Score(context.Background(), cs, cdnowOptions())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.IDs) != 2357 || res.IDs[0] != "0001" || res.IDs[2356] != "2357" {
		t.Fatalf("ids: %d rows, first %q, last %q", len(res.IDs), res.IDs[0], res.IDs[len(res.IDs)-1])
	}
	// Unrounded weeks give the paper's BG/NBD fit (Fader, Hardie & Lee 2005:
	// 0.243, 4.414, 0.793, 2.426; 4 digits as fitted by lifetimes on the
	// 2-decimal summary: 0.2426, 4.4135, 0.7929, 2.4258), to 1e-3.
	want := []float64{0.2426, 4.4135, 0.7929, 2.4258}
	for i, w := range want {
		if got := res.PurchaseFit.Params[i]; math.Abs(got-w) > 1e-3*w {
			t.Errorf("%s = %.4f, want %.4f", res.PurchaseFit.Names[i], got, w)
		}
	}
	// Gamma-Gamma on the 946 repeat buyers: p 6.25, q 3.74, v 15.44 (lifetimes docs).
	if p, q := res.Spend.P, res.Spend.Q; math.Abs(p-6.25) > 0.02 || math.Abs(q-3.74) > 0.02 {
		t.Errorf("Gamma-Gamma p, q = %.3f, %.3f; want 6.25, 3.74", p, q)
	}
	wantCols := []string{"frequency", "recency", "T", "monetary_value", "p_alive", "expected_purchases",
		"expected_spend", "clv", "r", "f", "m", "rfm", "segment", "tier", "spend_source"}
	var got []string
	for _, c := range res.Columns {
		got = append(got, c.Name)
	}
	if !slices.Equal(got, wantCols) {
		t.Errorf("columns = %v, want %v", got, wantCols)
	}
	clv, _ := res.Column("clv")
	pa, _ := res.Column("p_alive")
	for i := range res.IDs {
		if clv.Floats[i] < 0 || math.IsNaN(clv.Floats[i]) || pa.Floats[i] <= 0 || pa.Floats[i] > 1 {
			t.Fatalf("customer %s: clv %v, p_alive %v", res.IDs[i], clv.Floats[i], pa.Floats[i])
		}
	}
}

// TestScoreDeterministic: shuffled input and any GOMAXPROCS give identical
// numbers, bit for bit.
func TestScoreDeterministic(t *testing.T) {
	cs := cdnow(t)
	a, err := Score(context.Background(), cs, cdnowOptions())
	if err != nil {
		t.Fatal(err)
	}
	shuffled := slices.Clone(cs)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	b, err := Score(context.Background(), shuffled, cdnowOptions())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.IDs, b.IDs) {
		t.Fatal("ids differ")
	}
	for k, c := range a.Columns {
		d := b.Columns[k]
		for i := range a.IDs {
			if c.Floats != nil && math.Float64bits(c.Floats[i]) != math.Float64bits(d.Floats[i]) {
				t.Fatalf("column %s, customer %s: %v vs %v", c.Name, a.IDs[i], c.Floats[i], d.Floats[i])
			}
			if c.Labels != nil && c.Labels[i] != d.Labels[i] {
				t.Fatalf("column %s, customer %s: %q vs %q", c.Name, a.IDs[i], c.Labels[i], d.Labels[i])
			}
		}
	}
}

func TestScoreColumnsAndRules(t *testing.T) {
	cs := cdnow(t)
	o := cdnowOptions()
	contrib, err := NewExpression("contribution", "clv - 2.5 * expected_purchases")
	if err != nil {
		t.Fatal(err)
	}
	o.Columns = []Columner{contrib}
	m, err := segment.NewMap([]segment.Rule{
		{Segment: "VIP", When: "contribution > 100 && p_alive > 0.5"},
		{Segment: "Everyone else", When: "true"},
	}, "Other")
	if err != nil {
		t.Fatal(err)
	}
	o.Segments = m
	res, err := Score(context.Background(), cs, o)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := res.Column("contribution")
	clv, _ := res.Column("clv")
	ep, _ := res.Column("expected_purchases")
	seg, _ := res.Column("segment")
	vip := 0
	for i := range res.IDs {
		want := clv.Floats[i] - 2.5*ep.Floats[i]
		if math.Abs(c.Floats[i]-want) > 1e-9*math.Max(1, math.Abs(want)) {
			t.Fatalf("contribution of %s = %v, want %v", res.IDs[i], c.Floats[i], want)
		}
		if seg.Labels[i] == "VIP" {
			vip++
		}
	}
	if vip == 0 || vip == len(res.IDs) {
		t.Errorf("%d VIPs of %d: the rule did not split the base", vip, len(res.IDs))
	}
}

var badOptions = []struct {
	name string
	edit func(*Options)
	want string
}{
	{"unknown model", func(o *Options) { o.Purchase = "nbd" }, "unknown purchase model"},
	{"unknown column", func(o *Options) {
		e, _ := NewExpression("x", "clv * lifts")
		o.Columns = []Columner{e}
	}, `no numeric column "lifts"`},
	{"bgbb on weeks", func(o *Options) { o.Purchase = BGBB }, "whole purchase opportunities"},
	{"no months", func(o *Options) { o.CLV.Months = 0 }, "months"},
}

func TestScoreErrors(t *testing.T) {
	cs := cdnow(t)
	for _, tc := range badOptions {
		t.Run(tc.name, func(t *testing.T) {
			o := cdnowOptions()
			tc.edit(&o)
			_, err := Score(context.Background(), cs, o)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}
