package model_test

import (
	"encoding/csv"
	"fmt"
	"os"
	"strconv"

	"github.com/clvkit/clvkit/core/model"
)

func ExampleFitGammaGamma() {
	// CDNOW calibration summary (lifetimes): ID,x,t_x,T,zbar per customer.
	f, err := os.Open("testdata/cdnow_with_tx.csv")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		fmt.Println(err)
		return
	}
	var rows []model.SpendRow
	for _, r := range recs[1:] {
		x, _ := strconv.ParseFloat(r[1], 64)
		zbar, _ := strconv.ParseFloat(r[4], 64)
		rows = append(rows, model.SpendRow{Frequency: x, MeanSpend: zbar, Weight: 1})
	}
	g, fit, err := model.FitGammaGamma(rows, model.FitOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	mean, _ := g.MeanSpend()
	fmt.Printf("p=%.2f q=%.2f v=%.2f, mean spend %.2f\n", g.P, g.Q, g.V, mean)
	fmt.Printf("fitted on %v customers, excluded %v (no repeat purchase), corr(x, z̄) = %.3f, warning %q\n",
		fit.Customers, fit.Excluded, fit.Correlation, fit.Warning)
	// Output:
	// p=6.25 q=3.74 v=15.45, mean spend 35.17
	// fitted on 946 customers, excluded 1411 (no repeat purchase), corr(x, z̄) = 0.114, warning ""
}

func ExampleGammaGamma_ConditionalExpectedSpend() {
	// CDNOW parameters (FHL 2005; lifetimes).
	g := model.GammaGamma{P: 6.25, Q: 3.74, V: 15.44}
	for _, c := range []struct{ x, zbar float64 }{{0, 0}, {1, 11.77}, {2, 22.35}, {20, 22.35}} {
		s, err := g.ConditionalExpectedSpend(c.x, c.zbar)
		fmt.Printf("x=%2v z̄=%5.2f → %.2f %v\n", c.x, c.zbar, s, err)
	}
	// Output:
	// x= 0 z̄= 0.00 → 35.22 <nil>
	// x= 1 z̄=11.77 → 18.92 <nil>
	// x= 2 z̄=22.35 → 24.66 <nil>
	// x=20 z̄=22.35 → 22.63 <nil>
}
