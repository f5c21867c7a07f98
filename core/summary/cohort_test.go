package summary

import (
	"math"
	"testing"
)

func TestCohorts(t *testing.T) {
	b, _ := NewBuilder(Options{ObservationEnd: date("2024-03-15")})
	for _, x := range []Transaction{
		tx("a", "2024-01-05", 10), tx("a", "2024-02-01", 20), tx("a", "2024-03-15", 40),
		tx("b", "2024-01-20", 30),
		tx("c", "2024-02-10", 5), tx("c", "2024-02-11", 5),
		tx("d", "2024-03-16", 99), // after the end: ignored
	} {
		b.Add(x)
	}
	cs, err := b.Cohorts(CohortOptions{DiscountRatePerPeriod: 1})
	if err != nil {
		t.Fatal(err)
	}
	// January cohort (a, b): k=0 (10+30)/2=20, k=1 20/2=10, k=2 40/2=20;
	// cumulative with d=1: 20, 20+10/2=25, 25+20/4=30.
	// February cohort (c): k=0 10, k=1 0 (March, partial).
	want := []Cohort{
		{Start: date("2024-01-01"), Customers: 2, Revenue: []float64{20, 10, 20}, Cumulative: []float64{20, 25, 30}},
		{Start: date("2024-02-01"), Customers: 1, Revenue: []float64{10, 0}, Cumulative: []float64{10, 10}},
	}
	if len(cs) != len(want) {
		t.Fatalf("%+v", cs)
	}
	for i := range want {
		g, w := cs[i], want[i]
		if !g.Start.Equal(w.Start) || g.Customers != w.Customers || !eq(g.Revenue, w.Revenue) || !eq(g.Cumulative, w.Cumulative) {
			t.Errorf("cohort %d: %+v, want %+v", i, g, w)
		}
	}
	cs, _ = b.Cohorts(CohortOptions{Grain: Week, Periods: 1})
	if len(cs) != 3 || len(cs[0].Revenue) != 1 || !cs[0].Start.Equal(date("2024-01-01")) {
		t.Errorf("weekly: %+v", cs)
	}
	if _, err := b.Cohorts(CohortOptions{DiscountRatePerPeriod: -1}); err == nil {
		t.Error("discount rate -1 accepted")
	}
}

func eq(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(a[i]-b[i]) > 1e-12 {
			return false
		}
	}
	return true
}
