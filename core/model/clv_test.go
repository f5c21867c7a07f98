package model

import (
	"math"
	"testing"
)

var clvTests = []struct {
	name string
	o    CLVOptions
}{
	{"12 months 10% weekly", CLVOptions{Months: 12, AnnualDiscountRate: 0.1, Margin: 0.3, DaysPerUnit: 7}},
	{"60 months no discount", CLVOptions{Months: 60, AnnualDiscountRate: 0, Margin: 1, DaysPerUnit: 7}},
	{"1 month 15%", CLVOptions{Months: 1, AnnualDiscountRate: 0.15, Margin: 0.5, DaysPerUnit: 7}},
}

// CLV is Σ_k (E[Y(k·m)] − E[Y((k−1)·m)]) · spend · margin / (1+d)^k: check
// the factored implementation against that definition, term by term, with
// m = 365.25/12/7 weeks and d = 1.1^(1/12) − 1, for every model.
func TestCLVDefinition(t *testing.T) {
	for _, md := range cdnowModels {
		for _, c := range clvTests {
			for _, cu := range []RFT{{0, 0, 38.86, 1}, {2, 30.43, 38.86, 1}, {26, 30.86, 31, 1}} {
				month := 365.25 / 12 / 7
				d := math.Pow(1+c.o.AnnualDiscountRate, 1.0/12) - 1
				want, prev := 0.0, 0.0
				for k := 1; k <= c.o.Months; k++ {
					cur := md.m.ConditionalExpectedPurchases(float64(k)*month, cu.X, cu.TX, cu.T)
					want += (cur - prev) * 35 * c.o.Margin / math.Pow(1+d, float64(k))
					prev = cur
				}
				got := CLV(md.m, cu.X, cu.TX, cu.T, 35, c.o)
				if !near(got, want, 1e-12) {
					t.Errorf("%s %s %+v: CLV = %.12g, definition %.12g", md.name, c.name, cu, got, want)
				}
				rows := []RFT{cu, cu}
				batch, err := CLVRows(md.m, rows, []float64{35, 35}, c.o, nil)
				if err != nil || batch[0] != got || batch[1] != got {
					t.Errorf("%s %s: CLVRows = %v (%v), CLV = %v", md.name, c.name, batch, err, got)
				}
			}
		}
	}
	// No discount, margin 1, spend 1: CLV is the expected purchases over the
	// horizon.
	m := cdnowModels[0].m
	o := CLVOptions{Months: 12, Margin: 1, DaysPerUnit: 7}
	if got, want := CLV(m, 2, 30.43, 38.86, 1, o), m.ConditionalExpectedPurchases(365.25/7, 2, 30.43, 38.86); !near(got, want, 1e-12) {
		t.Errorf("undiscounted CLV = %v, E[Y(1 year)] = %v", got, want)
	}
}

// The same customers and model expressed in days instead of weeks give the
// same CLV: the unit is explicit, never guessed.
func TestCLVUnits(t *testing.T) {
	w := BGNBD{R: 0.2426, Alpha: 4.4135, A: 0.7929, B: 2.4258}
	d := BGNBD{R: w.R, Alpha: w.Alpha * 7, A: w.A, B: w.B} // rate per day
	ow := CLVOptions{Months: 24, AnnualDiscountRate: 0.1, Margin: 0.3, DaysPerUnit: 7}
	od := ow
	od.DaysPerUnit = 1
	got, want := CLV(d, 2, 30.43*7, 38.86*7, 40, od), CLV(w, 2, 30.43, 38.86, 40, ow)
	if !near(got, want, 1e-10) {
		t.Errorf("CLV in days = %v, in weeks = %v", got, want)
	}
}

func TestCLVOptionsValidate(t *testing.T) {
	for _, o := range []CLVOptions{
		{Months: 0, Margin: 1, DaysPerUnit: 7},
		{Months: 12, AnnualDiscountRate: -0.1, Margin: 1, DaysPerUnit: 7},
		{Months: 12, Margin: 1.5, DaysPerUnit: 7},
		{Months: 12, Margin: 1},
	} {
		if o.Validate() == nil {
			t.Errorf("%+v: no error", o)
		}
		if _, err := CLVRows(cdnowModels[0].m, nil, nil, o, nil); err == nil {
			t.Errorf("CLVRows(%+v): no error", o)
		}
	}
}
