package group

import (
	"math/rand/v2"
	"sort"
	"strconv"
	"testing"
)

// BenchmarkCompute groups 100,000 customers into 8 channels at 6
// decimals; the baseline is a plain float64 sum of the same five figures
// per group (what exact sums cost over naive ones), reported as ns/customer.
func BenchmarkCompute(b *testing.B) {
	const n = 100_000
	rng := rand.New(rand.NewPCG(1, 2))
	cs := make([]Customer, n)
	for i := range cs {
		cs[i] = Customer{ID: strconv.Itoa(i), Values: []string{"ch" + strconv.Itoa(rng.IntN(8))}, CLV: rng.ExpFloat64() * 100,
			PAlive: rng.Float64(), ExpectedPurchases: rng.ExpFloat64(), ExpectedSpend: rng.ExpFloat64() * 50, Revenue: rng.Float64() * 500}
	}
	o := Options{By: []string{"channel"}, Precision: 6, MinCustomers: 30, HorizonMonths: 12, Margin: 1}
	b.Run("exact", func(b *testing.B) {
		for b.Loop() {
			if _, err := Compute(cs, o); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/customer")
	})
	b.Run("float-baseline", func(b *testing.B) {
		for b.Loop() {
			sums := map[string]*[5]float64{}
			for _, c := range cs {
				s := sums[c.Values[0]]
				if s == nil {
					s = &[5]float64{}
					sums[c.Values[0]] = s
				}
				s[0] += c.CLV
				s[1] += c.PAlive
				s[2] += c.ExpectedPurchases
				s[3] += c.ExpectedSpend
				s[4] += c.Revenue
			}
			keys := make([]string, 0, len(sums))
			for k := range sums {
				keys = append(keys, k)
			}
			sort.Strings(keys)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/customer")
	})
}
