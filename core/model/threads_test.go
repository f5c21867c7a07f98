package model

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

// cdnowLikeRows draws n customers from the BG/NBD at the CDNOW parameters
// (FHL 2005), each with T uniform on [tMin, tMax) weeks and real-valued
// purchase times, so that nearly every repeat buyer's row is distinct.
func cdnowLikeRows(src *rand.PCG, n int, tMin, tMax float64) []RFT {
	m := BGNBD{R: 0.2426, Alpha: 4.4136, A: 0.7929, B: 2.4259}
	rng := rand.New(src)
	raw := make([]RFT, 0, n)
	var times []float64
	for range n {
		T := tMin + (tMax-tMin)*rng.Float64()
		times = m.PurchaseTimes(src, T, times[:0])
		r := RFT{X: float64(len(times)), T: T, Weight: 1}
		if len(times) > 0 {
			r.TX = times[len(times)-1]
		}
		raw = append(raw, r)
	}
	return raw
}

// The BG/NBD and MBG/NBD fits, standard errors included, give the same
// bits whatever the number of threads: the row sums are split into fixed
// chunks (chunkRows) and the chunk sums added in order. 30,000 customers
// drawn at the CDNOW parameters with real-valued times compress to more
// than 10,000 distinct rows, so the sums span several chunks.
func TestBetaGeoFitsSameBitsAnyThreads(t *testing.T) {
	rows := Compress(cdnowLikeRows(rand.NewPCG(9, 9), 30000, 20, 40))
	if len(rows) < 3*chunkRows {
		t.Fatalf("%d distinct rows: want several chunks of %d", len(rows), chunkRows)
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, modified := range []bool{false, true} {
		var ref Fit
		for _, procs := range []int{1, 2, 8} {
			runtime.GOMAXPROCS(procs)
			var fit Fit
			var err error
			if modified {
				_, fit, err = FitMBGNBD(rows, FitOptions{})
			} else {
				_, fit, err = FitBGNBD(rows, FitOptions{})
			}
			if err != nil {
				t.Fatalf("modified=%v GOMAXPROCS=%d: %v", modified, procs, err)
			}
			if procs == 1 {
				ref = fit
				continue
			}
			same := math.Float64bits(fit.LogLikelihood) == math.Float64bits(ref.LogLikelihood) && fit.Evaluations == ref.Evaluations
			for i := range fit.Params {
				same = same && math.Float64bits(fit.Params[i]) == math.Float64bits(ref.Params[i]) &&
					math.Float64bits(fit.StdErrors[i]) == math.Float64bits(ref.StdErrors[i])
			}
			if !same {
				t.Errorf("modified=%v GOMAXPROCS=%d: %v ± %v LL %v, with 1 thread %v ± %v LL %v",
					modified, procs, fit.Params, fit.StdErrors, fit.LogLikelihood, ref.Params, ref.StdErrors, ref.LogLikelihood)
			}
		}
	}
}
