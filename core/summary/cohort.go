package summary

import (
	"fmt"
	"math"
	"time"

	"github.com/clvkit/clvkit/internal/quote"
)

// CohortOptions configures Builder.Cohorts.
type CohortOptions struct {
	// Grain is both the acquisition period that defines a cohort and the
	// period counted since acquisition. The zero value Day is taken as
	// Month unless ByDay is set.
	Grain Grain
	// ByDay selects daily cohorts (Grain Day) explicitly.
	ByDay bool
	// Periods caps the number of periods reported, k = 0..Periods-1; 0
	// reports every period up to the one holding the observation end.
	Periods int
	// DiscountRatePerPeriod d discounts period k's revenue by (1+d)^k in
	// Cumulative; 0 means no discounting. Must be > -1.
	DiscountRatePerPeriod float64
}

// Cohort is the customers acquired (first purchase) in one period.
type Cohort struct {
	// Start is the first day of the acquisition period, midnight UTC.
	Start time.Time
	// Customers is the number of customers acquired.
	Customers int
	// Revenue[k] is the cohort's total amount in period k after the
	// acquisition period (k = 0 is the acquisition period itself) divided
	// by Customers: revenue per acquired customer, whether or not the
	// customer bought in period k. The last period may be partial (it
	// ends at the observation end).
	Revenue []float64
	// Cumulative[k] = Σ_{j≤k} Revenue[j] / (1+d)^j, with d the discount
	// rate per period: the (discounted) cohort value per customer to date.
	Cumulative []float64
}

// Cohorts groups customers by acquisition period and returns, oldest cohort
// first, each cohort's revenue per acquired customer in each period since
// acquisition and its cumulative, optionally discounted, value. All kept
// transactions (up to the observation end, ignoring any calibration end)
// count. Sums run over customers in id order and each customer's
// transactions in (date, amount) order, so the result does not depend on
// the input's row order.
func (b *Builder) Cohorts(opt CohortOptions) ([]Cohort, error) {
	g := opt.Grain
	if g == Day && !opt.ByDay {
		g = Month
	}
	if !g.valid() {
		return nil, fmt.Errorf("cohorts: unknown grain %v", opt.Grain)
	}
	if opt.Periods < 0 {
		return nil, fmt.Errorf("cohorts: %d periods: want 0 or more", opt.Periods)
	}
	d := opt.DiscountRatePerPeriod
	if !(d > -1) || math.IsInf(d, 0) {
		return nil, fmt.Errorf("cohorts: discount rate %v per period: want a finite number > -1", d)
	}
	b.group()
	endP := g.period(b.obsDay)
	type acc struct {
		customers int
		sums      []float64
	}
	byStart := map[int32]*acc{}
	first, last := int32(math.MaxInt32), int32(math.MinInt32)
	for r := range b.order {
		lo, hi := b.off[r], b.off[r+1]
		if lo == hi {
			continue
		}
		p0 := g.period(b.days[lo])
		a := byStart[p0]
		if a == nil {
			n := int(endP-p0) + 1
			if opt.Periods > 0 {
				n = min(n, opt.Periods)
			}
			a = &acc{sums: make([]float64, n)}
			byStart[p0] = a
			first, last = min(first, p0), max(last, p0)
		}
		a.customers++
		for j := lo; j < hi; j++ {
			if k := int(g.period(b.days[j]) - p0); k < len(a.sums) {
				if a.sums[k] += b.amounts[j]; !isFinite(a.sums[k]) {
					return nil, fmt.Errorf("cohort of %s: the revenue of period %d overflows the float64 range (±1.8e308) at customer %s",
						dayTime(g.periodStart(p0)).Format(time.DateOnly), k, quote.Value(b.id(b.order[r])))
				}
			}
		}
	}
	var out []Cohort
	for p := first; p <= last && len(byStart) > 0; p++ {
		a := byStart[p]
		if a == nil {
			continue
		}
		c := Cohort{
			Start:      dayTime(g.periodStart(p)),
			Customers:  a.customers,
			Revenue:    a.sums,
			Cumulative: make([]float64, len(a.sums)),
		}
		cum, f := 0.0, 1.0
		for k := range c.Revenue {
			c.Revenue[k] /= float64(a.customers)
			cum += c.Revenue[k] / f
			if !isFinite(cum) {
				return nil, fmt.Errorf("cohort of %s: the discounted cumulative value of period %d overflows the float64 range (discount rate %v per period)",
					c.Start.Format(time.DateOnly), k, d)
			}
			c.Cumulative[k] = cum
			f *= 1 + d
		}
		out = append(out, c)
	}
	return out, nil
}
