package model_test

import (
	"fmt"

	"github.com/clvkit/clvkit/core/model"
)

// exampleRows simulates 20,000 CDNOW-like customers (weeks), compressed.
func exampleRows() []model.RFT {
	sim, err := model.Simulate(model.BGNBD{R: 0.2426, Alpha: 4.4135, A: 0.7929, B: 2.4258}, model.SimOptions{
		Customers: 20000, Seed: 1, BirthWindowDays: 84, ObservationDays: 273, DaysPerUnit: 7,
	})
	if err != nil {
		panic(err)
	}
	return model.Compress(sim.Rows)
}

func ExampleFitBGNBD() {
	rows := exampleRows()
	m, fit, err := model.FitBGNBD(rows, model.FitOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d customers in %d distinct rows\n", int(fit.Customers), fit.Rows)
	fmt.Printf("r = %.2f, alpha = %.1f weeks, a = %.1f, b = %.1f\n", m.R, m.Alpha, m.A, m.B)
	fmt.Printf("new customer, next 52 weeks: %.2f purchases\n", m.ExpectedPurchases(52))
	// Output:
	// 20000 customers in 7587 distinct rows
	// r = 0.25, alpha = 4.8 weeks, a = 0.7, b = 2.3
	// new customer, next 52 weeks: 1.44 purchases
}

func ExampleBGNBD_ProbabilityAlive() {
	// FHL 2005's CDNOW parameters; customer 1516 made 26 repeat purchases,
	// the last at 30.86 weeks, and is 31 weeks old.
	m := model.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	fmt.Printf("P(alive) = %.4f\n", m.ProbabilityAlive(26, 30.86, 31))
	fmt.Printf("P(alive) after 8 quiet weeks = %.4f\n", m.ProbabilityAlive(26, 30.86, 38.86))
	fmt.Printf("next 52 weeks: %.2f purchases\n", m.ConditionalExpectedPurchases(52, 26, 30.86, 31))
	// Output:
	// P(alive) = 0.9689
	// P(alive) after 8 quiet weeks = 0.1393
	// next 52 weeks: 25.76 purchases
}

func ExampleCLV() {
	m := model.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	o := model.CLVOptions{
		Months:             12,
		AnnualDiscountRate: 0.10,
		Margin:             0.30,
		DaysPerUnit:        7, // the model was fitted on weeks
	}
	// Customer 1516, spending $35 per transaction.
	fmt.Printf("12-month CLV: $%.2f\n", model.CLV(m, 26, 30.86, 31, 35, o))
	// Output:
	// 12-month CLV: $258.97
}
