package summary

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/clvkit/clvkit/internal/quote"
)

// CohortPeriod is the acquisition period that groups customers into
// cohorts: a calendar month or a calendar quarter.
type CohortPeriod int

const (
	// CohortMonth groups customers by the calendar month of their first
	// purchase. The zero value.
	CohortMonth CohortPeriod = iota
	// CohortQuarter groups customers by the calendar quarter (January to
	// March, ...) of their first purchase.
	CohortQuarter
)

// ParseCohortPeriod parses "month" or "quarter" (case-insensitive; also
// "monthly", "quarterly", "M", "Q").
func ParseCohortPeriod(s string) (CohortPeriod, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "month", "monthly", "m":
		return CohortMonth, nil
	case "quarter", "quarterly", "q":
		return CohortQuarter, nil
	}
	return 0, fmt.Errorf("cohort period %s: want month or quarter", quote.Value(s))
}

// String returns "month" or "quarter".
func (p CohortPeriod) String() string {
	switch p {
	case CohortMonth:
		return "month"
	case CohortQuarter:
		return "quarter"
	}
	return fmt.Sprintf("CohortPeriod(%d)", int(p))
}

// CohortOptions configures Builder.Cohorts.
type CohortOptions struct {
	// Period is the acquisition period that defines a cohort: CohortMonth
	// (the default) or CohortQuarter. Whatever it is, time since
	// acquisition is counted in calendar months.
	Period CohortPeriod
	// Months caps the months since acquisition reported, k = 0..Months−1;
	// 0 reports every month up to the one holding the observation end.
	Months int
	// AnnualDiscountRate d_year discounts month k's revenue by (1+d)^k in
	// Cumulative, with d = (1 + d_year)^(1/12) − 1 the monthly rate, as
	// the model CLV derives it (core/model.CLVOptions); month 0, the
	// acquisition month, is not discounted. 0 (the default) means no
	// discounting; it must be finite and ≥ 0.
	AnnualDiscountRate float64
}

// Cohort is the customers acquired (first purchase) in one period, and
// what they bought in each calendar month since.
type Cohort struct {
	// Start is the first day of the acquisition period, midnight UTC.
	Start time.Time
	// Period is the acquisition period's length (month or quarter).
	Period CohortPeriod
	// Customers is the number of customers acquired.
	Customers int
	// Months[k] is month k since acquisition (k = 0 is each customer's
	// acquisition month), for every k up to the last month at least one
	// of the cohort's customers reached by the observation end.
	Months []CohortCell
}

// Label returns the cohort's name: "2024-03" for a month, "2024-Q1" for a
// quarter.
func (c Cohort) Label() string {
	if c.Period == CohortQuarter {
		return fmt.Sprintf("%04d-Q%d", c.Start.Year(), (int(c.Start.Month())-1)/3+1)
	}
	return c.Start.Format("2006-01")
}

// CohortCell is one cell of the cohort table: a cohort in month k since
// acquisition.
type CohortCell struct {
	// Observed is the number of the cohort's customers whose month k had
	// begun by the observation end: all of them for a monthly cohort; for
	// a quarterly cohort, near the right edge, only those acquired early
	// enough in the quarter.
	Observed int
	// Active is the number of observed customers with a purchase period in
	// month k (after the returns rule).
	Active int
	// Retention is Active / Observed: the share of the cohort still
	// buying in month k (1 in month 0).
	Retention float64
	// Revenue is the cohort's total value in month k after the returns
	// rule.
	Revenue float64
	// RevenuePerCustomer is Revenue / Observed: value per acquired
	// customer, whether or not the customer bought in month k.
	RevenuePerCustomer float64
	// Cumulative is Σ_{j≤k} RevenuePerCustomer_j / (1+d)^j with d the
	// monthly discount rate: the (discounted) value per acquired customer
	// to date.
	Cumulative float64
	// Complete tells whether month k had ended by the observation end for
	// every observed customer. The month holding the observation end is
	// incomplete unless the observation end is its last day.
	Complete bool
}

// Cohorts groups customers by acquisition period and returns, oldest cohort
// first, what each cohort bought in each calendar month since acquisition:
// the customers active, the revenue per acquired customer and its
// cumulative, optionally discounted, value.
//
// Rules:
//
//   - Returns follow Options.Returns exactly as in Summary, with the whole
//     log up to the observation end as one window (a calibration end plays
//     no part): each customer's purchase periods (of Options.Grain) left
//     after the rule count, each in the calendar month of its first
//     purchase row, with its value after netting. A customer's first such
//     period is their acquisition, so the cohort is the period of the
//     summary's First, and the revenue a customer adds over all months is
//     the summary's Revenue (without a calibration end). A customer with
//     no purchase period left is in no cohort.
//   - Month k of a customer acquired in month a is calendar month a+k.
//     Cells run from k = 0 to the last month at least one customer of the
//     cohort reached by the observation end; later cells are not reported.
//     A cell's per-customer values divide by the customers observed in it
//     (Observed), which for a quarterly cohort's last months excludes
//     those acquired too late in the quarter to have reached month k.
//   - The month holding the observation end is kept but marked not
//     Complete (unless the observation end is its last day): its revenue
//     and retention are for part of a month.
//   - A cell with no purchase has zero revenue, zero active customers and
//     zero retention; periods in which nobody was acquired have no cohort.
//
// Sums run over customers in id order and each customer's periods in time
// order, so the result does not depend on the input's row order.
func (b *Builder) Cohorts(opt CohortOptions) ([]Cohort, error) {
	if opt.Period != CohortMonth && opt.Period != CohortQuarter {
		return nil, fmt.Errorf("cohorts: unknown period %v", opt.Period)
	}
	if opt.Months < 0 {
		return nil, fmt.Errorf("cohorts: %d months: want 0 or more", opt.Months)
	}
	if r := opt.AnnualDiscountRate; !(r >= 0) || math.IsInf(r, 0) {
		return nil, fmt.Errorf("cohorts: annual discount rate %v: want a finite number ≥ 0", r)
	}
	d := math.Expm1(math.Log1p(opt.AnnualDiscountRate) / 12)
	span := int32(1) // months per acquisition period
	if opt.Period == CohortQuarter {
		span = 3
	}
	b.group()
	endM := Month.period(b.obsDay)
	endFull := Month.period(b.obsDay+1) != endM // the observation end is a month's last day

	type acc struct {
		startM  int32     // first month of the acquisition period
		byMonth [3]int    // customers by acquisition month − startM
		revenue []float64 // by k
		active  []int     // by k
	}
	// Cohorts by age: byAge[i] starts i periods before the period holding
	// the observation end (no map: this runs in the page's WebAssembly).
	endStart := floorDiv(endM, span) * span
	var byAge []*acc
	var buf []period
	var rows []dayRow
	var st returnStats
	for r := range b.order {
		rows = b.days(r, rows)
		if len(rows) == 0 {
			continue
		}
		var ps []period
		ps, buf = b.cohortPeriods(buf, rows, &st)
		if ps == nil {
			return nil, fmt.Errorf("cohorts: the amounts of customer %s add up past the float64 range (±1.8e308)", quote.Value(b.id(b.order[r])))
		}
		if len(ps) == 0 {
			continue // no purchase period left after returns
		}
		a := Month.period(ps[0].first)
		startM := floorDiv(a, span) * span
		age := int((endStart - startM) / span)
		if age >= len(byAge) {
			byAge = append(byAge, make([]*acc, age+1-len(byAge))...)
		}
		c := byAge[age]
		if c == nil {
			n := int(endM-startM) + 1
			if opt.Months > 0 {
				n = min(n, opt.Months)
			}
			c = &acc{startM: startM, revenue: make([]float64, n), active: make([]int, n)}
			byAge[age] = c
		}
		c.byMonth[a-startM]++
		lastK := -1
		for _, q := range ps {
			k := int(Month.period(q.first) - a)
			if k >= len(c.revenue) {
				break
			}
			if c.revenue[k] += q.value; !isFinite(c.revenue[k]) {
				return nil, fmt.Errorf("cohort %s: the revenue of month %d overflows the float64 range (±1.8e308) at customer %s",
					cohortLabel(opt.Period, startM), k, quote.Value(b.id(b.order[r])))
			}
			if k != lastK {
				c.active[k]++
				lastK = k
			}
		}
	}
	var out []Cohort
	for age := len(byAge) - 1; age >= 0; age-- {
		c := byAge[age]
		if c == nil {
			continue
		}
		s := c.startM
		co := Cohort{Start: dayTime(Month.periodStart(s)), Period: opt.Period}
		for _, n := range c.byMonth {
			co.Customers += n
		}
		// Cells up to the last month the earliest-acquired customers
		// reached.
		a0 := s
		for c.byMonth[a0-s] == 0 {
			a0++
		}
		n := min(len(c.revenue), int(endM-a0)+1)
		co.Months = make([]CohortCell, n)
		cum, f := 0.0, 1.0
		for k := range n {
			cell := CohortCell{Active: c.active[k], Revenue: c.revenue[k], Complete: true}
			for i, cnt := range c.byMonth {
				m := s + int32(i) + int32(k) // calendar month k of those acquired in month s+i
				if cnt == 0 || m > endM {
					continue
				}
				cell.Observed += cnt
				if m == endM && !endFull {
					cell.Complete = false
				}
			}
			cell.Retention = float64(cell.Active) / float64(cell.Observed)
			cell.RevenuePerCustomer = cell.Revenue / float64(cell.Observed)
			cum += cell.RevenuePerCustomer / f
			if !isFinite(cum) {
				return nil, fmt.Errorf("cohort %s: the cumulative value of month %d overflows the float64 range", co.Label(), k)
			}
			cell.Cumulative = cum
			co.Months[k] = cell
			f *= 1 + d
		}
		out = append(out, co)
	}
	return out, nil
}

// cohortPeriods returns a customer's purchase periods (days and amounts
// sorted by (day, amount)) under the returns rule, over the whole window,
// in time order, and buf's storage for reuse. It returns nil periods when
// the amounts add up past the float64 range.
func (b *Builder) cohortPeriods(buf []period, rows []dayRow, st *returnStats) ([]period, []period) {
	g := b.opt.Grain
	if b.opt.Returns != ReturnsPurchase {
		ps, unmatched := periods(buf, g, rows, b.opt.Returns, st)
		if !isFinite(unmatched) {
			return nil, ps[:0]
		}
		return ps, ps[:0]
	}
	// ReturnsPurchase: every row is an ordinary row of its period.
	ps := buf[:0]
	for _, row := range rows {
		p := g.period(row.day)
		if n := len(ps); n == 0 || ps[n-1].p != p {
			ps = append(ps, period{p: p, first: row.day})
		}
		q := &ps[len(ps)-1]
		q.value += row.amount
		q.last = row.day
		q.orders += row.rows
	}
	for _, q := range ps {
		if !isFinite(q.value) {
			return nil, ps[:0]
		}
	}
	return ps, ps[:0]
}

// cohortLabel names the cohort starting in month index m.
func cohortLabel(p CohortPeriod, m int32) string {
	return Cohort{Start: dayTime(Month.periodStart(m)), Period: p}.Label()
}

// floorDiv is x / y rounded toward −∞, for y > 0.
func floorDiv(x, y int32) int32 {
	q := x / y
	if x%y != 0 && x < 0 {
		q--
	}
	return q
}

// CohortColumns returns the column names of the long-form cohort table,
// in order, one row per cohort and month since acquisition (see
// CohortRecord): cohort, cohort_start, months_since, customers,
// observed_customers, active_customers, retention, revenue,
// revenue_per_customer, cumulative_revenue_per_customer and complete. The
// clv binary (clv cohorts) and the page write this table.
func CohortColumns() []string {
	return []string{"cohort", "cohort_start", "months_since", "customers", "observed_customers", "active_customers",
		"retention", "revenue", "revenue_per_customer", "cumulative_revenue_per_customer", "complete"}
}

// CohortRecord is one row of the long-form cohort table, its fields in the
// order of CohortColumns.
type CohortRecord struct {
	Cohort      string // Cohort.Label
	Start       string // Cohort.Start, YYYY-MM-DD
	MonthsSince int
	Customers   int
	CohortCell
}

// CohortRecords flattens cohorts into the rows of the long-form table:
// oldest cohort first, then by month since acquisition.
func CohortRecords(cohorts []Cohort) []CohortRecord {
	var out []CohortRecord
	for _, c := range cohorts {
		label, start := c.Label(), c.Start.Format(time.DateOnly)
		for k, m := range c.Months {
			out = append(out, CohortRecord{Cohort: label, Start: start, MonthsSince: k, Customers: c.Customers, CohortCell: m})
		}
	}
	return out
}
