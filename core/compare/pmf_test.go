package compare

import (
	"math"
	"testing"

	"github.com/clvkit/clvkit/core/model"
	"github.com/clvkit/clvkit/core/score"
)

// TestConditionalPMF checks the holdout likelihood's building block on
// each model: the probabilities of y = 0, 1, … sum to 1 and their mean is
// the model's own conditional expectation E[Y(t) | x, t_x, T] (computed by
// a different formula: the papers' closed forms).
func TestConditionalPMF(t *testing.T) {
	bgbb := func() model.PurchaseModel {
		// A BG/BB model as score fits it, from whole-number histories.
		rows := []model.RFT{{X: 0, TX: 0, T: 6, Weight: 30}, {X: 1, TX: 2, T: 6, Weight: 20}, {X: 2, TX: 5, T: 6, Weight: 15}, {X: 3, TX: 6, T: 6, Weight: 10}, {X: 5, TX: 6, T: 6, Weight: 8}, {X: 1, TX: 1, T: 4, Weight: 12}, {X: 2, TX: 4, T: 4, Weight: 9}, {X: 0, TX: 0, T: 4, Weight: 25}}
		m, _, err := score.FitPurchase(score.BGBB, rows, model.FitOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}()
	tests := []struct {
		name string
		m    model.PurchaseModel
		t    float64
		hist [][3]float64 // x, tx, T
	}{
		// CDNOW parameters of Fader, Hardie & Lee (2005): BG/NBD table and
		// the Pareto/NBD of their implementation note.
		{"bgnbd", model.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}, 39, [][3]float64{{0, 0, 38.86}, {2, 30.43, 38.86}, {7, 35, 38}, {1, 1.7, 30}}},
		{"mbgnbd", model.MBGNBD{R: 0.525, Alpha: 6.183, A: 0.891, B: 1.614}, 39, [][3]float64{{0, 0, 38.86}, {2, 30.43, 38.86}, {7, 35, 38}}},
		{"paretonbd", model.ParetoNBD{R: 0.553, Alpha: 10.578, S: 0.606, Beta: 11.669}, 39, [][3]float64{{0, 0, 38.86}, {2, 30.43, 38.86}, {7, 35, 38}}},
		{"bgbb", bgbb, 5, [][3]float64{{0, 0, 6}, {2, 5, 6}, {3, 6, 6}, {1, 1, 4}}},
	}
	for _, tc := range tests {
		pmf, err := ConditionalPMF(tc.m, tc.t)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range tc.hist {
			sum, mean := 0.0, 0.0
			for y := range 400 {
				p := pmf(y, h[0], h[1], h[2])
				if p < 0 || p > 1 {
					t.Fatalf("%s %v: P(Y=%d) = %v", tc.name, h, y, p)
				}
				sum += p
				mean += float64(y) * p
			}
			want := tc.m.ConditionalExpectedPurchases(tc.t, h[0], h[1], h[2])
			if math.Abs(sum-1) > 1e-6 || math.Abs(mean-want) > 1e-5*max(1, want) {
				t.Errorf("%s %v: Σp = %.9f, mean %.9f; want 1, E[Y] = %.9f", tc.name, h, sum, mean, want)
			}
		}
	}
}
