package model

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"testing"
)

// Published CDNOW parameters (weeks) used where a fit is not the point:
// the Pareto/NBD's from lifetimes' documentation, the BG/NBD's from Fader,
// Hardie & Lee (2005).
var (
	cdnowPareto = ParetoNBD{R: 0.5534, Alpha: 10.5802, S: 0.6061, Beta: 11.6562}
	cdnowBG     = BGNBD{R: 0.2426, Alpha: 4.4135, A: 0.7929, B: 2.4258}
)

// cdnowCovariates gives the CDNOW customers made-up covariates that vary
// across them: a 0/1 column (every third customer) and a numeric one
// ((i mod 7 − 3)/2) for the transaction process, and a 0/1 column (odd
// customers) for the lifetime process.
func cdnowCovariates(n int) Covariates {
	c := Covariates{TransNames: []string{"promo", "score"}, LifeNames: []string{"odd"}}
	for i := range n {
		c.Trans = append(c.Trans, float64(btoi(i%3 == 0)), float64(i%7-3)/2)
		c.Life = append(c.Life, float64(i%2))
	}
	return c
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestCovZeroGammaIsPlainModel: with every γ = 0 the covariate models are
// the plain models, so their log-likelihoods (per customer and through the
// fit's grouped evaluation) and predictions equal the plain models' to
// 1e-12 relative (they differ only in the order of the sums).
func TestCovZeroGammaIsPlainModel(t *testing.T) {
	rows := loadCDNOW(t)
	cov := cdnowCovariates(len(rows))
	groups, _, err := GroupByCovariates(rows, cov)
	if err != nil {
		t.Fatal(err)
	}
	zt, zl := make([]float64, 2), make([]float64, 1)
	const tol = 1e-12
	t.Run("paretonbd", func(t *testing.T) {
		m := ParetoNBDCov{ParetoNBD: cdnowPareto, GammaTrans: zt, GammaLife: zl}
		want := cdnowPareto.LogLikelihood(rows)
		got, err := m.LogLikelihood(rows, cov)
		if err != nil {
			t.Fatal(err)
		}
		if !near(got, want, tol) {
			t.Errorf("LogLikelihood = %.15g, plain model %.15g", got, want)
		}
		ix := newParetoCovIndex(groups, 2, 1)
		th := []float64{cdnowPareto.R, cdnowPareto.Alpha, cdnowPareto.S, cdnowPareto.Beta, 0, 0, 0}
		g := make([]float64, len(th))
		got = paretoCovLogLik(ix, th, g)
		pg := make([]float64, 4)
		plain := paretoLogLik(newParetoIndex(Compress(rows)), th[0], th[1], th[2], th[3], pg)
		if !near(got, plain, tol) || !near(got, want, tol) {
			t.Errorf("grouped log-likelihood = %.15g, plain %.15g / %.15g", got, plain, want)
		}
		for i := range pg {
			if !near(g[i], pg[i], 1e-9) {
				t.Errorf("∂LL/∂%s = %.12g, plain model %.12g", paretoNames[i], g[i], pg[i])
			}
		}
		checkZeroPredictions(t, rows, cov, m, cdnowPareto)
		ug, _, err := GroupByCovariates(rows, uniqueCovariate(len(rows)))
		if err != nil {
			t.Fatal(err)
		}
		ug0 := make([]float64, 5)
		got = paretoCovLogLik(newParetoCovIndex(ug, 1, 0), []float64{th[0], th[1], th[2], th[3], 0}, ug0)
		if !near(got, plain, tol) {
			t.Errorf("row-by-row log-likelihood = %.15g, plain %.15g", got, plain)
		}
		for i := range pg {
			if !near(ug0[i], pg[i], 1e-9) {
				t.Errorf("row by row: ∂LL/∂%s = %.12g, plain model %.12g", paretoNames[i], ug0[i], pg[i])
			}
		}
	})
	t.Run("bgnbd", func(t *testing.T) {
		m := BGNBDCov{BGNBD: cdnowBG, GammaTrans: zt, GammaLife: zl}
		want := cdnowBG.LogLikelihood(rows)
		got, err := m.LogLikelihood(rows, cov)
		if err != nil {
			t.Fatal(err)
		}
		if !near(got, want, tol) {
			t.Errorf("LogLikelihood = %.15g, plain model %.15g", got, want)
		}
		ix := newBGCovIndex(groups, 2, 1)
		th := []float64{cdnowBG.R, cdnowBG.Alpha, cdnowBG.A, cdnowBG.B, 0, 0, 0}
		g := make([]float64, len(th))
		got = bgCovLogLik(ix, th, g)
		pg := make([]float64, 4)
		plain := betaGeoLogLik(newRFTIndex(Compress(rows)), th[0], th[1], th[2], th[3], false, pg)
		if !near(got, plain, tol) || !near(got, want, tol) {
			t.Errorf("grouped log-likelihood = %.15g, plain %.15g / %.15g", got, plain, want)
		}
		for i := range pg {
			if !near(g[i], pg[i], 1e-9) {
				t.Errorf("∂LL/∂%s = %.12g, plain model %.12g", bgnbdNames[i], g[i], pg[i])
			}
		}
		checkZeroPredictions(t, rows, cov, m, cdnowBG)
		// Row by row (every customer a group of their own: a numeric
		// covariate with distinct values) likewise.
		uniq := uniqueCovariate(len(rows))
		ug, _, err := GroupByCovariates(rows, uniq)
		if err != nil {
			t.Fatal(err)
		}
		uix := newBGCovIndex(ug, 1, 0)
		ug0 := make([]float64, 5)
		got = bgCovLogLik(uix, []float64{cdnowBG.R, cdnowBG.Alpha, cdnowBG.A, cdnowBG.B, 0}, ug0)
		if !near(got, plain, tol) {
			t.Errorf("row-by-row log-likelihood = %.15g, plain %.15g", got, plain)
		}
		for i := range pg {
			if !near(ug0[i], pg[i], 1e-9) {
				t.Errorf("row by row: ∂LL/∂%s = %.12g, plain model %.12g", bgnbdNames[i], ug0[i], pg[i])
			}
		}
	})
}

// uniqueCovariate gives n customers one numeric transaction covariate with
// a distinct value each ((i mod 101)/50 − 1 + i/1e6), so each is a
// covariate group of their own.
func uniqueCovariate(n int) Covariates {
	c := Covariates{TransNames: []string{"u"}}
	for i := range n {
		c.Trans = append(c.Trans, float64(i%101)/50-1+float64(i)/1e6)
	}
	return c
}

func checkZeroPredictions(t *testing.T, rows []RFT, cov Covariates, m CovariateModel, plain PurchaseModel) {
	t.Helper()
	o := CLVOptions{Months: 12, AnnualDiscountRate: 0.1, Margin: 1, DaysPerUnit: 7}
	for i, r := range rows {
		pm := m.PurchaseModelFor(cov.TransRow(i), cov.LifeRow(i))
		checks := []struct {
			what      string
			got, want float64
		}{
			{"P(alive)", pm.ProbabilityAlive(r.X, r.TX, r.T), plain.ProbabilityAlive(r.X, r.TX, r.T)},
			{"E[Y(39)]", pm.ConditionalExpectedPurchases(39, r.X, r.TX, r.T), plain.ConditionalExpectedPurchases(39, r.X, r.TX, r.T)},
			{"CLV", CLV(pm, r.X, r.TX, r.T, 1, o), CLV(plain, r.X, r.TX, r.T, 1, o)},
		}
		for _, c := range checks {
			if !near(c.got, c.want, 1e-12) && c.got != c.want {
				t.Fatalf("customer %d: %s = %.15g, plain model %.15g", i, c.what, c.got, c.want)
			}
		}
	}
}

// richardsonGrad returns the gradient of f at x by central differences
// with steps h and h/2 combined by Richardson extrapolation (error
// O(h⁴)), each step scaled to the parameter's size.
func richardsonGrad(f func([]float64) float64, x []float64) []float64 {
	g := make([]float64, len(x))
	y := append([]float64(nil), x...)
	for i := range x {
		h := 1e-3 * max(math.Abs(x[i]), 0.1)
		cd := func(h float64) float64 {
			y[i] = x[i] + h
			fp := f(y)
			y[i] = x[i] - h
			fm := f(y)
			y[i] = x[i]
			return (fp - fm) / (2 * h)
		}
		d1, d2 := cd(h), cd(h/2)
		g[i] = (4*d2 - d1) / 3
	}
	return g
}

// TestCovGradient checks the analytic gradients of both covariate
// likelihoods against Richardson-extrapolated central differences, at
// points with every γ away from 0 (and, for the Pareto/NBD, groups on both
// sides of α = β, the two branches of its ₂F₁), to 1e-6 relative to the
// gradient's largest component.
func TestCovGradient(t *testing.T) {
	rows := loadCDNOW(t)
	cov := cdnowCovariates(len(rows))
	groups, _, err := GroupByCovariates(rows, cov)
	if err != nil {
		t.Fatal(err)
	}
	pix := newParetoCovIndex(groups, 2, 1)
	bix := newBGCovIndex(groups, 2, 1)
	ugroups, _, err := GroupByCovariates(rows, uniqueCovariate(len(rows)))
	if err != nil {
		t.Fatal(err)
	}
	uix := newBGCovIndex(ugroups, 1, 0)
	upix := newParetoCovIndex(ugroups, 1, 0)
	cases := []struct {
		name string
		th   []float64
		ll   func(th, g []float64) float64
	}{
		// α = 10.58 against β e^(−γ·z) ∈ {11.66·e^0.4, 11.66}: α < β and α > β.
		{"paretonbd", []float64{0.55, 10.58, 0.61, 11.66, 0.3, -0.2, -0.4}, func(th, g []float64) float64 { return paretoCovLogLik(pix, th, g) }},
		{"paretonbd_alpha_below_beta", []float64{0.55, 6, 0.61, 11.66, -0.5, 0.25, 0.6}, func(th, g []float64) float64 { return paretoCovLogLik(pix, th, g) }},
		{"paretonbd_row_by_row", []float64{0.55, 10.58, 0.61, 11.66, 0.4}, func(th, g []float64) float64 { return paretoCovLogLik(upix, th, g) }},
		{"paretonbd_row_by_row_alpha_below_beta", []float64{0.55, 6, 0.61, 11.66, -0.3}, func(th, g []float64) float64 { return paretoCovLogLik(upix, th, g) }},
		{"bgnbd", []float64{0.24, 4.41, 0.79, 2.43, 0.3, -0.2, 0.5}, func(th, g []float64) float64 { return bgCovLogLik(bix, th, g) }},
		{"bgnbd_row_by_row", []float64{0.24, 4.41, 0.79, 2.43, 0.6}, func(th, g []float64) float64 { return bgCovLogLik(uix, th, g) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := make([]float64, len(c.th))
			c.ll(c.th, g)
			fd := richardsonGrad(func(th []float64) float64 { return c.ll(th, nil) }, c.th)
			scale := infNorm(fd)
			for i := range g {
				if d := math.Abs(g[i] - fd[i]); d > 1e-6*scale {
					t.Errorf("∂LL/∂θ%d = %.12g, finite differences %.12g (|Δ|/max = %.2g)", i, g[i], fd[i], d/scale)
				}
			}
		})
	}
}

// covSim is simulated data with known covariate effects.
type covSim struct {
	rows  []RFT
	cov   Covariates
	trans []float64 // true γ_trans
	life  []float64 // true γ_life
}

// simulateCov draws n customers with one 0/1 covariate (P = 0.4) and one
// standard normal covariate per process, each drawn independently, and
// their purchases from model(z_trans, z_life), in CDNOW's design: first
// purchases over 84 days, observed to day 273, weeks. All draws come from
// seed.
func simulateCov(tb testing.TB, n int, seed uint64, trans, life []float64, model func(zt, zl []float64) PurchaseProcess) covSim {
	tb.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	cov := Covariates{TransNames: []string{"paid", "engagement"}, LifeNames: []string{"paid", "age"}}
	for range n {
		cov.Trans = append(cov.Trans, float64(btoi(rng.Float64() < 0.4)), rng.NormFloat64())
		cov.Life = append(cov.Life, float64(btoi(rng.Float64() < 0.4)), rng.NormFloat64())
	}
	sim, err := SimulateEach(func(i int) PurchaseProcess { return model(cov.TransRow(i), cov.LifeRow(i)) }, SimOptions{
		Customers: n, Seed: seed, BirthWindowDays: 84, ObservationDays: 273, DaysPerUnit: 7,
	})
	if err != nil {
		tb.Fatal(err)
	}
	return covSim{rows: sim.Rows, cov: cov, trans: trans, life: life}
}

var (
	simParetoOnce, simBGOnce sync.Once
	simPareto, simBG         covSim
)

// True values of the simulation tests: CDNOW-like base parameters and
// γ_trans = (0.5, −0.3), γ_life = (0.7, 0.4).
var (
	simGammaTrans = []float64{0.5, -0.3}
	simGammaLife  = []float64{0.7, 0.4}
)

func paretoSim(tb testing.TB) covSim {
	simParetoOnce.Do(func() {
		m := ParetoNBDCov{ParetoNBD: cdnowPareto, GammaTrans: simGammaTrans, GammaLife: simGammaLife}
		simPareto = simulateCov(tb, 20000, 11, m.GammaTrans, m.GammaLife, func(zt, zl []float64) PurchaseProcess { return m.For(zt, zl) })
	})
	return simPareto
}

func bgSim(tb testing.TB) covSim {
	simBGOnce.Do(func() {
		m := BGNBDCov{BGNBD: cdnowBG, GammaTrans: simGammaTrans, GammaLife: simGammaLife}
		simBG = simulateCov(tb, 20000, 12, m.GammaTrans, m.GammaLife, func(zt, zl []float64) PurchaseProcess { return m.For(zt, zl) })
	})
	return simBG
}

// TestCovRecoversGamma fits both covariate models to 20,000 simulated
// customers each (fixed seeds) and checks that every γ lies within two
// standard errors of its true value, that the standard errors are finite
// and positive, and that the likelihood-ratio test against the model
// without covariates rejects it (p < 1e-6: the effects are large).
func TestCovRecoversGamma(t *testing.T) {
	if testing.Short() {
		t.Skip("fits 2 × 20,000 simulated customers")
	}
	type fitter func(s covSim) (CovFit, error)
	cases := []struct {
		name string
		sim  func(testing.TB) covSim
		fit  fitter
	}{
		{"paretonbd", paretoSim, func(s covSim) (CovFit, error) {
			_, f, err := FitParetoNBDCov(s.rows, s.cov, FitOptions{})
			return f, err
		}},
		{"bgnbd", bgSim, func(s covSim) (CovFit, error) {
			_, f, err := FitBGNBDCov(s.rows, s.cov, FitOptions{})
			return f, err
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := c.sim(t)
			f, err := c.fit(s)
			if err != nil {
				t.Fatal(err)
			}
			truth := append(append([]float64(nil), s.trans...), s.life...)
			for j, want := range truth {
				i := 4 + j
				got, se := f.Params[i], f.StdErrors[i]
				if !(se > 0) || math.IsInf(se, 0) {
					t.Fatalf("%s: standard error %v", f.Names[i], se)
				}
				z := (got - want) / se
				t.Logf("%s = %.4f (SE %.4f), true %.2f, z = %+.2f", f.Names[i], got, se, want, z)
				if math.Abs(z) > 2 {
					t.Errorf("%s = %.4f ± %.4f: %.2f standard errors from the true %v", f.Names[i], got, se, z, want)
				}
			}
			for i := range 4 {
				if !(f.StdErrors[i] > 0) {
					t.Errorf("%s: standard error %v", f.Names[i], f.StdErrors[i])
				}
			}
			t.Logf("LRT %v; groups %d, rows %d, evaluations %d", f.LRT, f.Groups, f.Rows, f.Evaluations)
			if f.LRT.DF != 4 || !(f.LRT.PValue < 1e-6) {
				t.Errorf("LRT = %+v: want 4 df and p < 1e-6", f.LRT)
			}
			if want := 2 * (f.LogLikelihood - f.Base.LogLikelihood); f.LRT.Statistic != want {
				t.Errorf("LRT statistic %v, want 2·(LL − LL₀) = %v", f.LRT.Statistic, want)
			}
		})
	}
}

// TestCovDeterministic: the same data give the same fit bit for bit with
// one thread or two (the 20,000 simulated customers make several chunks of
// covariate groups, summed in parallel).
func TestCovDeterministic(t *testing.T) {
	if testing.Short() {
		t.Skip("fits 20,000 simulated customers twice")
	}
	s := bgSim(t)
	run := func(procs int) CovFit {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		_, f, err := FitBGNBDCov(s.rows, s.cov, FitOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	one, two := run(1), run(2)
	if !slices.Equal(one.Params, two.Params) || !slices.Equal(one.StdErrors, two.StdErrors) || one.LogLikelihood != two.LogLikelihood {
		t.Errorf("GOMAXPROCS 1: %v %v %v\nGOMAXPROCS 2: %v %v %v", one.Params, one.StdErrors, one.LogLikelihood, two.Params, two.StdErrors, two.LogLikelihood)
	}
	// The Pareto/NBD's grouped likelihood and gradient likewise.
	p := paretoSim(t)
	groups, _, err := GroupByCovariates(p.rows, p.cov)
	if err != nil {
		t.Fatal(err)
	}
	ix := newParetoCovIndex(groups, 2, 2)
	th := []float64{0.55, 10.58, 0.61, 11.66, 0.5, -0.3, 0.7, 0.4}
	eval := func(procs int) []float64 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		g := make([]float64, len(th))
		return append(g, paretoCovLogLik(ix, th, g))
	}
	if a, b := eval(1), eval(2); !slices.Equal(a, b) {
		t.Errorf("Pareto/NBD with covariates: GOMAXPROCS 1 gives %v, 2 gives %v", a, b)
	}
}

// TestCovPenaltyShrinks: a covariate penalty pulls every γ towards 0 and
// leaves the penalized log-likelihood below the unpenalized one.
func TestCovPenaltyShrinks(t *testing.T) {
	rows := loadCDNOW(t)
	cov := cdnowCovariates(len(rows))
	_, free, err := FitBGNBDCov(rows, cov, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, pen, err := FitBGNBDCov(rows, cov, FitOptions{CovariatePenalty: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	for i := 4; i < len(free.Params); i++ {
		if !(math.Abs(pen.Params[i]) < math.Abs(free.Params[i])) {
			t.Errorf("%s: %v with the penalty, %v without: not shrunk", free.Names[i], pen.Params[i], free.Params[i])
		}
	}
	sq := 0.0
	for _, g := range pen.Params[4:] {
		sq += g * g
	}
	if want := pen.LogLikelihood - pen.Customers*0.1*sq; !near(pen.PenalizedLogLikelihood, want, 1e-14) {
		t.Errorf("penalized LL %v, want LL − N·0.1·Σγ² = %v", pen.PenalizedLogLikelihood, want)
	}
	if !(free.LogLikelihood >= pen.LogLikelihood) {
		t.Errorf("unpenalized LL %v below the penalized fit's %v", free.LogLikelihood, pen.LogLikelihood)
	}
}

func TestLikelihoodRatio(t *testing.T) {
	// χ² quantiles from any table: P(χ²₁ ≥ 3.841459) = 0.05, P(χ²₂ ≥ 5.991465) = 0.05,
	// P(χ²₄ ≥ 13.276704) = 0.01.
	cases := []struct {
		full, restricted float64
		df               int
		stat, p          float64
	}{
		{-100, -100 - 3.841459/2, 1, 3.841459, 0.05},
		{-5, -5 - 5.991465/2, 2, 5.991465, 0.05},
		{10, 10 - 13.276704/2, 4, 13.276704, 0.01},
		{-7, -6.9, 3, 0, 1}, // a restricted fit above the full one counts as 0
	}
	for _, c := range cases {
		got, err := LikelihoodRatio(c.full, c.restricted, c.df)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got.Statistic-c.stat) > 1e-9 || math.Abs(got.PValue-c.p) > 1e-6 || got.DF != c.df {
			t.Errorf("LikelihoodRatio(%v, %v, %d) = %+v, want statistic %v, p %v", c.full, c.restricted, c.df, got, c.stat, c.p)
		}
	}
	if _, err := LikelihoodRatio(1, 0, 0); err == nil {
		t.Error("0 degrees of freedom: no error")
	}
	if _, err := LikelihoodRatio(math.NaN(), 0, 1); err == nil {
		t.Error("NaN log-likelihood: no error")
	}
}

func TestEncodeCovariates(t *testing.T) {
	cases := []struct {
		name    string
		attrs   []Attribute
		cols    []string
		refs    []string
		values  []float64
		wantErr string
	}{
		{
			name:   "categorical, most frequent level is the reference",
			attrs:  []Attribute{{Name: "channel", Values: []string{"email", "search", "search", "ads", "search"}}},
			cols:   []string{"channel=ads", "channel=email"},
			refs:   []string{"search", "search"},
			values: []float64{0, 1, 0, 0, 0, 0, 1, 0, 0, 0},
		},
		{
			name:   "tie goes to the first level in sorted order; numeric column kept as is",
			attrs:  []Attribute{{Name: "g", Values: []string{"m", "f", "m", "f"}}, {Name: "age", Values: []string{"30", " 41.5", "-2", "1e1"}}},
			cols:   []string{"g=m", "age"},
			refs:   []string{"f", ""},
			values: []float64{1, 30, 0, 41.5, 1, -2, 0, 10},
		},
		{name: "single level", attrs: []Attribute{{Name: "c", Values: []string{"a", "a"}}}, wantErr: `attribute "c" has a single level ("a")`},
		{name: "constant number", attrs: []Attribute{{Name: "n", Values: []string{"2", "2.0"}}}, wantErr: `attribute "n": every customer has the value 2`},
		{name: "length", attrs: []Attribute{{Name: "a", Values: []string{"x", "y"}}, {Name: "b", Values: []string{"1"}}}, wantErr: `attribute "b": 1 values, want 2`},
		{name: "twice", attrs: []Attribute{{Name: "a", Values: []string{"x", "y"}}, {Name: "a", Values: []string{"x", "y"}}}, wantErr: `attribute "a" listed twice`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cols, values, err := EncodeCovariates(c.attrs)
			if c.wantErr != "" {
				if err == nil || !containsStr(err.Error(), c.wantErr) {
					t.Fatalf("error %v, want %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ColumnNames(cols), c.cols) || !slices.Equal(values, c.values) {
				t.Errorf("got %v %v, want %v %v", ColumnNames(cols), values, c.cols, c.values)
			}
			for i, col := range cols {
				if col.Reference != c.refs[i] {
					t.Errorf("%s: reference %q, want %q", col.Name, col.Reference, c.refs[i])
				}
			}
		})
	}
}

func containsStr(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

func TestGroupByCovariates(t *testing.T) {
	rows := []RFT{{1, 2, 5, 1}, {1, 2, 5, 1}, {0, 0, 5, 1}, {1, 2, 5, 1}}
	cov := Covariates{TransNames: []string{"a"}, Trans: []float64{1, 0, 0, -0.0}}
	groups, index, err := GroupByCovariates(rows, cov)
	if err != nil {
		t.Fatal(err)
	}
	// z = 0 (rows 1, 2, 3 with −0 = 0), then z = 1 (row 0).
	if len(groups) != 2 || len(groups[0].Rows) != 2 || groups[0].Trans[0] != 0 || groups[1].Trans[0] != 1 {
		t.Fatalf("groups %+v", groups)
	}
	if w := groups[0].Rows[1].Weight; w != 2 {
		t.Errorf("merged weight %v, want 2", w)
	}
	want := [][2]int{{1, 0}, {0, 1}, {0, 0}, {0, 1}}
	if !slices.Equal(index, want) {
		t.Errorf("index %v, want %v", index, want)
	}
	bad := Covariates{LifeNames: []string{"x"}, Life: []float64{1, 2, math.NaN(), 3}}
	if _, _, err := GroupByCovariates(rows, bad); err == nil || !containsStr(err.Error(), "covariate x") {
		t.Errorf("NaN covariate: error %v", err)
	}
}
