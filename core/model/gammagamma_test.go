package model

import (
	"encoding/csv"
	"os"
	"strconv"
	"testing"
)

// modelBReadCSV reads a testdata CSV file into a header and float rows.
func modelBReadCSV(t testing.TB, name string) ([]string, [][]float64) {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	out := make([][]float64, 0, len(recs)-1)
	for i, rec := range recs[1:] {
		row := make([]float64, len(rec))
		for j, s := range rec {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				t.Fatalf("%s: line %d: column %q: %v", name, i+2, recs[0][j], err)
			}
			row[j] = v
		}
		out = append(out, row)
	}
	return recs[0], out
}

// cdnowSpendRows returns the CDNOW calibration summary (lifetimes'
// cdnow_customers_summary_with_transactions.csv: ID,x,t_x,T,zbar) as spend rows.
func cdnowSpendRows(t testing.TB) []SpendRow {
	_, recs := modelBReadCSV(t, "cdnow_with_tx.csv")
	rows := make([]SpendRow, len(recs))
	for i, r := range recs {
		rows[i] = SpendRow{Frequency: r[1], MeanSpend: r[4], Weight: 1}
	}
	return rows
}

func TestGammaGammaCDNOWProbe(t *testing.T) {
	g, fit, err := FitGammaGamma(cdnowSpendRows(t), FitOptions{})
	t.Logf("%+v %+v %v", g, fit, err)
	ms, _ := g.MeanSpend()
	t.Logf("mean %v", ms)
}
