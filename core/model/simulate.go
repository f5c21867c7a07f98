package model

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat/distuv"
)

// PurchaseProcess is a purchase model that can generate customers: the
// continuous-time models implement it.
type PurchaseProcess interface {
	// PurchaseTimes draws one customer's latent traits from src and appends
	// to dst the times in (0, horizon] of that customer's repeat purchases,
	// in increasing order, measured from the first purchase at time 0.
	PurchaseTimes(src rand.Source, horizon float64, dst []float64) []float64
}

var (
	_ PurchaseProcess = BGNBD{}
	_ PurchaseProcess = ParetoNBD{}
	_ PurchaseProcess = MBGNBD{}
)

// maxSimPurchases caps one simulated customer's purchases, a guard against
// parameter values with absurd purchase rates.
const maxSimPurchases = 1 << 20

// PurchaseTimes implements PurchaseProcess: λ ~ Gamma(r, α), p ~ Beta(a, b);
// exponential inter-purchase times with rate λ; after each purchase the
// customer drops out with probability p.
func (m BGNBD) PurchaseTimes(src rand.Source, horizon float64, dst []float64) []float64 {
	return betaGeoTimes(src, m.R, m.Alpha, m.A, m.B, false, horizon, dst)
}

// PurchaseTimes implements PurchaseProcess as for BGNBD, except that the
// customer may also drop out at time 0, with probability p.
func (m MBGNBD) PurchaseTimes(src rand.Source, horizon float64, dst []float64) []float64 {
	return betaGeoTimes(src, m.R, m.Alpha, m.A, m.B, true, horizon, dst)
}

func betaGeoTimes(src rand.Source, r, alpha, a, b float64, modified bool, horizon float64, dst []float64) []float64 {
	rng := rand.New(src)
	lambda := distuv.Gamma{Alpha: r, Beta: alpha, Src: src}.Rand()
	p := distuv.Beta{Alpha: a, Beta: b, Src: src}.Rand()
	if modified && rng.Float64() < p {
		return dst
	}
	if !(lambda > 0) {
		return dst
	}
	t := 0.0
	for range maxSimPurchases {
		t += rng.ExpFloat64() / lambda
		if t > horizon {
			break
		}
		dst = append(dst, t)
		if rng.Float64() < p {
			break
		}
	}
	return dst
}

// PurchaseTimes implements PurchaseProcess: λ ~ Gamma(r, α), μ ~ Gamma(s, β);
// Poisson purchases at rate λ until an exponential lifetime with rate μ ends.
func (m ParetoNBD) PurchaseTimes(src rand.Source, horizon float64, dst []float64) []float64 {
	rng := rand.New(src)
	lambda := distuv.Gamma{Alpha: m.R, Beta: m.Alpha, Src: src}.Rand()
	mu := distuv.Gamma{Alpha: m.S, Beta: m.Beta, Src: src}.Rand()
	end := horizon
	if mu > 0 {
		end = min(horizon, rng.ExpFloat64()/mu)
	}
	if !(lambda > 0) {
		return dst
	}
	t := 0.0
	for range maxSimPurchases {
		t += rng.ExpFloat64() / lambda
		if t > end {
			break
		}
		dst = append(dst, t)
	}
	return dst
}

// SpendParams are Gamma-Gamma spend parameters (Fader, Hardie & Lee 2005,
// "RFM and CLV", §3 / Colombo & Jiang 1999): each transaction's value is
// Gamma(P, ν) (shape, rate) with ν ~ Gamma(Q, V) across customers.
type SpendParams struct{ P, Q, V float64 }

// SimOptions configures Simulate.
type SimOptions struct {
	// Customers is the number of customers to draw.
	Customers int
	// Seed seeds the PCG generator; the same options give the same customers.
	Seed uint64
	// BirthWindowDays: first purchases fall on days 0 .. BirthWindowDays−1,
	// uniformly (CDNOW: 84, the first quarter of 1997).
	BirthWindowDays int
	// ObservationDays: the data end on day ObservationDays−1 (CDNOW's
	// calibration period: 273 days, 1997-01-01..1997-09-30).
	ObservationDays int
	// DaysPerUnit is the time unit of the model and of the output rows
	// (7: weeks).
	DaysPerUnit float64
	// Spend, if set, also draws each customer's repeat-transaction values.
	Spend *SpendParams
}

// Simulation is what Simulate returns, one entry per customer.
type Simulation struct {
	// Rows hold (x, t_x, T) in the model's time unit, weight 1, computed
	// from whole purchase days as a transaction log would give them.
	Rows []RFT
	// BirthDay is the day of the first purchase (0-based in the window).
	BirthDay []int32
	// MeanSpend is the mean value of the customer's repeat transactions
	// (0 when X = 0); nil unless SimOptions.Spend is set.
	MeanSpend []float64
}

// Simulate draws synthetic customers from m. Each customer makes a first
// purchase at a uniformly random moment of a uniformly random day of the
// birth window; purchase times from m are turned into calendar days
// (floored), several purchases on one day count once, purchases on the first
// purchase's day are not repeat purchases, and x, t_x and T are counted in
// whole days divided by DaysPerUnit, exactly as from a real transaction log,
// so that identical customers give identical rows that Compress merges.
//
// All randomness comes from one PCG generator seeded with o.Seed, consumed in
// customer order: results are reproducible bit for bit.
func Simulate(m PurchaseProcess, o SimOptions) (Simulation, error) {
	return SimulateEach(func(int) PurchaseProcess { return m }, o)
}

// SimulateEach is Simulate with a model per customer: customer i's
// purchases come from model(i), as for a covariate model's customers
// (ParetoNBDCov.For, BGNBDCov.For). The random draws are the same as
// Simulate's, in the same order, so a constant model gives Simulate's
// customers bit for bit.
func SimulateEach(model func(i int) PurchaseProcess, o SimOptions) (Simulation, error) {
	switch {
	case o.Customers < 0:
		return Simulation{}, fmt.Errorf("simulate: %d customers", o.Customers)
	case o.BirthWindowDays < 1:
		return Simulation{}, fmt.Errorf("simulate: birth window of %d days: need ≥ 1", o.BirthWindowDays)
	case o.ObservationDays < o.BirthWindowDays:
		return Simulation{}, fmt.Errorf("simulate: observation of %d days ends inside the %d-day birth window", o.ObservationDays, o.BirthWindowDays)
	case !(o.DaysPerUnit > 0) || math.IsInf(o.DaysPerUnit, 0):
		return Simulation{}, errors.New("simulate: DaysPerUnit must be > 0")
	}
	if sp := o.Spend; sp != nil && !(sp.P > 0 && sp.Q > 0 && sp.V > 0) {
		return Simulation{}, fmt.Errorf("simulate: spend parameters %+v must be positive", *sp)
	}
	src := rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15)
	rng := rand.New(src)
	sim := Simulation{
		Rows:     make([]RFT, o.Customers),
		BirthDay: make([]int32, o.Customers),
	}
	if o.Spend != nil {
		sim.MeanSpend = make([]float64, o.Customers)
	}
	lastDay := o.ObservationDays - 1
	var times []float64
	for i := range o.Customers {
		birth := rng.IntN(o.BirthWindowDays)
		offset := rng.Float64() // moment within the birth day
		horizon := (float64(o.ObservationDays-birth) - offset) / o.DaysPerUnit
		times = model(i).PurchaseTimes(src, horizon, times[:0])
		x, prevDay := 0, birth
		for _, t := range times {
			day := birth + int(math.Floor(offset+t*o.DaysPerUnit))
			if day > lastDay {
				break
			}
			if day > prevDay {
				x++
				prevDay = day
			}
		}
		sim.BirthDay[i] = int32(birth)
		sim.Rows[i] = RFT{
			X:      float64(x),
			TX:     float64(prevDay-birth) / o.DaysPerUnit,
			T:      float64(lastDay-birth) / o.DaysPerUnit,
			Weight: 1,
		}
		if o.Spend != nil && x > 0 {
			nu := distuv.Gamma{Alpha: o.Spend.Q, Beta: o.Spend.V, Src: src}.Rand()
			// The sum of x Gamma(p, ν) values is Gamma(p·x, ν).
			total := distuv.Gamma{Alpha: o.Spend.P * float64(x), Beta: nu, Src: src}.Rand()
			sim.MeanSpend[i] = total / float64(x)
		}
	}
	return sim, nil
}
