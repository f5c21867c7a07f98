package model

import (
	"math"
	"testing"
)

// Fitted CDNOW values. Targets: lifetimes' BetaGeoFitter on the same file
// (r 0.2426, alpha 4.4135, a 0.7929, b 2.4258, LL −9582.43); FHL 2005 §5
// report 0.243, 4.414, 0.793, 2.426 and LL −9582.4.
func TestFitBGNBDCDNOW(t *testing.T) {
	rows := Compress(loadCDNOW(t))
	m, fit, err := FitBGNBD(rows, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{0.2426, 4.4135, 0.7929, 2.4258}
	for i, w := range want {
		if !near(fit.Params[i], w, 1e-3) {
			t.Errorf("%s = %.6g, want %.6g (1e-3 rel)", fit.Names[i], fit.Params[i], w)
		}
		if se := fit.StdErrors[i]; !(se > 0) || math.IsInf(se, 0) {
			t.Errorf("SE(%s) = %v: want finite and positive", fit.Names[i], se)
		}
	}
	if math.Abs(fit.LogLikelihood-(-9582.43)) > 0.01 {
		t.Errorf("LL = %.4f, want −9582.43", fit.LogLikelihood)
	}
	if m != (BGNBD{fit.Params[0], fit.Params[1], fit.Params[2], fit.Params[3]}) {
		t.Errorf("model %+v does not carry the fitted parameters %v", m, fit.Params)
	}
	// The fast fitting likelihood agrees with the public per-row one and
	// with the uncompressed data.
	if ll := m.LogLikelihood(loadCDNOW(t)); math.Abs(ll-fit.LogLikelihood) > 1e-8 {
		t.Errorf("LogLikelihood(raw rows) = %.10f, fit says %.10f", ll, fit.LogLikelihood)
	}
	// A new customer's expected purchases in 52 weeks at the fitted values:
	// 1.444 (lifetimes' expected_number_of_purchases_up_to_time(52)).
	if got := m.ExpectedPurchases(52); math.Abs(got-1.444) > 5e-4 {
		t.Errorf("E[X(52)] = %.5f, want 1.444", got)
	}
	// Bit-identical refit.
	m2, fit2, err := FitBGNBD(rows, FitOptions{})
	if err != nil || m2 != m || fit2.LogLikelihood != fit.LogLikelihood {
		t.Errorf("refit differs: %+v vs %+v (%v)", m2, m, err)
	}
}

// Customer 1516 of CDNOW (x = 26, t_x = 30.86, T = 31 weeks) at the paper's
// parameters. FHL 2005 §5 report 25.76 purchases expected in the next 52
// weeks; the brief's target is 25.757. Here: 25.7565 with the unrounded
// recency 216/7 weeks, 25.7582 with the rounded 30.86 (and 25.7578 / 25.7595
// at the fitted parameters), all within 1.3e-3 of the target; the two
// recencies are tested separately to pin the values down.
func TestBGNBDCustomer1516(t *testing.T) {
	m := BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	if got := m.ConditionalExpectedPurchases(52, 26, 216.0/7, 31); math.Abs(got-25.7565) > 5e-5 {
		t.Errorf("E[Y(52)|1516] = %.5f, want 25.7565", got)
	}
	if got := m.ConditionalExpectedPurchases(52, 26, 30.86, 31); math.Abs(got-25.7582) > 5e-5 {
		t.Errorf("E[Y(52)|1516, t_x = 30.86] = %.5f, want 25.7582", got)
	}
	if got := m.ProbabilityAlive(26, 30.86, 31); math.Abs(got-0.9689) > 5e-5 {
		t.Errorf("P(alive|1516) = %.5f, want 0.9689", got)
	}
}

// The analytic gradient used by the fit matches central differences.
func TestBetaGeoGradient(t *testing.T) {
	ix := newRFTIndex(Compress(loadCDNOW(t)))
	for _, modified := range []bool{false, true} {
		th := []float64{0.3, 5, 0.9, 2.1}
		g := make([]float64, 4)
		betaGeoLogLik(ix, th[0], th[1], th[2], th[3], modified, g)
		for i := range th {
			h := 1e-6 * th[i]
			up := append([]float64(nil), th...)
			dn := append([]float64(nil), th...)
			up[i] += h
			dn[i] -= h
			fd := (betaGeoLogLik(ix, up[0], up[1], up[2], up[3], modified, nil) -
				betaGeoLogLik(ix, dn[0], dn[1], dn[2], dn[3], modified, nil)) / (2 * h)
			if math.Abs(fd-g[i]) > 1e-5*math.Max(1, math.Abs(fd)) {
				t.Errorf("modified=%v: dLL/d%s = %.8g, finite difference %.8g", modified, bgnbdNames[i], g[i], fd)
			}
		}
	}
}

var unidentifiable = []struct {
	name string
	rows []RFT
}{
	{"empty", nil},
	{"one customer", []RFT{{X: 2, TX: 3, T: 5, Weight: 1}}},
	{"no repeat buyers", []RFT{{0, 0, 5, 10}, {0, 0, 7, 3}}},
	{"one history", []RFT{{2, 3, 5, 10}}},
	{"invalid row", []RFT{{2, 3, 5, 1}, {1.5, 3, 5, 1}}},
}

func TestFitRefusesUnidentifiable(t *testing.T) {
	for _, c := range unidentifiable {
		if _, _, err := FitBGNBD(c.rows, FitOptions{}); err == nil {
			t.Errorf("FitBGNBD(%s): no error", c.name)
		}
		if _, _, err := FitMBGNBD(c.rows, FitOptions{}); err == nil {
			t.Errorf("FitMBGNBD(%s): no error", c.name)
		}
		if _, _, err := FitParetoNBD(c.rows, FitOptions{}); err == nil {
			t.Errorf("FitParetoNBD(%s): no error", c.name)
		}
	}
}

// The analytic Hessian used by the Newton polish and the standard errors
// matches central differences of the analytic gradient, for the BG/NBD and
// the MBG/NBD, and its log-likelihood and gradient are betaGeoLogLik's.
func TestBetaGeoHessian(t *testing.T) {
	ix := newRFTIndex(Compress(loadCDNOW(t)))
	for _, modified := range []bool{false, true} {
		th := []float64{0.3, 5, 0.9, 2.1}
		g, g0 := make([]float64, 4), make([]float64, 4)
		h := make([]float64, 16)
		ll := betaGeoHessian(ix, th[0], th[1], th[2], th[3], modified, g, h)
		if ll0 := betaGeoLogLik(ix, th[0], th[1], th[2], th[3], modified, g0); ll != ll0 || !slicesEqual(g, g0) {
			t.Errorf("modified=%v: LL, gradient %v %v, betaGeoLogLik says %v %v", modified, ll, g, ll0, g0)
		}
		for j := range th {
			step := 1e-4 * th[j]
			up := append([]float64(nil), th...)
			dn := append([]float64(nil), th...)
			up[j] += step
			dn[j] -= step
			gu, gd := make([]float64, 4), make([]float64, 4)
			betaGeoLogLik(ix, up[0], up[1], up[2], up[3], modified, gu)
			betaGeoLogLik(ix, dn[0], dn[1], dn[2], dn[3], modified, gd)
			for i := range th {
				fd := (gu[i] - gd[i]) / (2 * step)
				if math.Abs(fd-h[i*4+j]) > 1e-6*math.Max(1, math.Abs(fd)) {
					t.Errorf("modified=%v: d²LL/d%s d%s = %.8g, finite difference %.8g", modified, bgnbdNames[i], bgnbdNames[j], h[i*4+j], fd)
				}
				if h[i*4+j] != h[j*4+i] {
					t.Errorf("modified=%v: Hessian not symmetric at (%d, %d)", modified, i, j)
				}
			}
		}
	}
}

// The fits' parameters on CDNOW stay where they were before the Newton
// polish took the analytic Hessian (betaGeoHessian) instead of central
// differences of the gradient: the values below are those printed by the
// fit of commit 2e4d0c4 (full precision), and every parameter must agree
// to 1e-12 relative. The standard errors, which that Hessian now gives
// exactly rather than to ~1e-8, are held to 1e-7.
func TestBetaGeoFitsUnmovedByAnalyticHessian(t *testing.T) {
	rows := Compress(loadCDNOW(t))
	tests := []struct {
		name           string
		fit            func([]RFT, FitOptions) (Fit, error)
		opt            FitOptions
		params, stdErr []float64
	}{
		{"BG/NBD", func(r []RFT, o FitOptions) (Fit, error) { _, f, err := FitBGNBD(r, o); return f, err }, FitOptions{},
			[]float64{0.24259290720494414, 4.413531561200856, 0.7928861476766376, 2.425753434862046},
			[]float64{0.012557319584657438, 0.3782214152671928, 0.18571914388388158, 0.7053457581149407}},
		{"MBG/NBD", func(r []RFT, o FitOptions) (Fit, error) { _, f, err := FitMBGNBD(r, o); return f, err }, FitOptions{},
			[]float64{0.5248379837384006, 6.182992020152109, 0.8913561551669775, 1.6139993341378627},
			[]float64{0.08326406494280117, 0.6955979331964004, 0.15478531230872836, 0.537472364331296}},
		{"BG/NBD penalty 0.01", func(r []RFT, o FitOptions) (Fit, error) { _, f, err := FitBGNBD(r, o); return f, err }, FitOptions{Penalty: 0.01},
			[]float64{0.15750826510164528, 1.5294351707995377, 0.3352041542782095, 0.6783606588745272},
			[]float64{0.008362757227020021, 0.18276132099499282, 0.056767032353703735, 0.13201751060560746}},
	}
	for _, tt := range tests {
		fit, err := tt.fit(rows, tt.opt)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		for i := range tt.params {
			if e := relErr(fit.Params[i], tt.params[i]); !(e <= 1e-12) {
				t.Errorf("%s: %s = %.17g, was %.17g (rel. %.2g)", tt.name, fit.Names[i], fit.Params[i], tt.params[i], e)
			}
			if e := relErr(fit.StdErrors[i], tt.stdErr[i]); !(e <= 1e-7) {
				t.Errorf("%s: SE(%s) = %.17g, was %.17g (rel. %.2g)", tt.name, fit.Names[i], fit.StdErrors[i], tt.stdErr[i], e)
			}
		}
	}
}
