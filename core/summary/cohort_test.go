package summary

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"
)

// cell is a cohort cell as the tests write it.
type cell struct {
	observed, active int
	revenue, cum     float64
	complete         bool
}

type cohortWant struct {
	label     string
	customers int
	cells     []cell
}

// cohortTests are hand-computed cohort tables. Retention is active ÷
// observed and revenue per customer revenue ÷ observed in every case; the
// tests check both from the cells below.
var cohortTests = []struct {
	name    string
	end     string
	returns Returns
	opt     CohortOptions
	txs     []Transaction
	want    []cohortWant
}{
	{
		// January cohort (a, b): k=0 10+30 = 40 over 2 = 20; k=1 a's 20
		// → 10, cumulative 30; k=2 (March, the observation end's month,
		// partial) a's 40 → 20, cumulative 50. February cohort (c): two
		// purchase days in one month are one active customer; March has
		// no purchase: zero cell, cumulative stays 10. d buys after the
		// end: in no cohort.
		name: "monthly, partial last month",
		end:  "2024-03-15",
		txs: []Transaction{
			tx("a", "2024-01-05", 10), tx("a", "2024-02-01", 20), tx("a", "2024-03-15", 40),
			tx("b", "2024-01-20", 30),
			tx("c", "2024-02-10", 5), tx("c", "2024-02-11", 5),
			tx("d", "2024-03-16", 99),
		},
		want: []cohortWant{
			{"2024-01", 2, []cell{{2, 2, 40, 20, true}, {2, 1, 20, 30, true}, {2, 1, 40, 50, false}}},
			{"2024-02", 1, []cell{{1, 1, 10, 10, true}, {1, 0, 0, 10, false}}},
		},
	},
	{
		// The same with d_year = 1.1^12 − 1, a monthly rate of exactly
		// 10 %: January 20, 20 + 10/1.1 = 29.0909…, + 20/1.21 =
		// 45.6198…; February 10, 10.
		name: "monthly, discounted",
		end:  "2024-03-15",
		opt:  CohortOptions{AnnualDiscountRate: math.Pow(1.1, 12) - 1},
		txs: []Transaction{
			tx("a", "2024-01-05", 10), tx("a", "2024-02-01", 20), tx("a", "2024-03-15", 40),
			tx("b", "2024-01-20", 30),
			tx("c", "2024-02-10", 5), tx("c", "2024-02-11", 5),
		},
		want: []cohortWant{
			{"2024-01", 2, []cell{{2, 2, 40, 20, true}, {2, 1, 20, 20 + 10/1.1, true}, {2, 1, 40, 20 + 10/1.1 + 20/1.21, false}}},
			{"2024-02", 1, []cell{{1, 1, 10, 10, true}, {1, 0, 0, 10, false}}},
		},
	},
	{
		// Months: 2 keeps k = 0, 1.
		name: "monthly, capped",
		end:  "2024-03-15",
		opt:  CohortOptions{Months: 2},
		txs:  []Transaction{tx("a", "2024-01-05", 10), tx("a", "2024-03-01", 40)},
		want: []cohortWant{{"2024-01", 1, []cell{{1, 1, 10, 10, true}, {1, 0, 0, 10, true}}}},
	},
	{
		// Returns net (day grain): e's February return (a day of returns
		// only) refunds its February 5 purchase, so e is not active in
		// February. f's first row is a return with nothing before it
		// (unmatched, dropped): f is acquired in February. The observation
		// end is March's last day: every cell is complete.
		name: "returns net",
		end:  "2024-03-31",
		txs:  returnsLog(),
		want: []cohortWant{
			{"2024-01", 1, []cell{{1, 1, 100, 100, true}, {1, 0, 0, 100, true}, {1, 1, 30, 130, true}}},
			{"2024-02", 1, []cell{{1, 1, 60, 60, true}, {1, 0, 0, 60, true}}},
		},
	},
	{
		// Returns dropped: e keeps its February purchase.
		name:    "returns drop",
		end:     "2024-03-31",
		returns: ReturnsDrop,
		txs:     returnsLog(),
		want: []cohortWant{
			{"2024-01", 1, []cell{{1, 1, 100, 100, true}, {1, 1, 50, 150, true}, {1, 1, 30, 180, true}}},
			{"2024-02", 1, []cell{{1, 1, 60, 60, true}, {1, 0, 0, 60, true}}},
		},
	},
	{
		// Returns as purchases (lifetimes): f's January return acquires
		// f in January with −20; e's February holds +50 and −50 (active,
		// revenue 0), f's February 60.
		name:    "returns purchase",
		end:     "2024-03-31",
		returns: ReturnsPurchase,
		txs:     returnsLog(),
		want: []cohortWant{
			{"2024-01", 2, []cell{{2, 2, 80, 40, true}, {2, 2, 60, 70, true}, {2, 1, 30, 85, true}}},
		},
	},
	{
		// Quarterly, observation end 2024-05-20. Q1: g acquired in
		// January (months 0..4 = Jan..May observed), h in March (months
		// 0..2 = Mar..May). k=0: 10+30 over 2. k=1: nothing. k=2: h's May
		// 40 over 2 = 20, incomplete (h's month 2 is May). k=3: only g is
		// observed (h's month 3 is June): g's April 20 over 1, complete.
		// k=4: g's May, nothing, incomplete. Q2: i in April.
		name: "quarterly, ragged edge",
		end:  "2024-05-20",
		opt:  CohortOptions{Period: CohortQuarter},
		txs: []Transaction{
			tx("g", "2024-01-15", 10), tx("g", "2024-04-02", 20),
			tx("h", "2024-03-10", 30), tx("h", "2024-05-01", 40),
			tx("i", "2024-04-30", 5),
		},
		want: []cohortWant{
			{"2024-Q1", 2, []cell{{2, 2, 40, 20, true}, {2, 0, 0, 20, true}, {2, 1, 40, 40, false}, {1, 1, 20, 60, true}, {1, 0, 0, 60, false}}},
			{"2024-Q2", 1, []cell{{1, 1, 5, 5, true}, {1, 0, 0, 5, false}}},
		},
	},
	{
		// A month with no acquisition has no cohort; cohorts stay in
		// time order whatever the ids.
		name: "gap between cohorts",
		end:  "2024-04-30",
		txs:  []Transaction{tx("z", "2024-01-31", 1), tx("a", "2024-04-01", 2)},
		want: []cohortWant{
			{"2024-01", 1, []cell{{1, 1, 1, 1, true}, {1, 0, 0, 1, true}, {1, 0, 0, 1, true}, {1, 0, 0, 1, true}}},
			{"2024-04", 1, []cell{{1, 1, 2, 2, true}}},
		},
	},
}

// returnsLog: e buys 100 on Jan 10, 50 on Feb 5, returns 50 on Feb 6,
// buys 30 on Mar 1; f returns 20 on Jan 3 and buys 60 on Feb 10.
func returnsLog() []Transaction {
	return []Transaction{
		tx("e", "2024-01-10", 100), tx("e", "2024-02-05", 50), ret("e", "2024-02-06", 50), tx("e", "2024-03-01", 30),
		ret("f", "2024-01-03", 20), tx("f", "2024-02-10", 60),
	}
}

func TestCohorts(t *testing.T) {
	for _, tt := range cohortTests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := NewBuilder(Options{ObservationEnd: date(tt.end), Returns: tt.returns})
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range tt.txs {
				if err := b.Add(x); err != nil {
					t.Fatal(err)
				}
			}
			cs, err := b.Cohorts(tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			if len(cs) != len(tt.want) {
				t.Fatalf("%d cohorts %+v, want %d", len(cs), cs, len(tt.want))
			}
			for i, w := range tt.want {
				c := cs[i]
				if c.Label() != w.label || c.Customers != w.customers || len(c.Months) != len(w.cells) {
					t.Fatalf("cohort %d: %s, %d customers, %d months; want %s, %d, %d", i, c.Label(), c.Customers, len(c.Months), w.label, w.customers, len(w.cells))
				}
				for k, wc := range w.cells {
					g := c.Months[k]
					want := CohortCell{Observed: wc.observed, Active: wc.active, Revenue: wc.revenue,
						Retention: float64(wc.active) / float64(wc.observed), RevenuePerCustomer: wc.revenue / float64(wc.observed),
						Cumulative: wc.cum, Complete: wc.complete}
					if g.Observed != want.Observed || g.Active != want.Active || g.Complete != want.Complete ||
						!near(g.Revenue, want.Revenue) || !near(g.Retention, want.Retention) ||
						!near(g.RevenuePerCustomer, want.RevenuePerCustomer) || !near(g.Cumulative, want.Cumulative) {
						t.Errorf("%s month %d: %+v, want %+v", w.label, k, g, want)
					}
				}
			}
		})
	}
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

func TestCohortsBadOptions(t *testing.T) {
	b, _ := NewBuilder(Options{ObservationEnd: date("2024-03-15")})
	b.Add(tx("a", "2024-01-05", 10))
	for _, o := range []CohortOptions{
		{Months: -1}, {AnnualDiscountRate: -0.1}, {AnnualDiscountRate: math.NaN()},
		{AnnualDiscountRate: math.Inf(1)}, {Period: CohortPeriod(2)},
	} {
		if _, err := b.Cohorts(o); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
}

func TestParseCohortPeriod(t *testing.T) {
	for s, want := range map[string]CohortPeriod{"month": CohortMonth, "Quarter": CohortQuarter, "q": CohortQuarter, " monthly ": CohortMonth} {
		if got, err := ParseCohortPeriod(s); err != nil || got != want {
			t.Errorf("%q: %v, %v; want %v", s, got, err, want)
		}
	}
	if _, err := ParseCohortPeriod("week"); err == nil || err.Error() != `cohort period "week": want month or quarter` {
		t.Errorf("week: %v", err)
	}
}

// TestCohortsAgreeWithSummary checks, on a random log with returns, under
// every returns rule and day or week grain, that the cohorts hold the
// summary's customers and revenue: each customer is in the cohort of the
// month of their First, and the cells of a cohort add up to its
// customers' Revenue. The input order does not change the table.
func TestCohortsAgreeWithSummary(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	start := date("2023-01-01")
	var txs []Transaction
	for c := range 300 {
		id := strconv.Itoa(c)
		for range 1 + rng.IntN(6) {
			d := start.AddDate(0, 0, rng.IntN(500))
			a := float64(rng.IntN(20000)) / 100
			x := Transaction{Customer: id, Time: d, Amount: a}
			if rng.IntN(6) == 0 {
				x.Return = true
			}
			txs = append(txs, x)
		}
	}
	for _, rule := range []Returns{ReturnsNet, ReturnsDrop, ReturnsPurchase} {
		for _, g := range []Grain{Day, Week} {
			for _, p := range []CohortPeriod{CohortMonth, CohortQuarter} {
				build := func(txs []Transaction) *Builder {
					b, err := NewBuilder(Options{ObservationEnd: date("2024-04-10"), Returns: rule, Grain: g})
					if err != nil {
						t.Fatal(err)
					}
					for _, x := range txs {
						if err := b.Add(x); err != nil {
							t.Fatal(err)
						}
					}
					return b
				}
				b := build(txs)
				s, err := b.Summary()
				if err != nil {
					t.Fatal(err)
				}
				cs, err := b.Cohorts(CohortOptions{Period: p})
				if err != nil {
					t.Fatal(err)
				}
				customers, revenue := map[string]int{}, map[string]float64{}
				for _, c := range s.Customers {
					label := Cohort{Start: c.First, Period: p}.Label()
					if p == CohortQuarter {
						label = Cohort{Start: time.Date(c.First.Year(), (c.First.Month()-1)/3*3+1, 1, 0, 0, 0, 0, time.UTC), Period: p}.Label()
					}
					customers[label]++
					revenue[label] += c.Revenue
				}
				total := 0
				for _, c := range cs {
					sum := 0.0
					for _, m := range c.Months {
						sum += m.Revenue
						if m.Active > m.Observed || m.Observed > c.Customers {
							t.Fatalf("%v %v %v %s: %+v", rule, g, p, c.Label(), m)
						}
					}
					if c.Customers != customers[c.Label()] || !near(sum, revenue[c.Label()]) {
						t.Errorf("%v %v %v %s: %d customers, revenue %v; summary %d, %v", rule, g, p, c.Label(), c.Customers, sum, customers[c.Label()], revenue[c.Label()])
					}
					if c.Months[0].Active != c.Customers || c.Months[0].Retention != 1 {
						t.Errorf("%v %v %v %s: month 0 %+v: every customer buys in their acquisition month", rule, g, p, c.Label(), c.Months[0])
					}
					total += c.Customers
				}
				if total != len(s.Customers) {
					t.Errorf("%v %v %v: %d customers in cohorts, %d in the summary", rule, g, p, total, len(s.Customers))
				}
				shuffled := slices.Clone(txs)
				rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
				cs2, err := build(shuffled).Cohorts(CohortOptions{Period: p})
				if err != nil {
					t.Fatal(err)
				}
				if !cohortsEqual(cs, cs2) {
					t.Errorf("%v %v %v: the table depends on the input order", rule, g, p)
				}
			}
		}
	}
}

func cohortsEqual(a, b []Cohort) bool {
	return slices.EqualFunc(a, b, func(x, y Cohort) bool {
		return x.Start.Equal(y.Start) && x.Customers == y.Customers && slices.Equal(x.Months, y.Months)
	})
}
