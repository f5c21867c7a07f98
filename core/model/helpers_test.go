package model

import (
	"encoding/csv"
	"math"
	"os"
	"strconv"
	"testing"
)

// loadCDNOW reads testdata/cdnow_customers_summary.csv (lifetimes, MIT):
// one row per customer, x and weeks.
func loadCDNOW(tb testing.TB) []RFT {
	tb.Helper()
	f, err := os.Open("testdata/cdnow_customers_summary.csv")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	rows := make([]RFT, 0, len(recs)-1)
	for i, rec := range recs[1:] {
		var v [3]float64
		for j := range v {
			v[j], err = strconv.ParseFloat(rec[j+1], 64)
			if err != nil {
				tb.Fatalf("line %d: %v", i+2, err)
			}
		}
		rows = append(rows, RFT{X: v[0], TX: v[1], T: v[2], Weight: 1})
	}
	return rows
}

func relErr(got, want float64) float64 {
	return math.Abs(got-want) / math.Abs(want)
}

func near(got, want, rel float64) bool {
	return relErr(got, want) <= rel
}
