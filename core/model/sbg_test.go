package model

import (
	"errors"
	"math"
	"testing"
)

// sbgCohorts returns the Regular and High End survival counts of FH 2007
// (testdata/sbg_survival.csv: year,regular_alive,highend_alive; years 0..12).
func sbgCohorts(t testing.TB) (regular, highEnd []float64) {
	_, recs := modelBReadCSV(t, "sbg_survival.csv")
	for _, r := range recs {
		regular = append(regular, r[1])
		highEnd = append(highEnd, r[2])
	}
	return regular, highEnd
}

// sbgRegular and sbgHighEnd are the optima this package reaches on years
// 1–7 (FH 2007 report Regular α = 0.704, β = 1.182; High End α = 0.668,
// β = 3.806).
var (
	sbgRegular = SBG{Alpha: 0.7040772927664759, Beta: 1.1820430380053921}
	sbgHighEnd = SBG{Alpha: 0.6680883202406304, Beta: 3.806094795099023}
)

var sbgFitTests = []struct {
	name      string
	column    int
	mine      SBG
	published [2]float64
	ll        float64
	// holdout is this package's projected survival S(8..12), as a share
	// of the cohort; the paper's figure shows the same projections.
	holdout [5]float64
}{
	{"regular", 0, sbgRegular, [2]float64{0.704, 1.182}, -1680.2652,
		[5]float64{0.22008497, 0.20441079, 0.19119019, 0.17986500, 0.17003746}},
	// jdmaturen/shifted_beta_geometric_py's README (Apache-2.0) prints the
	// High End projection as [0.460, 0.436, 0.414, 0.395, 0.378].
	{"high end", 1, sbgHighEnd, [2]float64{0.668, 3.806}, -1611.1581,
		[5]float64{0.46043968, 0.43577960, 0.41417240, 0.39505535, 0.37799908}},
}

func TestFitSBGPaper(t *testing.T) {
	reg, hi := sbgCohorts(t)
	for _, tt := range sbgFitTests {
		alive := [][]float64{reg, hi}[tt.column]
		m, fit, err := FitSBG(alive[:8], FitOptions{}) // years 0..7, as the paper
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if !modelBRelClose(m.Alpha, tt.mine.Alpha, 1e-3) || !modelBRelClose(m.Beta, tt.mine.Beta, 1e-3) {
			t.Errorf("%s: %+v, want %+v", tt.name, m, tt.mine)
		}
		if math.Abs(m.Alpha-tt.published[0]) > 0.0005 || math.Abs(m.Beta-tt.published[1]) > 0.0005 {
			t.Errorf("%s: %+v does not round to the paper's %v", tt.name, m, tt.published)
		}
		if math.Abs(fit.LogLikelihood-tt.ll) > 1e-3 {
			t.Errorf("%s: LL %v, want %v", tt.name, fit.LogLikelihood, tt.ll)
		}
		for i, se := range fit.StdErrors {
			if !(se > 0) || math.IsInf(se, 0) {
				t.Errorf("%s: SE[%d] = %v", tt.name, i, se)
			}
		}
		if m2, _, _ := FitSBG(alive[:8], FitOptions{}); m2 != m {
			t.Errorf("%s: refit %+v differs from %+v", tt.name, m2, m)
		}
		// Holdout years 8–12: pinned projections, and within 5% of the
		// actual counts (the paper's point: the sBG projects well;
		// worst is High End year 12, 0.378 vs 0.394, −4.1%).
		curve := m.SurvivalCurve(12)
		for i, want := range tt.holdout {
			year := 8 + i
			got := curve[year-1]
			if math.Abs(got-want) > 1e-6 {
				t.Errorf("%s: S(%d) = %.8f, pinned %.8f", tt.name, year, got, want)
			}
			actual := alive[year] / alive[0]
			if math.Abs(got-actual) > 0.05*actual {
				t.Errorf("%s: S(%d) = %.4f vs actual %.4f", tt.name, year, got, actual)
			}
		}
	}
}

func TestSBGFunctions(t *testing.T) {
	m := sbgHighEnd
	// Hand calculation for α = 1, β = 2: P(T=1) = α/(α+β) = 1/3,
	// S(1) = 2/3, r_2 = (β+1)/(α+β+1) = 3/4, S(2) = 2/3·3/4 = 1/2,
	// P(T=2) = S(1) − S(2) = 1/6, E[T] = (α+β−1)/(α−1) = ∞ (α = 1).
	h := SBG{1, 2}
	hand := []struct {
		name      string
		got, want float64
	}{
		{"P(T=1)", h.ChurnProbability(1), 1.0 / 3},
		{"S(1)", h.Survival(1), 2.0 / 3},
		{"r_2", h.Retention(2), 3.0 / 4},
		{"S(2)", h.Survival(2), 1.0 / 2},
		{"P(T=2)", h.ChurnProbability(2), 1.0 / 6},
		{"S(0)", h.Survival(0), 1},
		{"median", h.MedianLifetime(), 2},
	}
	for _, c := range hand {
		if math.Abs(c.got-c.want) > 1e-14 {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	// Identities on the paper's parameters.
	for tt := 1; tt <= 50; tt++ {
		if got, want := m.Survival(tt-1)-m.Survival(tt), m.ChurnProbability(tt); math.Abs(got-want) > 1e-14 {
			t.Errorf("S(%d)−S(%d) = %v, P(T=%d) = %v", tt-1, tt, got, tt, want)
		}
		if got, want := m.Survival(tt)/m.Survival(tt-1), m.Retention(tt); math.Abs(got-want) > 1e-13 {
			t.Errorf("S(%d)/S(%d) = %v, r = %v", tt, tt-1, got, want)
		}
	}
	// Median: smallest t with S(t) ≤ 0.5; High End: S(6) = 0.5222,
	// S(7) = 0.4889 → 7; Regular: S(1) = 0.627, S(2) = 0.474 → 2.
	if got := m.MedianLifetime(); got != 7 {
		t.Errorf("High End median %v, want 7", got)
	}
	if got := sbgRegular.MedianLifetime(); got != 2 {
		t.Errorf("Regular median %v, want 2", got)
	}
	if got := (SBG{1e-3, 1}).MedianLifetime(); !math.IsInf(got, 1) {
		t.Errorf("tiny alpha median %v, want +Inf", got)
	}
	if got := (SBG{0.05, 1}).MedianLifetime(); !(got > 1e5) || math.IsInf(got, 0) || m.logSurvival(got) > -math.Ln2 {
		t.Errorf("small alpha median %v", got)
	}
	// Curves.
	if c := m.RetentionCurve(3); len(c) != 3 || c[2] != m.Retention(3) {
		t.Errorf("RetentionCurve %v", c)
	}
	if c := m.ChurnCurve(0); c != nil {
		t.Errorf("ChurnCurve(0) = %v", c)
	}
}

func TestSBGExpectedLifetime(t *testing.T) {
	if got, err := sbgHighEnd.ExpectedLifetime(); !errors.Is(err, ErrInfiniteLifetime) || !math.IsInf(got, 1) {
		t.Errorf("α < 1: %v, %v; want +Inf and ErrInfiniteLifetime", got, err)
	}
	if got, err := (SBG{1, 3}).ExpectedLifetime(); !errors.Is(err, ErrInfiniteLifetime) || !math.IsInf(got, 1) {
		t.Errorf("α = 1: %v, %v", got, err)
	}
	// α = 3, β = 2: (3+2−1)/(3−1) = 2; brute force Σ_{t≥0} S(t).
	m := SBG{3, 2}
	got, err := m.ExpectedLifetime()
	sum := 0.0
	for t := 0; t < 1000000; t++ {
		sum += m.Survival(t)
	}
	if err != nil || got != 2 || math.Abs(sum-2) > 1e-5 {
		t.Errorf("E[T] = %v (%v), brute force %v, want 2", got, err, sum)
	}
}

// TestSBGDERL checks DERL against the brute-force discounted sum of
// S(t)/S(n−1) and, for the High End cohort after 7 renewals (n = 8), the
// 7.530 printed in jdmaturen/shifted_beta_geometric_py's README for
// derl(α, β, 0.10, 7), whose t counts renewals made.
func TestSBGDERL(t *testing.T) {
	if got := sbgHighEnd.DERL(0.1, 8); math.Abs(got-7.530) > 0.0005 {
		t.Errorf("High End DERL(0.1, n=8) = %v, want 7.530", got)
	}
	for _, m := range []SBG{sbgRegular, sbgHighEnd, {3, 2}, {0.2, 0.1}, {50, 400}} {
		for _, d := range []float64{0.01, 0.1, 1} {
			for _, n := range []int{1, 2, 8, 100, 10000} {
				want, disc := 0.0, 1.0
				base := m.logSurvival(float64(n - 1))
				for tt := n; disc > 1e-19; tt++ {
					want += math.Exp(m.logSurvival(float64(tt))-base) * disc
					disc /= 1 + d
				}
				if got := m.DERL(d, n); !modelBRelClose(got, want, 1e-10) {
					t.Errorf("%+v DERL(%v, %d) = %v, brute force %v", m, d, n, got, want)
				}
			}
		}
	}
	if got := (SBG{3, 2}).DERL(0, 1); math.Abs(got-1) > 1e-15 { // (β+n−1)/(α−1) = 2/2
		t.Errorf("DERL(0) = %v, want 1", got)
	}
	if got := sbgHighEnd.DERL(0, 1); !math.IsInf(got, 1) {
		t.Errorf("DERL(0) with α < 1 = %v, want +Inf", got)
	}
	for _, got := range []float64{sbgHighEnd.DERL(-0.1, 3), sbgHighEnd.DERL(0.1, 0), sbgHighEnd.DERL(math.NaN(), 3)} {
		if !math.IsNaN(got) {
			t.Errorf("invalid DERL input gave %v, want NaN", got)
		}
	}
}

// TestSBGFarHorizons: no NaN or Inf far out.
func TestSBGFarHorizons(t *testing.T) {
	for _, m := range []SBG{sbgRegular, {1e-3, 1e3}, {1e3, 1e-3}, {50, 50}} {
		for _, tt := range []int{1, 1000, 1e9, math.MaxInt32, 1 << 60} {
			vals := []float64{m.Survival(tt), m.ChurnProbability(tt), m.Retention(tt), m.DERL(0.1, tt)}
			for i, v := range vals {
				if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
					t.Errorf("%+v t=%d: value %d = %v", m, tt, i, v)
				}
			}
		}
	}
}

var sbgFitErrorTests = []struct {
	name  string
	alive []float64
}{
	{"empty", nil},
	{"cohort only", []float64{100}},
	{"one period", []float64{100, 60}},
	{"empty cohort", []float64{0, 0, 0}},
	{"nobody churns", []float64{100, 100, 100}},
	{"all churn in period 1", []float64{100, 0, 0, 0}},
	{"growing", []float64{100, 80, 90}},
	{"negative", []float64{100, 80, -1}},
}

func TestFitSBGErrors(t *testing.T) {
	for _, tt := range sbgFitErrorTests {
		if _, _, err := FitSBG(tt.alive, FitOptions{}); err == nil {
			t.Errorf("%s: no error", tt.name)
		}
	}
	// Fractions work as well as counts (same parameters, LL scaled).
	reg, _ := sbgCohorts(t)
	frac := make([]float64, 8)
	for i := range frac {
		frac[i] = reg[i] / 1000
	}
	m, _, err := FitSBG(frac, FitOptions{})
	if err != nil || !modelBRelClose(m.Alpha, sbgRegular.Alpha, 1e-4) || !modelBRelClose(m.Beta, sbgRegular.Beta, 1e-4) {
		t.Errorf("shares: %+v (%v), want %+v", m, err, sbgRegular)
	}
}

func BenchmarkFitSBG(b *testing.B) {
	reg, _ := sbgCohorts(b)
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := FitSBG(reg[:8], FitOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1000, "ns/customer")
}

// TestSBGGradient checks totalLLGrad against central differences of
// totalLL on both cohorts of FH 2007.
func TestSBGGradient(t *testing.T) {
	reg, hi := sbgCohorts(t)
	for _, tt := range []struct {
		name  string
		alive []float64
		m     SBG
	}{
		{"regular, years 0-7", reg[:8], sbgRegular},
		{"high end, years 0-12", hi, SBG{2.5, 0.4}},
		{"regular, two periods", reg[:3], SBG{0.3, 7}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			g := make([]float64, 2)
			ll := tt.m.totalLLGrad(tt.alive, g)
			if want := tt.m.totalLL(tt.alive); ll != want {
				t.Errorf("value %v, totalLL %v", ll, want)
			}
			for i, p := range []float64{tt.m.Alpha, tt.m.Beta} {
				h := 1e-6 * p
				at := func(d float64) float64 {
					m := tt.m
					if i == 0 {
						m.Alpha += d
					} else {
						m.Beta += d
					}
					return m.totalLL(tt.alive)
				}
				fd := (at(h) - at(-h)) / (2 * h)
				if !modelBRelClose(g[i], fd, 1e-6) && math.Abs(g[i]-fd) > 1e-4 {
					t.Errorf("∂/∂θ%d = %.10g, central difference %.10g", i, g[i], fd)
				}
			}
		})
	}
}
