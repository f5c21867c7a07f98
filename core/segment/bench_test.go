package segment

import (
	"math"
	"math/rand/v2"
	"testing"
)

const benchCustomers = 1_000_000

// benchColumns simulates 1M customers with CDNOW-like ties: 60% never
// bought again (frequency 0), gaps in whole days, spend log-normal.
func benchColumns() (gap, freq, mon, clv []float64) {
	rng := rand.New(rand.NewPCG(7, 8))
	gap = make([]float64, benchCustomers)
	freq = make([]float64, benchCustomers)
	mon = make([]float64, benchCustomers)
	clv = make([]float64, benchCustomers)
	for i := range gap {
		gap[i] = float64(rng.IntN(540))
		if rng.Float64() >= 0.6 {
			freq[i] = float64(1 + rng.IntN(30))
			mon[i] = math.Round(100*math.Exp(3+rng.NormFloat64())) / 100
		}
		clv[i] = freq[i] * mon[i] * rng.Float64()
	}
	return
}

func reportPerCustomer(b *testing.B) {
	ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N) / benchCustomers
	b.ReportMetric(ns, "ns/customer")
	b.ReportMetric(1e9/ns, "customers/s")
}

func BenchmarkRFM1M(b *testing.B) {
	gap, freq, mon, _ := benchColumns()
	b.ResetTimer()
	for b.Loop() {
		if _, err := RFM(gap, freq, mon); err != nil {
			b.Fatal(err)
		}
	}
	reportPerCustomer(b)
}

func BenchmarkDefaultMapAssign1M(b *testing.B) {
	gap, freq, mon, _ := benchColumns()
	codes, err := RFM(gap, freq, mon)
	if err != nil {
		b.Fatal(err)
	}
	m := DefaultMap()
	b.ResetTimer()
	for b.Loop() {
		if _, err := m.Assign(codes, nil); err != nil {
			b.Fatal(err)
		}
	}
	reportPerCustomer(b)
}

func BenchmarkColumnMapAssign1M(b *testing.B) {
	gap, freq, mon, clv := benchColumns()
	codes, err := RFM(gap, freq, mon)
	if err != nil {
		b.Fatal(err)
	}
	m, err := NewMap(valueRules, "Other")
	if err != nil {
		b.Fatal(err)
	}
	cols := map[string][]float64{"clv": clv, "p_alive": gap} // any numbers will do
	b.ResetTimer()
	for b.Loop() {
		if _, err := m.Assign(codes, cols); err != nil {
			b.Fatal(err)
		}
	}
	reportPerCustomer(b)
}

func BenchmarkTiers1M(b *testing.B) {
	_, _, _, clv := benchColumns()
	t := DefaultTiers()
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := t.Assign(clv); err != nil {
			b.Fatal(err)
		}
	}
	reportPerCustomer(b)
}

func BenchmarkLintTableB(b *testing.B) {
	m, err := NewMap(tableB, "")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		m.Lint()
	}
}
