package summary

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"runtime"
	"strconv"
	"testing"
	"time"
)

func tx(id, d string, amount float64) Transaction {
	return Transaction{Customer: id, Time: date(d), Amount: amount}
}

func summarize(t *testing.T, opt Options, txs []Transaction) Summary {
	t.Helper()
	b, err := NewBuilder(opt)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range txs {
		if err := b.Add(x); err != nil {
			t.Fatal(err)
		}
	}
	s, err := b.Summary()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

type summaryTest struct {
	name string
	opt  Options
	txs  []Transaction
	want []Customer // only the fields compared by check
	dur  float64
	rep  Report // AfterObservationEnd and NewInHoldout compared
}

// Hand calculations in the comments.
var summaryTests = []summaryTest{{
	name: "day grain, days unit, ties on a day add",
	opt:  Options{ObservationEnd: date("2024-01-31")},
	txs: []Transaction{tx("a", "2024-01-01", 10), tx("a", "2024-01-01", 5),
		tx("a", "2024-01-11", 20), tx("a", "2024-01-11", 4), tx("a", "2024-01-21", 6)},
	// periods 01-01 (15), 01-11 (24), 01-21 (6): f=2, r=20, T=30, m=(24+6)/2.
	want: []Customer{{ID: "a", Frequency: 2, Recency: 20, T: 30, Monetary: 15, Orders: 5, Revenue: 45}},
}, {
	name: "day grain, weeks unit (lifetimes freq='D', freq_multiplier=7)",
	opt:  Options{Unit: Weeks, ObservationEnd: date("2024-01-29")},
	txs:  []Transaction{tx("a", "2024-01-01", 1), tx("a", "2024-01-15", 3)},
	// r = 14/7 = 2, T = 28/7 = 4.
	want: []Customer{{ID: "a", Frequency: 1, Recency: 2, T: 4, Monetary: 3, Orders: 2, Revenue: 4}},
}, {
	name: "week grain: Monday-Sunday periods, whole weeks (freq='W')",
	opt:  Options{Grain: Week, Unit: Weeks, ObservationEnd: date("2024-01-31")},
	// 2024-01-01 is a Monday. 01-07 (Sun) is in week 0 with 01-01; 01-08 (Mon)
	// starts week 1; 01-24 is week 3; end 01-31 is week 4.
	txs:  []Transaction{tx("a", "2024-01-01", 1), tx("a", "2024-01-07", 2), tx("a", "2024-01-08", 3), tx("a", "2024-01-24", 5)},
	want: []Customer{{ID: "a", Frequency: 2, Recency: 3, T: 4, Monetary: 4, Orders: 4, Revenue: 11}},
}, {
	name: "week grain in days: period starts 7 days apart",
	opt:  Options{Grain: Week, ObservationEnd: date("2024-01-31")},
	txs:  []Transaction{tx("a", "2024-01-03", 1), tx("a", "2024-01-09", 3)},
	want: []Customer{{ID: "a", Frequency: 1, Recency: 7, T: 28, Monetary: 3, Orders: 2, Revenue: 4}},
}, {
	name: "month grain, months unit (freq='M')",
	opt:  Options{Grain: Month, Unit: Months, ObservationEnd: date("2024-06-30")},
	txs:  []Transaction{tx("a", "2024-01-31", 1), tx("a", "2024-02-01", 2), tx("a", "2024-02-29", 2), tx("a", "2024-04-15", 8)},
	// months 0 (1), 1 (4), 3 (8); end month 5: f=2, r=3, T=5, m=6.
	want: []Customer{{ID: "a", Frequency: 2, Recency: 3, T: 5, Monetary: 6, Orders: 4, Revenue: 13}},
}, {
	name: "14-day unit",
	opt:  Options{Unit: Unit{Days: 14, Name: "14d"}, ObservationEnd: date("2024-01-29")},
	txs:  []Transaction{tx("a", "2024-01-01", 1), tx("a", "2024-01-08", 1)},
	want: []Customer{{ID: "a", Frequency: 1, Recency: 0.5, T: 2, Monetary: 1, Orders: 2, Revenue: 2}},
}, {
	name: "returns = purchase: negative amounts add into their period",
	opt:  Options{ObservationEnd: date("2024-01-10"), Returns: ReturnsPurchase},
	txs:  []Transaction{tx("a", "2024-01-01", 10), tx("a", "2024-01-05", 30), tx("a", "2024-01-05", -50)},
	want: []Customer{{ID: "a", Frequency: 1, Recency: 4, T: 9, Monetary: -20, Orders: 3, Revenue: -10}},
}, {
	name: "observation end inclusive, later transactions dropped",
	opt:  Options{ObservationEnd: date("2024-01-10")},
	txs:  []Transaction{tx("a", "2024-01-01", 1), tx("a", "2024-01-10", 2), tx("a", "2024-01-11", 4)},
	want: []Customer{{ID: "a", Frequency: 1, Recency: 9, T: 9, Monetary: 2, Orders: 2, Revenue: 3}},
	rep:  Report{AfterObservationEnd: 1},
}, {
	name: "holdout: calibration summary, holdout periods and mean, new customers counted",
	opt:  Options{CalibrationEnd: date("2024-01-10"), ObservationEnd: date("2024-01-20")},
	txs: []Transaction{tx("a", "2024-01-01", 1), tx("a", "2024-01-10", 2),
		tx("a", "2024-01-11", 4), tx("a", "2024-01-11", 2), tx("a", "2024-01-20", 10),
		tx("b", "2024-01-05", 7), tx("c", "2024-01-12", 3)},
	want: []Customer{
		{ID: "a", Frequency: 1, Recency: 9, T: 9, Monetary: 2, Orders: 2, Revenue: 3, FrequencyHoldout: 2, MonetaryHoldout: 8},
		{ID: "b", Frequency: 0, Recency: 0, T: 5, Monetary: 0, Orders: 1, Revenue: 7},
	},
	dur: 10,
	rep: Report{NewInHoldout: 1},
}, {
	name: "integer ids sort numerically, zeros kept",
	opt:  Options{ObservationEnd: date("2024-01-10")},
	txs:  []Transaction{tx("10", "2024-01-01", 1), tx("0002", "2024-01-01", 1), tx("9", "2024-01-01", 1), tx("2", "2024-01-01", 1)},
	// Equal values "0002" and "2" then compare bytewise ('0' < '2').
	want: []Customer{{ID: "0002", T: 9, Orders: 1, Revenue: 1}, {ID: "2", T: 9, Orders: 1, Revenue: 1},
		{ID: "9", T: 9, Orders: 1, Revenue: 1}, {ID: "10", T: 9, Orders: 1, Revenue: 1}},
}, {
	name: "mixed ids sort bytewise",
	opt:  Options{ObservationEnd: date("2024-01-10")},
	txs:  []Transaction{tx("10", "2024-01-01", 1), tx("9", "2024-01-01", 1), tx("x", "2024-01-01", 1)},
	want: []Customer{{ID: "10", T: 9, Orders: 1, Revenue: 1}, {ID: "9", T: 9, Orders: 1, Revenue: 1}, {ID: "x", T: 9, Orders: 1, Revenue: 1}},
}}

func TestSummary(t *testing.T) {
	for _, tt := range summaryTests {
		t.Run(tt.name, func(t *testing.T) {
			s := summarize(t, tt.opt, tt.txs)
			if len(s.Customers) != len(tt.want) {
				t.Fatalf("%d customers, want %d: %+v", len(s.Customers), len(tt.want), s.Customers)
			}
			for i, c := range s.Customers {
				c.First, c.Last = time.Time{}, time.Time{}
				if c != tt.want[i] {
					t.Errorf("customer %d:\n got %+v\nwant %+v", i, c, tt.want[i])
				}
			}
			if s.DurationHoldout != tt.dur || s.HasHoldout != !tt.opt.CalibrationEnd.IsZero() {
				t.Errorf("holdout %v duration %v, want %v", s.HasHoldout, s.DurationHoldout, tt.dur)
			}
			if s.Report.AfterObservationEnd != tt.rep.AfterObservationEnd || s.Report.NewInHoldout != tt.rep.NewInHoldout {
				t.Errorf("report %+v", s.Report)
			}
		})
	}
}

// TestRowOrderIndependence shuffles the CDNOW-like inputs and the table
// inputs: the summary must be identical, bit for bit.
func TestRowOrderIndependence(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var txs []Transaction
	for i := range 2000 {
		// Amounts chosen so that float addition order matters.
		txs = append(txs, Transaction{Customer: string(rune('a' + i%7)),
			Time: date("2024-01-01").AddDate(0, 0, r.IntN(60)), Amount: r.Float64()*1e6 - 3e5 + 0.1})
	}
	opt := Options{Grain: Week, Unit: Weeks, CalibrationEnd: date("2024-02-01"), ObservationEnd: date("2024-03-01")}
	want := summarize(t, opt, txs)
	for range 5 {
		r.Shuffle(len(txs), func(i, j int) { txs[i], txs[j] = txs[j], txs[i] })
		if got := summarize(t, opt, txs); !reflect.DeepEqual(got, want) {
			t.Fatal("summary depends on row order")
		}
	}
}

func TestSummaryAgain(t *testing.T) {
	b, _ := NewBuilder(Options{ObservationEnd: date("2024-01-31")})
	b.Add(tx("1", "2024-01-05", 1))
	s1, _ := b.Summary()
	b.Add(tx("1", "2024-01-02", 2))
	b.Add(tx("2", "2024-01-03", 2))
	s2, _ := b.Summary()
	if len(s1.Customers) != 1 || len(s2.Customers) != 2 || s2.Customers[0].Frequency != 1 || s2.Customers[0].Monetary != 1 {
		t.Errorf("%+v then %+v", s1.Customers, s2.Customers)
	}
}

func TestNewBuilderErrors(t *testing.T) {
	for _, opt := range []Options{
		{},
		{ObservationEnd: date("2024-01-01"), CalibrationEnd: date("2024-01-02")},
		{ObservationEnd: date("2024-01-01"), Grain: 7},
		{ObservationEnd: date("2024-01-01"), Unit: Unit{Days: -1}},
	} {
		if _, err := NewBuilder(opt); err == nil {
			t.Errorf("NewBuilder(%+v): no error", opt)
		}
	}
}

func TestAddErrors(t *testing.T) {
	b, _ := NewBuilder(Options{ObservationEnd: date("2024-01-31")})
	var pe *ParseError
	if err := b.Add(tx("", "2024-01-01", 1)); !errors.As(err, &pe) || pe.Kind != EmptyCustomer || pe.Line != 1 {
		t.Errorf("empty id: %v", err)
	}
	nan := tx("a", "2024-01-01", 0)
	nan.Amount = nan.Amount / nan.Amount
	if err := b.Add(nan); !errors.As(err, &pe) || pe.Kind != BadAmount || pe.Line != 2 || pe.Field != "amount" {
		t.Errorf("NaN: %v", err)
	}
}

func TestOffsetDate(t *testing.T) {
	// 23:30 at -05:00 on Jan 1 is Jan 2 in UTC; the written date counts.
	loc := time.FixedZone("", -5*3600)
	s := summarize(t, Options{ObservationEnd: date("2024-01-03")},
		[]Transaction{{Customer: "a", Time: time.Date(2024, 1, 1, 23, 30, 0, 0, loc)}})
	if c := s.Customers[0]; !c.First.Equal(date("2024-01-01")) || c.T != 2 {
		t.Errorf("%+v", c)
	}
}

// TestParallelDeterminism checks that splitting the grouping, the id sort
// and the summary across goroutines changes nothing: the same log, in any
// row order, summarized (twice, with rows added in between) at several
// GOMAXPROCS with the parallel thresholds lowered, gives the same result
// as one goroutine.
func TestParallelDeterminism(t *testing.T) {
	defer func(c, r int) { parallelCustomers, parallelRows = c, r }(parallelCustomers, parallelRows)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	r := rand.New(rand.NewPCG(5, 6))
	for _, ids := range []string{"int", "mixed"} {
		var txs []Transaction
		for range 3 * logChunk {
			c := r.IntN(5000)
			id := strconv.Itoa(c)
			if ids == "mixed" && c%3 == 0 {
				id = fmt.Sprintf("%08x", c*2654435761)
			}
			txs = append(txs, Transaction{Customer: id, Time: date("2024-01-01").AddDate(0, 0, r.IntN(90)),
				Amount: r.Float64()*1e6 - 3e5 + 0.1})
		}
		opt := Options{Grain: Week, Unit: Weeks, CalibrationEnd: date("2024-02-01"), ObservationEnd: date("2024-03-01")}
		run := func() (Summary, Summary) {
			b, err := NewBuilder(opt)
			if err != nil {
				t.Fatal(err)
			}
			half := len(txs) / 2
			for _, x := range txs[:half] {
				b.Add(x)
			}
			s1, _ := b.Summary()
			for _, x := range txs[half:] {
				b.Add(x)
			}
			s2, _ := b.Summary()
			return s1, s2
		}
		runtime.GOMAXPROCS(1)
		want1, want2 := run()
		parallelCustomers, parallelRows = 100, 1000
		for _, procs := range []int{1, 2, 3, 8} {
			runtime.GOMAXPROCS(procs)
			got1, got2 := run()
			if !reflect.DeepEqual(got1, want1) || !reflect.DeepEqual(got2, want2) {
				t.Fatalf("%s ids, GOMAXPROCS %d: summary differs from the sequential one", ids, procs)
			}
		}
		// Row order: the full log shuffled gives the same final summary.
		r.Shuffle(len(txs), func(i, j int) { txs[i], txs[j] = txs[j], txs[i] })
		runtime.GOMAXPROCS(2)
		b, _ := NewBuilder(opt)
		for _, x := range txs {
			b.Add(x)
		}
		if s, _ := b.Summary(); !reflect.DeepEqual(s, want2) {
			t.Fatalf("%s ids: summary depends on row order", ids)
		}
		parallelCustomers, parallelRows = 1<<16, 1<<20
	}
}
