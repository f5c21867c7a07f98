package model_test

import (
	"errors"
	"fmt"

	"github.com/clvkit/clvkit/core/model"
)

func ExampleFitSBG() {
	// High End cohort of Fader & Hardie (2007): customers still subscribed
	// at the start of years 0..7 (the paper's calibration data).
	alive := []float64{1000, 869, 743, 653, 593, 551, 517, 491}
	m, _, err := model.FitSBG(alive, model.FitOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("alpha=%.3f beta=%.3f\n", m.Alpha, m.Beta)
	for t := 8; t <= 12; t++ {
		fmt.Printf("year %d: projected %.3f alive\n", t, m.Survival(t))
	}
	// Output:
	// alpha=0.668 beta=3.806
	// year 8: projected 0.460 alive
	// year 9: projected 0.436 alive
	// year 10: projected 0.414 alive
	// year 11: projected 0.395 alive
	// year 12: projected 0.378 alive
}

func ExampleSBG_ExpectedLifetime() {
	for _, m := range []model.SBG{{Alpha: 0.668, Beta: 3.806}, {Alpha: 3, Beta: 2}} {
		e, err := m.ExpectedLifetime()
		if errors.Is(err, model.ErrInfiniteLifetime) {
			fmt.Printf("alpha=%v: mean lifetime infinite; median %v periods\n", m.Alpha, m.MedianLifetime())
			continue
		}
		fmt.Printf("alpha=%v: mean lifetime %.2f periods; median %v\n", m.Alpha, e, m.MedianLifetime())
	}
	// Output:
	// alpha=0.668: mean lifetime infinite; median 7 periods
	// alpha=3: mean lifetime 2.00 periods; median 1
}

func ExampleSBG_DERL() {
	m := model.SBG{Alpha: 0.668, Beta: 3.806}
	// A High End customer who has renewed 7 times, before her 8th renewal
	// decision, at a 10% discount rate per year; and the retention curve.
	fmt.Printf("DERL = %.3f years\n", m.DERL(0.10, 8))
	fmt.Printf("retention years 1-4: %.3f\n", m.RetentionCurve(4))
	// Output:
	// DERL = 7.530 years
	// retention years 1-4: [0.851 0.878 0.897 0.911]
}
