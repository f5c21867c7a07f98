package model

import "testing"

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

func TestSBGProbe(t *testing.T) {
	reg, hi := sbgCohorts(t)
	for _, c := range [][]float64{reg, hi} {
		m, fit, err := FitSBG(c[:8], FitOptions{})
		t.Logf("%+v %+v %v", m, fit, err)
		t.Logf("proj %v", m.SurvivalCurve(12))
		t.Logf("actual %v", c)
		el, err := m.ExpectedLifetime()
		t.Logf("median %v E %v %v derl7 %v derl8 %v", m.MedianLifetime(), el, err, m.DERL(0.1, 7), m.DERL(0.1, 8))
	}
}
