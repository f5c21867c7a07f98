package model_test

import (
	"fmt"
	"math"

	"github.com/clvkit/clvkit/core/model"
)

func ExampleFitBGNBDCov() {
	// 20,000 simulated customers; those from the "paid" channel buy
	// e^0.5 = 1.65 times as often while alive.
	truth := model.BGNBDCov{
		BGNBD:      model.BGNBD{R: 0.2426, Alpha: 4.4135, A: 0.7929, B: 2.4258},
		GammaTrans: []float64{0.5},
		GammaLife:  []float64{0},
	}
	attrs := []model.Attribute{{Name: "channel"}}
	for i := range 20000 {
		attrs[0].Values = append(attrs[0].Values, []string{"organic", "organic", "paid"}[i%3])
	}
	cols, z, err := model.EncodeCovariates(attrs) // channel=paid; "organic", the most frequent, is the reference
	if err != nil {
		fmt.Println(err)
		return
	}
	cov := model.Covariates{TransNames: model.ColumnNames(cols), Trans: z, LifeNames: model.ColumnNames(cols), Life: z}
	sim, err := model.SimulateEach(func(i int) model.PurchaseProcess {
		return truth.For(cov.TransRow(i), cov.LifeRow(i))
	}, model.SimOptions{Customers: 20000, Seed: 3, BirthWindowDays: 84, ObservationDays: 273, DaysPerUnit: 7})
	if err != nil {
		fmt.Println(err)
		return
	}
	m, fit, err := model.FitBGNBDCov(sim.Rows, cov, model.FitOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, name := range fit.Names[4:] {
		g, se := fit.Params[4+i], fit.StdErrors[4+i]
		fmt.Printf("%s: γ = %.2f ± %.2f, exp(γ) = %.2f\n", name, g, se, math.Exp(g))
	}
	fmt.Printf("likelihood-ratio test: %d df, p < 0.001: %v\n", fit.LRT.DF, fit.LRT.PValue < 0.001)
	paid := m.For(cov.TransRow(2), cov.LifeRow(2))
	organic := m.For(cov.TransRow(0), cov.LifeRow(0))
	fmt.Printf("52-week purchases of a new customer: paid %.2f, organic %.2f\n", paid.ExpectedPurchases(52), organic.ExpectedPurchases(52))
	// Output:
	// trans:channel=paid: γ = 0.53 ± 0.04, exp(γ) = 1.70
	// life:channel=paid: γ = -0.13 ± 0.13, exp(γ) = 0.88
	// likelihood-ratio test: 2 df, p < 0.001: true
	// 52-week purchases of a new customer: paid 1.97, organic 1.39
}
