package model

import "testing"

// BenchmarkCovLogLikGrad measures one log-likelihood-and-gradient
// evaluation of each covariate model against the plain model on the same
// 20,000 simulated customers (the data of TestCovRecoversGamma): "plain"
// on the rows compressed by (x, t_x, T), "categorical" with the two 0/1
// covariates only (4 covariate groups), "numeric" with a standard normal
// covariate per process too, so every customer is a group of its own.
func BenchmarkCovLogLikGrad(b *testing.B) {
	for _, m := range []struct {
		name string
		sim  func(testing.TB) covSim
		eval func(groups []CovGroup, kt, kl int) func(th, g []float64) float64
		th   []float64
	}{
		{"paretonbd", paretoSim, func(groups []CovGroup, kt, kl int) func(th, g []float64) float64 {
			ix := newParetoCovIndex(groups, kt, kl)
			return func(th, g []float64) float64 { return paretoCovLogLik(ix, th, g) }
		}, []float64{0.55, 10.58, 0.61, 11.66}},
		{"bgnbd", bgSim, func(groups []CovGroup, kt, kl int) func(th, g []float64) float64 {
			ix := newBGCovIndex(groups, kt, kl)
			return func(th, g []float64) float64 { return bgCovLogLik(ix, th, g) }
		}, []float64{0.24, 4.41, 0.79, 2.43}},
	} {
		s := m.sim(b)
		b.Run(m.name+"/plain", func(b *testing.B) {
			rows := Compress(s.rows)
			f := m.eval([]CovGroup{{Rows: rows}}, 0, 0)
			g := make([]float64, 4)
			b.ReportMetric(float64(len(rows)), "rows")
			for b.Loop() {
				f(m.th, g)
			}
		})
		cat := Covariates{TransNames: s.cov.TransNames[:1], LifeNames: s.cov.LifeNames[:1]}
		for i := range s.rows {
			cat.Trans = append(cat.Trans, s.cov.TransRow(i)[0])
			cat.Life = append(cat.Life, s.cov.LifeRow(i)[0])
		}
		for _, c := range []struct {
			name string
			cov  Covariates
		}{{"categorical", cat}, {"numeric", s.cov}} {
			b.Run(m.name+"/"+c.name, func(b *testing.B) {
				groups, _, err := GroupByCovariates(s.rows, c.cov)
				if err != nil {
					b.Fatal(err)
				}
				kt, kl := len(c.cov.TransNames), len(c.cov.LifeNames)
				f := m.eval(groups, kt, kl)
				th := append(append([]float64(nil), m.th...), make([]float64, kt+kl)...)
				for i := 4; i < len(th); i++ {
					th[i] = 0.2
				}
				g := make([]float64, len(th))
				rows := 0
				for _, gr := range groups {
					rows += len(gr.Rows)
				}
				b.ReportMetric(float64(rows), "rows")
				for b.Loop() {
					f(th, g)
				}
			})
		}
	}
}
