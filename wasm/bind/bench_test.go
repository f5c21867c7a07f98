package bind

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"
)

// BenchmarkScore times Session.Score as the page calls it: on the CDNOW
// sample and on a synthetic log of 100,000 customers (the browser test's
// "big" case, web/web_test.go). It runs natively and, to see what the page
// pays, under node:
//
//	go test -run '^$' -bench Score ./wasm/bind/
//	GOOS=js GOARCH=wasm PATH=$(go env GOROOT)/lib/wasm:$PATH go test -run '^$' -bench Score ./wasm/bind/
//
// ms-summarize and ms-score are Score's own timings (Scored.Milliseconds).
func BenchmarkScore(b *testing.B) {
	cdnow, err := os.ReadFile("../../examples/cdnow/transactions.csv")
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name, end string
		data      func() []byte
	}{
		{"cdnow", "1997-09-30", func() []byte { return cdnow }},
		{"synthetic100k", "2024-09-30", func() []byte { return synthetic(100000) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			var s Session
			ins := s.Load(c.data())
			var sum, sc float64
			for b.Loop() {
				res, err := s.Score(context.Background(), settingsFor(ins, c.end, 0.3), nil)
				if err != nil {
					b.Fatal(err)
				}
				sum += res.Milliseconds.Summarize
				sc += res.Milliseconds.Score
			}
			b.ReportMetric(sum/float64(b.N), "ms-summarize")
			b.ReportMetric(sc/float64(b.N), "ms-score")
		})
	}
}

// synthetic writes a transaction log of n customers drawn from a BG/NBD
// process with CDNOW-like parameters, as web/web_test.go's bigExpected does
// (same generator and seed).
func synthetic(n int) []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	const end = 274.0 // days, 2024-01-01 .. 2024-09-30
	var b strings.Builder
	b.WriteString("customer_id,order_date,total\n")
	for c := 1; c <= n; c++ {
		lambda := gammaDraw(rng, 0.25) / 4 / 7 // purchases per day
		x, y := gammaDraw(rng, 0.8), gammaDraw(rng, 2.4)
		p := x / (x + y)
		day := float64(rng.IntN(84)) + rng.Float64()
		spend := 15 + 60*rng.Float64()
		fmt.Fprintf(&b, "C%06d,%s,%.2f\n", c, start.AddDate(0, 0, int(day)).Format("2006-01-02"), spend*(0.5+rng.Float64()))
		for lambda > 0 {
			day += rng.ExpFloat64() / lambda
			if day >= end {
				break
			}
			fmt.Fprintf(&b, "C%06d,%s,%.2f\n", c, start.AddDate(0, 0, int(day)).Format("2006-01-02"), spend*(0.5+rng.Float64()))
			if rng.Float64() < p {
				break
			}
		}
	}
	return []byte(b.String())
}

// gammaDraw draws from Gamma(shape, 1) (Marsaglia & Tsang 2000, with the
// U^(1/shape) boost for shape < 1).
func gammaDraw(rng *rand.Rand, shape float64) float64 {
	if shape < 1 {
		return gammaDraw(rng, shape+1) * math.Pow(rng.Float64(), 1/shape)
	}
	d := shape - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := rng.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := rng.Float64()
		if math.Log(u) < 0.5*x*x+d-d*v+d*math.Log(v) {
			return d * v
		}
	}
}
