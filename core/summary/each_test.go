package summary

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"runtime"
	"strconv"
	"testing"
)

// TestEachCustomer checks that EachCustomer walks exactly Summary's
// customers, in order, with the same Report, under every returns rule,
// with a holdout split (customers new in the holdout left out), for
// blocks smaller and larger than the work split, at several GOMAXPROCS.
func TestEachCustomer(t *testing.T) {
	defer func(c, e int) { parallelCustomers, eachBlock = c, e }(parallelCustomers, eachBlock)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	r := rand.New(rand.NewPCG(7, 8))
	var txs []Transaction
	for range 20000 {
		c := r.IntN(3000)
		id := strconv.Itoa(c)
		if c%4 == 0 {
			id = fmt.Sprintf("%08x", c*2654435761)
		}
		amount := math.Round(r.Float64()*50000)/100 - 50
		txs = append(txs, Transaction{Customer: id, Time: date("2024-01-01").AddDate(0, 0, r.IntN(120)), Amount: amount})
	}
	for _, rule := range []Returns{ReturnsNet, ReturnsDrop, ReturnsPurchase} {
		opt := Options{Unit: Weeks, CalibrationEnd: date("2024-03-01"), ObservationEnd: date("2024-04-29"), Returns: rule}
		b, err := NewBuilder(opt)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range txs {
			if err := b.Add(x); err != nil {
				t.Fatal(err)
			}
		}
		want, err := b.Summary()
		if err != nil {
			t.Fatal(err)
		}
		if want.Report.NewInHoldout == 0 || len(want.Customers) < 2000 {
			t.Fatalf("%v: the log should leave customers out (new in holdout %d) and keep many (%d)", rule, want.Report.NewInHoldout, len(want.Customers))
		}
		for _, tc := range []struct{ block, parallel, procs int }{{1 << 16, 1 << 16, 2}, {100, 50, 3}, {999, 1 << 16, 1}, {1, 1, 2}} {
			eachBlock, parallelCustomers = tc.block, tc.parallel
			runtime.GOMAXPROCS(tc.procs)
			var got []Customer
			s, err := b.EachCustomer(func(head *Summary, c *Customer) error {
				if head.HasHoldout != want.HasHoldout || head.DurationHoldout != want.DurationHoldout || head.Unit != want.Unit {
					t.Fatalf("%v %+v: settings %+v, want those of %+v", rule, tc, *head, want)
				}
				got = append(got, *c)
				return nil
			})
			if err != nil {
				t.Fatalf("%v %+v: %v", rule, tc, err)
			}
			if !reflect.DeepEqual(got, want.Customers) {
				t.Fatalf("%v %+v: %d customers walked, want Summary's %d", rule, tc, len(got), len(want.Customers))
			}
			s.Customers = want.Customers
			if !reflect.DeepEqual(s, want) {
				t.Fatalf("%v %+v: summary\n%+v\nwant\n%+v", rule, tc, s.Report, want.Report)
			}
		}
		eachBlock, parallelCustomers = 1<<16, 1<<16
	}
}

// TestEachCustomerErrors checks that fn's error stops the walk, and that
// an overflow is Summary's error.
func TestEachCustomerErrors(t *testing.T) {
	defer func(e int) { eachBlock = e }(eachBlock)
	eachBlock = 1
	b, _ := NewBuilder(Options{ObservationEnd: date("2024-12-31")})
	for i, a := range []float64{1, 2, 1.7e308, 1.7e308, 3, 4} {
		b.Add(Transaction{Customer: strconv.Itoa(i / 2), Time: date("2024-01-01").AddDate(0, 0, i), Amount: a})
	}
	stop := errors.New("stop")
	calls := 0
	if _, err := b.EachCustomer(func(*Summary, *Customer) error { calls++; return stop }); err != stop || calls != 1 {
		t.Errorf("fn's error: got %v after %d calls, want stop after 1", err, calls)
	}
	_, want := b.Summary()
	var oe *OverflowError
	if !errors.As(want, &oe) || oe.Customer != "1" {
		t.Fatalf("Summary: %v, want an overflow of customer 1", want)
	}
	var ids []string
	if _, err := b.EachCustomer(func(_ *Summary, c *Customer) error { ids = append(ids, c.ID); return nil }); err == nil || err.Error() != want.Error() {
		t.Errorf("EachCustomer: %v, want %v", err, want)
	}
	if !reflect.DeepEqual(ids, []string{"0"}) {
		t.Errorf("customers walked before the overflow: %q, want [0]", ids)
	}
}

// TestEachCustomerAttributes checks the walk of a Builder with
// attributes (it goes through Summary): the same customers and
// attributes.
func TestEachCustomerAttributes(t *testing.T) {
	b, err := NewBuilder(Options{ObservationEnd: date("2024-12-31"), Attributes: []string{"channel"}})
	if err != nil {
		t.Fatal(err)
	}
	for i, ch := range []string{"web", "shop", "web", "app"} {
		if err := b.Add(Transaction{Customer: strconv.Itoa(3 - i%3), Time: date("2024-01-01").AddDate(0, 0, i), Amount: float64(i + 1), Attributes: []string{ch}}); err != nil {
			t.Fatal(err)
		}
	}
	want, err := b.Summary()
	if err != nil {
		t.Fatal(err)
	}
	var got []Customer
	s, err := b.EachCustomer(func(_ *Summary, c *Customer) error { got = append(got, *c); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want.Customers) || s.Customers != nil || !reflect.DeepEqual(s.Attributes, want.Attributes) || !reflect.DeepEqual(s.Report, want.Report) {
		t.Fatalf("EachCustomer with attributes: %v %+v, want %v %+v", got, s, want.Customers, want)
	}
}
