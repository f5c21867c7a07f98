package model

import (
	"math"
	"math/rand/v2"
	"runtime"
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

// Above sampleStartRows distinct rows the BG/NBD and MBG/NBD fits start
// from a fit to a sample of the rows and run Newton's method
// (searchNewton) instead of BFGS from the default start. The optimum is
// the same: parameters and log-likelihood agree with the BFGS path (forced
// by passing the default start explicitly) to rounding, in far fewer
// evaluations of the full data, and the result is the same bits on 1 and
// 2 threads.
func TestBetaGeoSampleStartMatchesBFGS(t *testing.T) {
	rows := Compress(cdnowLikeRows(rand.NewPCG(5, 17), 200_000, 10, 78))
	if len(rows) <= sampleStartRows {
		t.Fatalf("%d distinct rows: want more than %d", len(rows), sampleStartRows)
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, modified := range []bool{false, true} {
		model := map[bool]string{false: "BG/NBD", true: "MBG/NBD"}[modified]
		s := summarize(rows)
		bfgs, err := fitBetaGeo(model, rows, FitOptions{Start: betaGeoStart(s)}, modified)
		if err != nil {
			t.Fatalf("%s from the default start: %v", model, err)
		}
		var one Fit
		for _, procs := range []int{1, 2} {
			runtime.GOMAXPROCS(procs)
			newton, err := fitBetaGeo(model, rows, FitOptions{}, modified)
			if err != nil {
				t.Fatalf("%s from the sample's fit, GOMAXPROCS=%d: %v", model, procs, err)
			}
			if procs == 1 {
				one = newton
				for i, v := range newton.Params {
					if rel := math.Abs(v-bfgs.Params[i]) / bfgs.Params[i]; rel > 1e-12 {
						t.Errorf("%s %s = %v from the sample's fit, %v by BFGS: %.1e apart", model, newton.Names[i], v, bfgs.Params[i], rel)
					}
					if rel := math.Abs(newton.StdErrors[i]-bfgs.StdErrors[i]) / bfgs.StdErrors[i]; rel > 1e-7 {
						t.Errorf("%s SE(%s) = %v from the sample's fit, %v by BFGS", model, newton.Names[i], newton.StdErrors[i], bfgs.StdErrors[i])
					}
				}
				if rel := math.Abs(newton.LogLikelihood-bfgs.LogLikelihood) / -bfgs.LogLikelihood; rel > 1e-14 {
					t.Errorf("%s LL %v from the sample's fit, %v by BFGS", model, newton.LogLikelihood, bfgs.LogLikelihood)
				}
				if newton.Evaluations*2 > bfgs.Evaluations {
					t.Errorf("%s: %d evaluations from the sample's fit, %d by BFGS: want under half", model, newton.Evaluations, bfgs.Evaluations)
				}
				continue
			}
			for i := range newton.Params {
				if math.Float64bits(newton.Params[i]) != math.Float64bits(one.Params[i]) ||
					math.Float64bits(newton.StdErrors[i]) != math.Float64bits(one.StdErrors[i]) {
					t.Errorf("%s GOMAXPROCS=%d: %s = %v ± %v, with 1 thread %v ± %v", model, procs, newton.Names[i],
						newton.Params[i], newton.StdErrors[i], one.Params[i], one.StdErrors[i])
				}
			}
		}
	}
}
