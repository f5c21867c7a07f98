package group

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/internal/textenc"
)

// handCustomers: hand-computed figures in TestComputeByHand.
func handCustomers() []Customer {
	nan := math.NaN()
	return []Customer{
		{ID: "a", Values: []string{"email"}, CLV: 100.004, PAlive: 0.5, ExpectedPurchases: 2, ExpectedSpend: 80, Revenue: 50, Cost: 20},
		{ID: "b", Values: []string{"email"}, CLV: 50.006, PAlive: 0.25, ExpectedPurchases: 1, ExpectedSpend: 40, Revenue: 30, Cost: 40},
		{ID: "c", Values: []string{"paid"}, CLV: 200, PAlive: 0.9, ExpectedPurchases: 4, ExpectedSpend: 160, Revenue: 100, Cost: nan},
		{ID: "d", Values: []string{" "}, CLV: 10, PAlive: 0.1, ExpectedPurchases: 0.5, ExpectedSpend: 20, Revenue: 5, Cost: nan},
	}
}

func TestComputeByHand(t *testing.T) {
	acq := &Acquisition{Rows: []CostRow{
		mustRow(t, []string{"email"}, "300", "10"), // CAC 30
		mustRow(t, []string{"paid"}, "1000", "10"), // CAC 100
		mustRow(t, []string{"tv"}, "500", "5"),     // no customers
	}}
	rep, err := Compute(handCustomers(), Options{By: []string{"channel"}, Precision: 2, MinCustomers: 2,
		HorizonMonths: 12, Margin: 0.5, TargetRatio: 3, Acquisition: acq})
	if err != nil {
		t.Fatal(err)
	}
	inf := math.Inf(1)
	want := []struct {
		name                  string
		n                     int
		share                 float64
		clv, pAlive, ep, es   string
		rev                   string
		clvShare, mean, se    float64
		meanPAlive            float64
		small                 bool
		cac, ratio, max, back float64 // NaN: no cost
	}{
		// paid: 200.00 of 360.01; one customer: no standard error, too small.
		// CAC 1000/10 = 100; LTV:CAC 200/100 = 2; max CAC 200/3;
		// payback 100 / (0.5 × 160 / 12) = 15 months > 12: not within.
		{"paid", 1, 0.25, "200.00", "0.90", "4.00", "160.00", "100.00", 200 / 360.01, 200, math.NaN(), 0.9, true, 100, 2, 200.0 / 3, inf},
		// email: 100.004 → 100.00 and 50.006 → 50.01, total 150.01, mean
		// 75.005; se of two values = |x1 − x2|/2 = 24.995.
		// CAC 300/10 = 30; LTV:CAC 75.005/30; max 75.005/3;
		// payback 30 / (0.5 × (120/2) / 12) = 30 / 2.5 = 12 months.
		{"email", 2, 0.5, "150.01", "0.75", "3.00", "120.00", "80.00", 150.01 / 360.01, 75.005, 24.995, 0.375, false, 30, 75.005 / 30, 75.005 / 3, 12},
		// blank → unknown; no cost row.
		{"unknown", 1, 0.25, "10.00", "0.10", "0.50", "20.00", "5.00", 10 / 360.01, 10, math.NaN(), 0.1, true, math.NaN(), 0, 0, 0},
	}
	if len(rep.Groups) != len(want) {
		t.Fatalf("%d groups, want %d", len(rep.Groups), len(want))
	}
	for i, w := range want {
		g := rep.Groups[i]
		if g.Name() != w.name || g.Customers != w.n || g.CLV.String() != w.clv || g.PAlive.String() != w.pAlive ||
			g.ExpectedPurchases.String() != w.ep || g.ExpectedSpend.String() != w.es || g.Revenue.String() != w.rev || g.TooSmall != w.small {
			t.Errorf("group %d = %s n=%d clv=%s palive=%s ep=%s es=%s rev=%s small=%v, want %+v", i, g.Name(), g.Customers, g.CLV, g.PAlive, g.ExpectedPurchases, g.ExpectedSpend, g.Revenue, g.TooSmall, w)
		}
		for _, c := range []struct {
			what      string
			got, want float64
		}{{"share", g.CustomerShare, w.share}, {"clv share", g.CLVShare, w.clvShare}, {"mean", g.MeanCLV, w.mean}, {"se", g.MeanCLVStdErr, w.se}, {"mean p_alive", g.MeanPAlive, w.meanPAlive}} {
			if !close(c.got, c.want) {
				t.Errorf("%s %s = %v, want %v", w.name, c.what, c.got, c.want)
			}
		}
		if math.IsNaN(w.cac) {
			if g.Cost != nil {
				t.Errorf("%s has a cost %+v, want none", w.name, g.Cost)
			}
			continue
		}
		if g.Cost == nil {
			t.Fatalf("%s has no cost", w.name)
		}
		for _, c := range []struct {
			what      string
			got, want float64
		}{{"cac", g.Cost.CAC, w.cac}, {"ltv:cac", g.Cost.LTVToCAC, w.ratio}, {"max cac", g.Cost.MaxCAC, w.max}, {"payback", g.Cost.PaybackMonths, w.back}} {
			if !close(c.got, c.want) {
				t.Errorf("%s %s = %v, want %v", w.name, c.what, c.got, c.want)
			}
		}
	}
	if rep.Total.Name() != "total" || rep.Total.Customers != 4 || rep.Total.CLV.String() != "360.01" || rep.Total.TooSmall {
		t.Errorf("total = %+v", rep.Total)
	}
	// Total cost: (300 + 1000) / (10 + 10) = 65 over the groups with customers.
	if rep.Total.Cost == nil || rep.Total.Cost.CAC != 65 {
		t.Errorf("total cost = %+v, want CAC 65", rep.Total.Cost)
	}
	if strings.Join(rep.CostOnly, ",") != "tv" {
		t.Errorf("CostOnly = %v, want [tv]", rep.CostOnly)
	}
}

func TestComputeCustomerCost(t *testing.T) {
	rep, err := Compute(handCustomers(), Options{By: []string{"channel"}, Precision: 2, HorizonMonths: 12, Margin: 1, TargetRatio: 3, CustomerCost: true})
	if err != nil {
		t.Fatal(err)
	}
	email := rep.Groups[1]
	// mean of 20 and 40; payback 30 / (1 × 60 / 12) = 6 months.
	if email.Cost == nil || email.Cost.CAC != 30 || email.Cost.CostCustomers != 2 || !close(email.Cost.PaybackMonths, 6) {
		t.Errorf("email cost = %+v, want CAC 30 from 2 customers, payback 6", email.Cost)
	}
	if rep.Groups[0].Cost != nil {
		t.Errorf("paid has no known costs but got %+v", rep.Groups[0].Cost)
	}
}

func TestComputeTwoAttributes(t *testing.T) {
	cs := []Customer{
		{ID: "1", Values: []string{"email", "DE"}, CLV: 5},
		{ID: "2", Values: []string{"email", ""}, CLV: 5},
		{ID: "3", Values: []string{"ads", "DE"}, CLV: 5},
	}
	rep, err := Compute(cs, Options{By: []string{"channel", "country"}, Precision: 0, HorizonMonths: 12, Margin: 1})
	if err != nil {
		t.Fatal(err)
	}
	// Equal CLV: ordered by name.
	var names []string
	for _, g := range rep.Groups {
		names = append(names, g.Name())
	}
	if got := strings.Join(names, "|"); got != "ads / DE|email / DE|email / unknown" {
		t.Errorf("order = %s", got)
	}
}

var computeErrors = []struct {
	name string
	cs   []Customer
	o    Options
	want string
}{
	{"no by", handCustomers(), Options{Precision: 2, HorizonMonths: 12}, "no attribute"},
	{"values", []Customer{{ID: "x9", Values: []string{"a", "b"}}}, Options{By: []string{"channel"}, HorizonMonths: 12}, `customer "x9": 2 attribute values`},
	{"nan", []Customer{{ID: "x9", Values: []string{"a"}, CLV: math.NaN()}}, Options{By: []string{"channel"}, HorizonMonths: 12}, `customer "x9": clv NaN: want a finite number`},
	{"precision", handCustomers(), Options{By: []string{"c"}, Precision: 18, HorizonMonths: 12}, "precision 18"},
	{"margin", handCustomers(), Options{By: []string{"c"}, Margin: 2, HorizonMonths: 12}, "margin 2"},
	{"both", handCustomers(), Options{By: []string{"c"}, HorizonMonths: 12, TargetRatio: 3, CustomerCost: true, Acquisition: &Acquisition{}}, "cannot both"},
	{"target", handCustomers(), Options{By: []string{"c"}, HorizonMonths: 12, CustomerCost: true}, "target LTV:CAC 0"},
	{"none", nil, Options{By: []string{"c"}, HorizonMonths: 12}, "no customers"},
	{"twice", handCustomers(), Options{By: []string{"c", "c"}, HorizonMonths: 12}, `attribute "c" given twice`},
}

func TestComputeErrors(t *testing.T) {
	for _, tt := range computeErrors {
		_, err := Compute(tt.cs, tt.o)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.want)
		}
	}
}

// TestGroupsAddUp: on random customers (fixed seed) in random groups, at
// every precision, the groups' totals add up to the total row and the
// total row is the sum of the per-customer values as the scored output
// prints them, byte for byte. The reference sums are done independently
// here, on the printed text, in scaled integers (the values are small
// enough for int64 at up to 9 decimals).
func TestGroupsAddUp(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 2026))
	labels := []string{"email", "paid_search", "social", "", "referral", "tv"}
	for _, prec := range []int{0, 1, 2, 3, 6, 9} {
		for trial := range 10 {
			n := 1 + rng.IntN(500)
			cs := make([]Customer, n)
			for i := range cs {
				cs[i] = Customer{
					ID: strconv.Itoa(i), Values: []string{labels[rng.IntN(len(labels))]},
					CLV: rng.ExpFloat64() * 137.3, PAlive: rng.Float64(), ExpectedPurchases: rng.ExpFloat64() * 3,
					ExpectedSpend: rng.ExpFloat64() * 200, Revenue: (rng.Float64() - 0.05) * 900,
				}
			}
			rep, err := Compute(cs, Options{By: []string{"channel"}, Precision: prec, HorizonMonths: 12, Margin: 1})
			if err != nil {
				t.Fatal(err)
			}
			fields := []struct {
				name string
				of   func(Customer) float64
				sum  func(Group) Sum
			}{
				{"clv", func(c Customer) float64 { return c.CLV }, func(g Group) Sum { return g.CLV }},
				{"p_alive", func(c Customer) float64 { return c.PAlive }, func(g Group) Sum { return g.PAlive }},
				{"expected_purchases", func(c Customer) float64 { return c.ExpectedPurchases }, func(g Group) Sum { return g.ExpectedPurchases }},
				{"expected_spend", func(c Customer) float64 { return c.ExpectedSpend }, func(g Group) Sum { return g.ExpectedSpend }},
				{"revenue", func(c Customer) float64 { return c.Revenue }, func(g Group) Sum { return g.Revenue }},
			}
			for _, f := range fields {
				var want int64
				for _, c := range cs {
					want += scaled(t, string(textenc.AppendFloat(nil, f.of(c), prec)), prec)
				}
				wantText := unscaled(want, prec)
				if got := f.sum(rep.Total).String(); got != wantText {
					t.Fatalf("prec %d trial %d: total %s = %s, want Σ printed values %s", prec, trial, f.name, got, wantText)
				}
				var groups int64
				customers := 0
				for _, g := range rep.Groups {
					groups += scaled(t, f.sum(g).String(), prec)
					customers += g.Customers
				}
				if got := unscaled(groups, prec); got != wantText {
					t.Fatalf("prec %d trial %d: Σ groups' %s = %s, want the total %s", prec, trial, f.name, got, wantText)
				}
				if customers != n {
					t.Fatalf("Σ customers = %d, want %d", customers, n)
				}
			}
		}
	}
}

// scaled reads a printed number as an integer count of 10^-prec.
func scaled(t *testing.T, s string, prec int) int64 {
	t.Helper()
	v, err := strconv.ParseInt(strings.Replace(s, ".", "", 1), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// unscaled prints v units of 10^-prec as textenc would.
func unscaled(v int64, prec int) string {
	neg := v < 0
	if neg {
		v = -v
	}
	s := strconv.FormatInt(v, 10)
	if prec > 0 {
		for len(s) <= prec {
			s = "0" + s
		}
		s = s[:len(s)-prec] + "." + s[len(s)-prec:]
	}
	if neg && v != 0 {
		s = "-" + s
	}
	return s
}

func TestPayback(t *testing.T) {
	for _, tt := range []struct {
		cac, spend, margin float64
		months             int
		want               float64
	}{
		{0, 0, 0, 12, 0},           // nothing to pay back
		{60, 240, 0.5, 12, 6},      // 0.5 × 240 / 12 = 10 a month
		{120, 240, 0.5, 12, 12},    // exactly the horizon
		{121, 240, 0.5, 12, inf()}, // beyond the horizon
		{10, 0, 0.5, 12, inf()},    // no spend
		{10, 100, 0, 12, inf()},    // no margin
		{25, 1200, 0.25, 24, 2},    // 0.25 × 1200 / 24 = 12.5 a month
	} {
		if got := Payback(tt.cac, tt.spend, tt.margin, tt.months); got != tt.want {
			t.Errorf("Payback(%v, %v, %v, %d) = %v, want %v", tt.cac, tt.spend, tt.margin, tt.months, got, tt.want)
		}
	}
}

func inf() float64 { return math.Inf(1) }

func close(got, want float64) bool {
	if math.IsNaN(want) || math.IsInf(want, 0) {
		return math.IsNaN(got) == math.IsNaN(want) && math.IsInf(got, 1) == math.IsInf(want, 1)
	}
	return math.Abs(got-want) <= 1e-9*math.Max(1, math.Abs(want))
}

func mustRow(t *testing.T, values []string, spend, n string) CostRow {
	t.Helper()
	r, err := NewCostRow(values, spend, n, "")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestComputeDeterministic: the same customers give the same report bit
// for bit on every run (Go randomizes map order, which once leaked into
// the total's standard error).
func TestComputeDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	cs := make([]Customer, 2000)
	for i := range cs {
		cs[i] = Customer{ID: strconv.Itoa(i), Values: []string{strconv.Itoa(rng.IntN(40))}, CLV: rng.ExpFloat64() * 77.7, Cost: rng.Float64() * 10}
	}
	o := Options{By: []string{"channel"}, Precision: 6, MinCustomers: 30, HorizonMonths: 12, Margin: 1, TargetRatio: 3, CustomerCost: true}
	first := ""
	for range 20 {
		rep, err := Compute(cs, o)
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		for _, g := range append(rep.Groups, rep.Total) {
			c := *g.Cost
			g.Cost = nil // a pointer: its address differs
			got += fmt.Sprintf("%+v %x %x %+v\n", g, math.Float64bits(g.MeanCLVStdErr), math.Float64bits(g.MeanCLV), c)
		}
		if first == "" {
			first = got
		} else if got != first {
			t.Fatal("two runs differ")
		}
	}
}
