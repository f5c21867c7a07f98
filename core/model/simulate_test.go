package model

import (
	"math"
	"testing"
)

func TestSimulateDeterministicAndDiscrete(t *testing.T) {
	o := SimOptions{Customers: 20000, Seed: 7, BirthWindowDays: 84, ObservationDays: 273, DaysPerUnit: 7, Spend: &cdnowSpend}
	a, err := Simulate(cdnowBGNBD, o)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Simulate(cdnowBGNBD, o)
	for i := range a.Rows {
		if a.Rows[i] != b.Rows[i] || a.MeanSpend[i] != b.MeanSpend[i] {
			t.Fatalf("customer %d differs between runs: %v vs %v", i, a.Rows[i], b.Rows[i])
		}
	}
	if err := ValidateRFT(a.Rows); err != nil {
		t.Fatal(err)
	}
	for i, r := range a.Rows {
		// Whole days: 7·T and 7·t_x are integers; T from the birth day.
		if d := r.T * 7; math.Abs(d-math.Round(d)) > 1e-9 || int(math.Round(d)) != 272-int(a.BirthDay[i]) {
			t.Fatalf("customer %d: T = %v is not whole days from birth day %d", i, r.T, a.BirthDay[i])
		}
		if (r.X == 0) != (a.MeanSpend[i] == 0) {
			t.Fatalf("customer %d: x = %v, mean spend %v", i, r.X, a.MeanSpend[i])
		}
	}
	if c := Compress(a.Rows); len(c) > len(a.Rows)/2 {
		t.Errorf("%d customers compress to %d rows: discretised histories should repeat", len(a.Rows), len(c))
	}
}

// Refitting each model to customers simulated from it recovers the
// parameters roughly (day discretisation and sampling noise make it rough).
func TestSimulateRecovers(t *testing.T) {
	if testing.Short() {
		t.Skip("fits three models to 50,000 simulated customers")
	}
	o := SimOptions{Customers: 50000, Seed: 11, BirthWindowDays: 84, ObservationDays: 546, DaysPerUnit: 7}
	check := func(name string, want, got []float64) {
		for i := range want {
			if !near(got[i], want[i], 0.2) {
				t.Errorf("%s: parameter %d = %.4g, simulated from %.4g", name, i, got[i], want[i])
			}
		}
	}
	bg := BGNBD{R: 0.5, Alpha: 5, A: 1.2, B: 3}
	sim, _ := Simulate(bg, o)
	m, _, err := FitBGNBD(Compress(sim.Rows), FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	check("BG/NBD", []float64{bg.R, bg.Alpha, bg.A, bg.B}, []float64{m.R, m.Alpha, m.A, m.B})
	mbg := MBGNBD{R: 0.5, Alpha: 5, A: 1.2, B: 3}
	sim, _ = Simulate(mbg, o)
	mm, _, err := FitMBGNBD(Compress(sim.Rows), FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	check("MBG/NBD", []float64{mbg.R, mbg.Alpha, mbg.A, mbg.B}, []float64{mm.R, mm.Alpha, mm.A, mm.B})
	pn := ParetoNBD{R: 0.5, Alpha: 5, S: 0.8, Beta: 20}
	o.Customers = 5000
	sim, _ = Simulate(pn, o)
	mp, _, err := FitParetoNBD(Compress(sim.Rows), FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	check("Pareto/NBD", []float64{pn.R, pn.Alpha, pn.S, pn.Beta}, []float64{mp.R, mp.Alpha, mp.S, mp.Beta})
	t.Logf("Pareto/NBD refit %+v from %+v", mp, pn)
}
