package model

import (
	"math"
	"slices"
	"testing"
)

// distinctXTTests are hand-made row sets: the distinct x and times (T and
// t_x together) are listed sorted, and each row's positions point at its own
// values.
var distinctXTTests = []struct {
	name      string
	rows      []RFT
	xs, times []float64
}{
	{"one row", []RFT{{X: 2, TX: 3.5, T: 10}}, []float64{2}, []float64{3.5, 10}},
	{"zero frequency shares 0 with t_x", []RFT{{X: 0, TX: 0, T: 5}, {X: 1, TX: 5, T: 5}},
		[]float64{0, 1}, []float64{0, 5}},
	{"unsorted, repeated", []RFT{{X: 3, TX: 7.25, T: 38.86}, {X: 1, TX: 1.71, T: 38.86}, {X: 3, TX: 1.71, T: 7.25}, {X: 0, TX: 0, T: 0.5}},
		[]float64{0, 1, 3}, []float64{0, 0.5, 1.71, 7.25, 38.86}},
	{"negative zero is zero", []RFT{{X: 0, TX: math.Copysign(0, -1), T: 4}, {X: math.Copysign(0, -1), TX: 0, T: 4}},
		[]float64{0}, []float64{0, 4}},
}

func TestDistinctXT(t *testing.T) {
	for _, tt := range distinctXTTests {
		t.Run(tt.name, func(t *testing.T) {
			xs, times, xi, ti, txi := distinctXT(tt.rows)
			if !slices.Equal(xs, tt.xs) || !slices.Equal(times, tt.times) {
				t.Fatalf("distinct x %v, times %v; want %v, %v", xs, times, tt.xs, tt.times)
			}
			for i, r := range tt.rows {
				if xs[xi[i]] != r.X || times[ti[i]] != r.T || times[txi[i]] != r.TX {
					t.Errorf("row %d %+v: positions (%d, %d, %d) give (%v, %v, %v)", i, r, xi[i], ti[i], txi[i], xs[xi[i]], times[ti[i]], times[txi[i]])
				}
			}
		})
	}
}
