package model

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/mathext"
)

// Targets: lifetimes' ParetoNBDFitter on the CDNOW summary (r 0.553,
// alpha 10.58, s 0.606, beta 11.67, LL −9594.98); Fader & Hardie's note 008
// spreadsheet gives 0.55, 10.58, 0.61, 11.67.
func TestFitParetoNBDCDNOW(t *testing.T) {
	if testing.Short() {
		t.Skip("derivative-free fit, ~1 s")
	}
	rows := Compress(loadCDNOW(t))
	m, fit, err := FitParetoNBD(rows, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{0.553, 10.58, 0.606, 11.67}
	tol := []float64{1e-3, 1e-3, 1e-2, 1e-2}
	for i, w := range want {
		if !near(fit.Params[i], w, tol[i]) {
			t.Errorf("%s = %.6g, want %.6g (%g rel)", fit.Names[i], fit.Params[i], w, tol[i])
		}
		if se := fit.StdErrors[i]; !(se > 0) || math.IsInf(se, 0) {
			t.Errorf("SE(%s) = %v: want finite and positive", fit.Names[i], se)
		}
	}
	if math.Abs(fit.LogLikelihood-(-9594.98)) > 0.01 {
		t.Errorf("LL = %.4f, want −9594.98", fit.LogLikelihood)
	}
	// Customer 1516: 25.46 purchases expected in 52 weeks, P(alive) 0.9979
	// (lifetimes at the fitted parameters).
	if got := m.ConditionalExpectedPurchases(52, 26, 30.86, 31); math.Abs(got-25.46) > 0.01 {
		t.Errorf("E[Y(52)|1516] = %.4f, want 25.46", got)
	}
	if got := m.ProbabilityAlive(26, 30.86, 31); math.Abs(got-0.9979) > 1e-4 {
		t.Errorf("P(alive|1516) = %.5f, want 0.9979", got)
	}
	m2, _, _ := FitParetoNBD(rows, FitOptions{})
	if m2 != m {
		t.Errorf("refit differs: %+v vs %+v", m2, m)
	}
}

// A₀ is (r+s+x) ∫_{t_x}^{T} (α+τ)^−(r+x) (β+τ)^−(s+1) dτ: check the ₂F₁ form
// (both α ≥ β and α < β branches) against direct quadrature.
func TestParetoA0Integral(t *testing.T) {
	for _, m := range []ParetoNBD{{0.55, 10.58, 0.61, 11.67}, {0.55, 30, 0.61, 2}, {2, 1, 3, 40}} {
		for _, c := range [][3]float64{{0, 0, 39}, {3, 10, 39}, {26, 30.86, 31}, {40, 5, 300}} {
			x, tx, T := c[0], c[1], c[2]
			r, al, s, be := m.R, m.Alpha, m.S, m.Beta
			f := func(tau float64) float64 {
				return math.Exp(-(r+x)*math.Log(al+tau) - (s+1)*math.Log(be+tau))
			}
			want := (r + s + x) * quad.Fixed(f, tx, T, 200, quad.Legendre{}, 0)
			got := math.Exp(m.logA0(x, tx, T))
			if !near(got, want, 1e-9) {
				t.Errorf("%+v x=%v tx=%v T=%v: A0 = %.12g, quadrature %.12g", m, x, tx, T, got, want)
			}
		}
	}
}

// DERT (FHL 2005 "RFM and CLV" eq. 2). For s < 1,
// (β+T)^s δ^(s−1) Ψ(s, s; δ(β+T)) = (β+T)^s δ^(s−1) e^z Γ(1−s, z) with
// z = δ(β+T), which gonum's regularised incomplete gamma evaluates
// independently of the quadrature used by DERT. For s > 1 the check is
// brute-force integration of the discounted expected purchase rate.
func TestParetoDERT(t *testing.T) {
	m := ParetoNBD{R: 0.5533, Alpha: 10.578, S: 0.6062, Beta: 11.668}
	delta := math.Log(1.15) / 52 // 15% a year, continuous, per week
	for _, c := range [][3]float64{{0, 0, 39}, {2, 30.43, 38.86}, {26, 30.86, 31}, {10, 5, 10000}} {
		x, tx, T := c[0], c[1], c[2]
		bt := m.Beta + T
		z := delta * bt
		g, _ := math.Lgamma(1 - m.S)
		j := math.Exp(m.S*math.Log(bt) + (m.S-1)*math.Log(delta) + z + g + math.Log(mathext.GammaIncRegComp(1-m.S, z)))
		want := m.ProbabilityAlive(x, tx, T) * (m.R + x) / (m.Alpha + T) * j
		if got := m.DERT(delta, x, tx, T); !near(got, want, 1e-9) {
			t.Errorf("DERT(%v) = %.12g, closed form %.12g", c, got, want)
		}
	}
	// s > 1: ∫₀^∞ e^(−δu) P(alive) (r+x)/(α+T) ((β+T)/(β+T+u))^s du.
	m2 := ParetoNBD{R: 0.55, Alpha: 10.58, S: 2.5, Beta: 40}
	x, tx, T := 3.0, 20.0, 39.0
	f := func(v float64) float64 { // u = v/(1−v)
		u := v / (1 - v)
		return math.Exp(-delta*u-m2.S*math.Log1p(u/(m2.Beta+T))) / ((1 - v) * (1 - v))
	}
	want := m2.ProbabilityAlive(x, tx, T) * (m2.R + x) / (m2.Alpha + T) * quad.Fixed(f, 0, 1, 2000, quad.Legendre{}, 0)
	if got := m2.DERT(delta, x, tx, T); !near(got, want, 1e-7) {
		t.Errorf("DERT(s=2.5) = %.12g, brute force %.12g", got, want)
	}
	if got, want := m2.DERT(0, x, tx, T), m2.ProbabilityAlive(x, tx, T)*(m2.R+x)/(m2.Alpha+T)*(m2.Beta+T)/(m2.S-1); !near(got, want, 1e-12) {
		t.Errorf("DERT(0) = %v, want %v", got, want)
	}
}
