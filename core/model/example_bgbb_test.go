package model_test

import (
	"fmt"

	"github.com/clvkit/clvkit/core/model"
)

func ExampleFitBGBB() {
	// Recency/frequency patterns of 11,104 donors over n = 6 annual
	// opportunities (FHS 2010; lifetimes' donations.csv).
	rows := []model.BGBBRow{
		{0, 0, 6, 3464}, {1, 1, 6, 1091}, {1, 2, 6, 277}, {1, 3, 6, 129}, {1, 4, 6, 78},
		{1, 5, 6, 119}, {1, 6, 6, 129}, {2, 2, 6, 613}, {2, 3, 6, 255}, {2, 4, 6, 155},
		{2, 5, 6, 173}, {2, 6, 6, 234}, {3, 3, 6, 322}, {3, 4, 6, 181}, {3, 5, 6, 225},
		{3, 6, 6, 357}, {4, 4, 6, 240}, {4, 5, 6, 284}, {4, 6, 6, 512}, {5, 5, 6, 335},
		{5, 6, 6, 728}, {6, 6, 6, 1203},
	}
	m, fit, err := model.FitBGBB(rows, model.FitOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("alpha=%.3f beta=%.3f gamma=%.3f delta=%.3f LL=%.1f\n", m.Alpha, m.Beta, m.Gamma, m.Delta, fit.LogLikelihood)
	// Output: alpha=1.204 beta=0.750 gamma=0.657 delta=2.783 LL=-33225.6
}

func ExampleBGBB_DERT() {
	m := model.BGBB{Alpha: 1.204, Beta: 0.750, Gamma: 0.657, Delta: 2.783}
	// A donor who gave in each of the 6 years, and one who gave once, in year 1.
	for _, p := range [][3]int{{6, 6, 6}, {1, 1, 6}} {
		x, tx, n := p[0], p[1], p[2]
		fmt.Printf("(x=%d, tx=%d, n=%d): P(alive at 7) = %.3f, E[next 5] = %.3f, DERT(10%%) = %.3f\n",
			x, tx, n, m.ProbabilityAlive(x, tx, n), m.ConditionalExpectedPurchases(5, x, tx, n), m.DERT(0.10, x, tx, n))
	}
	fmt.Printf("new donor: E[X(6)] = %.3f, P(X(6)=0) = %.3f\n", m.ExpectedPurchases(6), m.ProbabilityPurchases(0, 6))
	// Output:
	// (x=6, tx=6, n=6): P(alive at 7) = 0.930, E[next 5] = 3.752, DERT(10%) = 5.909
	// (x=1, tx=1, n=6): P(alive at 7) = 0.069, E[next 5] = 0.086, DERT(10%) = 0.135
	// new donor: E[X(6)] = 2.220, P(X(6)=0) = 0.311
}
