package model

import (
	"math"
	"testing"
)

// Targets: lifetimes' ModifiedBetaGeoFitter on the CDNOW summary
// (r 0.5248, alpha 6.183, a 0.8914, b 1.614, LL −9582.13).
func TestFitMBGNBDCDNOW(t *testing.T) {
	rows := Compress(loadCDNOW(t))
	m, fit, err := FitMBGNBD(rows, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{0.5248, 6.183, 0.8914, 1.614}
	for i, w := range want {
		if !near(fit.Params[i], w, 1e-3) {
			t.Errorf("%s = %.6g, want %.6g (1e-3 rel)", fit.Names[i], fit.Params[i], w)
		}
		if se := fit.StdErrors[i]; !(se > 0) || math.IsInf(se, 0) {
			t.Errorf("SE(%s) = %v: want finite and positive", fit.Names[i], se)
		}
	}
	if math.Abs(fit.LogLikelihood-(-9582.13)) > 0.01 {
		t.Errorf("LL = %.4f, want −9582.13", fit.LogLikelihood)
	}
	if ll := m.LogLikelihood(rows); math.Abs(ll-fit.LogLikelihood) > 1e-8 {
		t.Errorf("LogLikelihood = %.10f, fit says %.10f", ll, fit.LogLikelihood)
	}
	m2, _, _ := FitMBGNBD(rows, FitOptions{})
	if m2 != m {
		t.Errorf("refit differs: %+v vs %+v", m2, m)
	}
}
