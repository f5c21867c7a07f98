package group

import (
	"math"
	"strings"
	"testing"
)

// FuzzParseAcquisition: any input gives rows that Compute can use or an
// error, never a panic; every row has a group, a finite CAC ≥ 0 and, with a
// spend, CAC = spend / new customers.
func FuzzParseAcquisition(f *testing.F) {
	for _, tt := range acquisitionTests {
		f.Add(tt.in, len(tt.by))
	}
	f.Fuzz(func(t *testing.T, in string, nBy int) {
		by := []string{"channel", "country", "device"}[:1+((nBy%3)+3)%3]
		a, err := ParseAcquisition(strings.NewReader(in), by)
		if err != nil {
			return
		}
		if len(a.Rows) == 0 {
			t.Fatal("no rows and no error")
		}
		for _, r := range a.Rows {
			if len(r.Values) != len(by) || r.Line < 2 {
				t.Fatalf("row %+v: %d values for %d attributes", r, len(r.Values), len(by))
			}
			if !(r.CAC >= 0) || math.IsInf(r.CAC, 0) {
				t.Fatalf("row %+v: CAC %v", r, r.CAC)
			}
			if !math.IsNaN(r.Spend) && (r.NewCustomers < 1 || r.CAC != r.Spend/float64(r.NewCustomers)) {
				t.Fatalf("row %+v: CAC is not spend / new customers", r)
			}
		}
		cs := []Customer{{ID: "1", Values: a.Rows[0].Values, CLV: 10, ExpectedSpend: 5}}
		if _, err := Compute(cs, Options{By: by, Precision: 2, HorizonMonths: 12, Margin: 1, TargetRatio: 3, Acquisition: a}); err != nil {
			t.Fatalf("Compute with a parsed table: %v", err)
		}
	})
}
