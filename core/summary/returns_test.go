package summary

import (
	"testing"
	"time"
)

func ret(id, d string, amount float64) Transaction {
	return Transaction{Customer: id, Time: date(d), Amount: amount, Return: true}
}

// workedExample is the example of the package documentation (day grain):
// customer A buys +100 on day 1, +50 on day 5, returns −50 on day 6, buys
// +30 on day 20 and returns −40 on day 21.
var workedExample = []Transaction{
	tx("A", "2024-01-01", 100), tx("A", "2024-01-05", 50), tx("A", "2024-01-06", -50),
	tx("A", "2024-01-20", 30), tx("A", "2024-01-21", -40),
}

type returnsTest struct {
	name string
	opt  Options
	txs  []Transaction
	want []Customer // First and Last as "2006-01-02" in firstLast
	// firstLast holds each customer's First and Last dates.
	firstLast [][2]string
	rep       ReturnsReport
	newInHold int
}

// Hand calculations in the comments.
var returnsTests = []returnsTest{{
	name: "worked example, net",
	opt:  Options{ObservationEnd: date("2024-01-31")},
	txs:  workedExample,
	// Day 6 refunds day 5 (50 → 0); day 21 takes day 20 to −10: day 20 is
	// refunded and 10 carries past day 5 (0, nothing to take) to day 1
	// (100 → 90). Left: day 1 worth 90; f = 0, T = 30.
	want:      []Customer{{ID: "A", Frequency: 0, Recency: 0, T: 30, Monetary: 0, Orders: 1, Revenue: 90}},
	firstLast: [][2]string{{"2024-01-01", "2024-01-01"}},
	rep:       ReturnsReport{Rule: ReturnsNet, Returns: 2, RefundedPeriods: 2},
}, {
	name: "worked example, drop",
	opt:  Options{ObservationEnd: date("2024-01-31"), Returns: ReturnsDrop},
	txs:  workedExample,
	// Returns ignored: days 1 (100), 5 (50), 20 (30); f = 2, r = 19,
	// m = (50 + 30) / 2 = 40, revenue 180.
	want:      []Customer{{ID: "A", Frequency: 2, Recency: 19, T: 30, Monetary: 40, Orders: 3, Revenue: 180}},
	firstLast: [][2]string{{"2024-01-01", "2024-01-20"}},
	rep:       ReturnsReport{Rule: ReturnsDrop, Returns: 2},
}, {
	name: "worked example, purchase",
	opt:  Options{ObservationEnd: date("2024-01-31"), Returns: ReturnsPurchase},
	txs:  workedExample,
	// Every day is a period: 100, 50, −50, 30, −40; f = 4, r = 20,
	// m = (50 − 50 + 30 − 40) / 4 = −2.5, revenue 90.
	want:      []Customer{{ID: "A", Frequency: 4, Recency: 20, T: 30, Monetary: -2.5, Orders: 5, Revenue: 90}},
	firstLast: [][2]string{{"2024-01-01", "2024-01-21"}},
	rep:       ReturnsReport{Rule: ReturnsPurchase, Returns: 2},
}, {
	name: "a refunded first period moves the first purchase",
	opt:  Options{ObservationEnd: date("2024-01-31")},
	txs: []Transaction{tx("a", "2024-01-01", 20), tx("a", "2024-01-03", -20),
		tx("a", "2024-01-10", 5), tx("a", "2024-01-15", 7)},
	// Day 1 refunded; left days 10 (5) and 15 (7): f = 1, r = 5, T = 21, m = 7.
	want:      []Customer{{ID: "a", Frequency: 1, Recency: 5, T: 21, Monetary: 7, Orders: 2, Revenue: 12}},
	firstLast: [][2]string{{"2024-01-10", "2024-01-15"}},
	rep:       ReturnsReport{Rule: ReturnsNet, Returns: 1, RefundedPeriods: 1},
}, {
	name: "a customer with nothing left is no customer; excess is unmatched",
	opt:  Options{ObservationEnd: date("2024-01-31")},
	txs: []Transaction{tx("a", "2024-01-01", 20), tx("a", "2024-01-03", -25),
		tx("b", "2024-01-02", -7), tx("c", "2024-01-04", 3)},
	// a: day 1 refunded, 5 unmatched; b: a return of nothing bought in the
	// log, 7 unmatched. Neither has a period left: both removed.
	want:      []Customer{{ID: "c", T: 27, Orders: 1, Revenue: 3}},
	firstLast: [][2]string{{"2024-01-04", "2024-01-04"}},
	rep:       ReturnsReport{Rule: ReturnsNet, Returns: 2, RefundedPeriods: 1, CustomersRemoved: 2, UnmatchedValue: 12},
}, {
	name: "free orders stay purchase periods; a partial return keeps its period",
	opt:  Options{ObservationEnd: date("2024-01-31")},
	txs: []Transaction{tx("a", "2024-01-01", 0), tx("a", "2024-01-05", 40),
		tx("a", "2024-01-06", -15), tx("a", "2024-01-09", 0)},
	// Days 1 (0), 5 (40 − 15 = 25), 9 (0): f = 2, r = 8, m = 25 / 2.
	want:      []Customer{{ID: "a", Frequency: 2, Recency: 8, T: 30, Monetary: 12.5, Orders: 3, Revenue: 25}},
	firstLast: [][2]string{{"2024-01-01", "2024-01-09"}},
	rep:       ReturnsReport{Rule: ReturnsNet, Returns: 1},
}, {
	name: "marked returns: positive amount refunds, zero amount refunds a free order",
	opt:  Options{ObservationEnd: date("2024-01-31")},
	txs: []Transaction{tx("a", "2024-01-01", 10), tx("a", "2024-01-04", 30), ret("a", "2024-01-05", 30),
		tx("b", "2024-01-02", 5), tx("b", "2024-01-03", 0), ret("b", "2024-01-03", 0)},
	// a: day 4 refunded by a marked +30; b: day 3's free order refunded by
	// a marked return of 0.
	want:      []Customer{{ID: "a", T: 30, Orders: 1, Revenue: 10}, {ID: "b", T: 29, Orders: 1, Revenue: 5}},
	firstLast: [][2]string{{"2024-01-01", "2024-01-01"}, {"2024-01-02", "2024-01-02"}},
	rep:       ReturnsReport{Rule: ReturnsNet, Returns: 2, RefundedPeriods: 2},
}, {
	name: "week grain: a return in the purchase's week adds into it",
	opt:  Options{Grain: Week, Unit: Weeks, ObservationEnd: date("2024-01-28")},
	txs: []Transaction{tx("a", "2024-01-01", 10), tx("a", "2024-01-08", 30),
		tx("a", "2024-01-10", -30), tx("a", "2024-01-12", 8), tx("a", "2024-01-22", 4)},
	// Week of 01-08: 30 − 30 + 8 = 8 > 0, a purchase period. Weeks 0, 1, 3:
	// f = 2, r = 3, T = 3, m = (8 + 4) / 2.
	want:      []Customer{{ID: "a", Frequency: 2, Recency: 3, T: 3, Monetary: 6, Orders: 4, Revenue: 22}},
	firstLast: [][2]string{{"2024-01-01", "2024-01-22"}},
	rep:       ReturnsReport{Rule: ReturnsNet, Returns: 1},
}, {
	name: "holdout returns net only within the holdout",
	opt:  Options{CalibrationEnd: date("2024-01-10"), ObservationEnd: date("2024-01-31")},
	txs: []Transaction{tx("a", "2024-01-01", 10), tx("a", "2024-01-05", 20),
		tx("a", "2024-01-12", -25), tx("a", "2024-01-15", 6), tx("a", "2024-01-16", -2),
		tx("b", "2024-01-02", 4), tx("b", "2024-01-03", -4), tx("b", "2024-01-20", 9)},
	// a: the holdout return of 01-12 has no holdout purchase before it:
	// 25 unmatched, the calibration stays 10, 20 (f = 1, r = 4, T = 9,
	// m = 20); holdout 01-15 (6 − 2 = 4). b: calibration refunded, so b is
	// removed (their holdout purchase does not bring them back).
	want: []Customer{{ID: "a", Frequency: 1, Recency: 4, T: 9, Monetary: 20, Orders: 2, Revenue: 30,
		FrequencyHoldout: 1, MonetaryHoldout: 4}},
	firstLast: [][2]string{{"2024-01-01", "2024-01-05"}},
	rep:       ReturnsReport{Rule: ReturnsNet, Returns: 3, RefundedPeriods: 1, CustomersRemoved: 1, UnmatchedValue: 25},
}, {
	name: "new in the holdout with returns",
	opt:  Options{CalibrationEnd: date("2024-01-10"), ObservationEnd: date("2024-01-31")},
	txs: []Transaction{tx("a", "2024-01-01", 10),
		tx("b", "2024-01-12", 5), tx("b", "2024-01-13", -5)},
	want:      []Customer{{ID: "a", T: 9, Orders: 1, Revenue: 10}},
	firstLast: [][2]string{{"2024-01-01", "2024-01-01"}},
	rep:       ReturnsReport{Rule: ReturnsNet, Returns: 1, RefundedPeriods: 1},
	newInHold: 1,
}}

func TestReturns(t *testing.T) {
	for _, tt := range returnsTests {
		t.Run(tt.name, func(t *testing.T) {
			s := summarize(t, tt.opt, tt.txs)
			if len(s.Customers) != len(tt.want) {
				t.Fatalf("%d customers, want %d: %+v", len(s.Customers), len(tt.want), s.Customers)
			}
			for i, c := range s.Customers {
				first, last := c.First.Format(time.DateOnly), c.Last.Format(time.DateOnly)
				if [2]string{first, last} != tt.firstLast[i] {
					t.Errorf("customer %s: first, last = %s, %s, want %v", c.ID, first, last, tt.firstLast[i])
				}
				c.First, c.Last = time.Time{}, time.Time{}
				if c != tt.want[i] {
					t.Errorf("customer %d:\n got %+v\nwant %+v", i, c, tt.want[i])
				}
			}
			if s.Report.Returns != tt.rep {
				t.Errorf("returns report %+v, want %+v", s.Report.Returns, tt.rep)
			}
			if s.Report.NewInHoldout != tt.newInHold {
				t.Errorf("new in holdout %d, want %d", s.Report.NewInHoldout, tt.newInHold)
			}
			if s.Report.Customers != len(tt.want) {
				t.Errorf("report counts %d customers, want %d", s.Report.Customers, len(tt.want))
			}
		})
	}
}

// TestReturnsRowOrder checks that netting does not depend on the order of
// the rows.
func TestReturnsRowOrder(t *testing.T) {
	opt := Options{ObservationEnd: date("2024-01-31")}
	want := summarize(t, opt, workedExample)
	rev := make([]Transaction, len(workedExample))
	for i, x := range workedExample {
		rev[len(rev)-1-i] = x
	}
	got := summarize(t, opt, rev)
	if got.Customers[0] != want.Customers[0] || got.Report.Returns != want.Report.Returns {
		t.Errorf("reversed rows: %+v %+v, want %+v %+v", got.Customers[0], got.Report.Returns, want.Customers[0], want.Report.Returns)
	}
}

func TestParseReturns(t *testing.T) {
	for _, s := range []string{"net", "drop", "purchase"} {
		r, err := ParseReturns(s)
		if err != nil || r.String() != s {
			t.Errorf("ParseReturns(%q) = %v, %v", s, r, err)
		}
	}
	if r, err := ParseReturns(""); err != nil || r != ReturnsNet {
		t.Errorf(`ParseReturns("") = %v, %v; want net`, r, err)
	}
	if _, err := ParseReturns("refund"); err == nil {
		t.Error(`ParseReturns("refund") gave no error`)
	}
}
