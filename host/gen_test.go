package main

import (
	"bufio"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"time"
)

// synthLog describes a synthetic transaction log written by writeSynthLog.
type synthLog struct {
	Rows, Customers int
	// ObservationEnd is the last day of the log (YYYY-MM-DD).
	ObservationEnd string
}

// writeSynthLog writes a transaction log of exactly rows data rows to path
// (header customer_id,date,amount), simulated from the BG/NBD and
// Gamma-Gamma models so that the fits converge like on real data: each
// customer first buys on a day of 2023, then buys at a Poisson rate
// λ ~ Gamma(0.9, scale 0.03) per day and drops out after each purchase with
// probability p ~ Beta(1, 12), until 2024-12-31; each order is worth the
// customer's mean spend ~ Gamma(4, scale 12) times Gamma(8, scale 1/8).
// About 10 orders per customer. Customer ids are 8 hex digits in a
// scrambled order, each customer's orders in date order. The same rows and
// seed always give the same bytes.
func writeSynthLog(path string, rows int, seed uint64) (synthLog, error) {
	f, err := os.Create(path)
	if err != nil {
		return synthLog{}, err
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	const days = 731 // 2023-01-01 .. 2024-12-31
	start := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	dates := make([]string, days)
	for d := range dates {
		dates[d] = start.AddDate(0, 0, d).Format(time.DateOnly)
	}
	w.WriteString("customer_id,date,amount\n")
	line := make([]byte, 0, 64)
	n, c := 0, 0
	for ; n < rows; c++ {
		// Multiplying by an odd constant is a bijection of uint32: unique
		// ids in a scrambled order.
		id := fmt.Sprintf("%08x", uint32(c)*2654435761)
		lambda := gammaRand(r, 0.9, 0.03)
		p := betaRand(r, 1, 12)
		mean := gammaRand(r, 4, 12)
		t := float64(r.IntN(365))
		for n < rows {
			amount := mean * gammaRand(r, 8, 1.0/8)
			line = append(line[:0], id...)
			line = append(line, ',')
			line = append(line, dates[int(t)]...)
			line = append(line, ',')
			line = strconv.AppendFloat(line, math.Max(amount, 0.01), 'f', 2, 64)
			line = append(line, '\n')
			w.Write(line)
			n++
			if r.Float64() < p {
				break
			}
			t += r.ExpFloat64() / lambda
			if t >= days {
				break
			}
		}
	}
	if err := w.Flush(); err != nil {
		return synthLog{}, err
	}
	return synthLog{Rows: n, Customers: c, ObservationEnd: dates[days-1]}, f.Close()
}

// gammaRand draws from Gamma(shape, scale) (Marsaglia & Tsang 2000; for
// shape < 1, Gamma(shape+1)·U^(1/shape)).
func gammaRand(r *rand.Rand, shape, scale float64) float64 {
	if shape < 1 {
		return gammaRand(r, shape+1, scale) * math.Pow(r.Float64(), 1/shape)
	}
	d := shape - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := r.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		if math.Log(r.Float64()) < 0.5*x*x+d-d*v+d*math.Log(v) {
			return d * v * scale
		}
	}
}

// betaRand draws from Beta(a, b) as X/(X+Y) with X ~ Gamma(a), Y ~ Gamma(b).
func betaRand(r *rand.Rand, a, b float64) float64 {
	x := gammaRand(r, a, 1)
	return x / (x + gammaRand(r, b, 1))
}

// synthConfig is a clv.toml scoring a log written by writeSynthLog.
func synthConfig(input, output string, l synthLog) string {
	return fmt.Sprintf(`[input]
path = %q

[input.columns]
customer = "customer_id"
date = "date"
amount = "amount"

[time]
grain = "day"
unit = "week"
observation_end = %q

[model]
purchase = "bgnbd"
spend = "gammagamma"
horizon_months = 12
annual_discount_rate = 0.10
margin = 0.30

[output]
path = %q
precision = 6
`, input, l.ObservationEnd, output)
}
