package summary

import (
	"errors"
	"strings"
	"testing"
)

// overflowTests are logs whose amounts, each finite, add up past the
// float64 range (max ≈ 1.798e308): two of 1.7e308 make 3.4e308 = +Inf.
var overflowTests = []struct {
	name     string
	opt      Options
	txs      []Transaction
	customer string // "" when the sums stay finite
}{{
	name: "repeat periods overflow",
	opt:  Options{ObservationEnd: date("2024-12-31")},
	txs: []Transaction{tx("ok", "2024-01-01", 5), tx("big", "2024-01-01", 1),
		tx("big", "2024-02-01", 1.7e308), tx("big", "2024-03-01", 1.7e308)},
	customer: "big",
}, {
	name: "one period overflows (monetary 0, revenue +Inf)",
	opt:  Options{ObservationEnd: date("2024-12-31")},
	txs:  []Transaction{tx("a", "2024-01-01", 1.7e308), tx("a", "2024-01-01", 1.7e308)},
	// Frequency 0, so Monetary would be 0: Revenue still overflows.
	customer: "a",
}, {
	name:     "negative amounts overflow to -Inf",
	opt:      Options{ObservationEnd: date("2024-12-31")},
	txs:      []Transaction{tx("r", "2024-01-01", 1), tx("r", "2024-02-01", -1.7e308), tx("r", "2024-02-01", -1.7e308)},
	customer: "r",
}, {
	name: "holdout overflows",
	opt:  Options{ObservationEnd: date("2024-12-31"), CalibrationEnd: date("2024-06-30")},
	txs: []Transaction{tx("h", "2024-01-01", 1), tx("h", "2024-08-01", 1.7e308),
		tx("h", "2024-09-01", 1.7e308)},
	customer: "h",
}, {
	name: "huge amounts that cancel are fine",
	opt:  Options{ObservationEnd: date("2024-12-31")},
	// Sorted by (day, amount) within a period: -1.7e308 + 1.7e308 = 0
	// first, so the sum never leaves the range.
	txs: []Transaction{tx("c", "2024-01-01", 1), tx("c", "2024-02-01", 1.7e308), tx("c", "2024-02-01", -1.7e308)},
}}

func TestSummaryOverflow(t *testing.T) {
	for _, tt := range overflowTests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := NewBuilder(tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range tt.txs {
				if err := b.Add(x); err != nil {
					t.Fatal(err)
				}
			}
			s, err := b.Summary()
			if tt.customer == "" {
				if err != nil {
					t.Fatalf("Summary: %v", err)
				}
				for _, c := range s.Customers {
					if !isFinite(c.Revenue) || !isFinite(c.Monetary) || !isFinite(c.MonetaryHoldout) {
						t.Errorf("customer %s: revenue %v, monetary %v, holdout %v", c.ID, c.Revenue, c.Monetary, c.MonetaryHoldout)
					}
				}
				return
			}
			var oe *OverflowError
			if !errors.As(err, &oe) || oe.Customer != tt.customer {
				t.Fatalf("Summary error %v (customers %+v), want an *OverflowError for %q", err, s.Customers, tt.customer)
			}
			if want := `customer "` + tt.customer + `": the sum of its amounts overflows`; !strings.Contains(err.Error(), want) {
				t.Errorf("error %q lacks %q", err, want)
			}
		})
	}
}

// TestSummaryOverflowFirstInIDOrder: with customers summarized in parallel
// parts, the error names the first overflowing customer in id order, as a
// sequential pass would.
func TestSummaryOverflowFirstInIDOrder(t *testing.T) {
	defer func(n int) { parallelCustomers = n }(parallelCustomers)
	parallelCustomers = 2
	b, err := NewBuilder(Options{ObservationEnd: date("2024-12-31")})
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{"a", "b", "c", "d", "e", "f", "g", "h"}
	for _, id := range ids {
		amount := 1.0
		if id == "c" || id == "g" {
			amount = 1.7e308
		}
		for _, d := range []string{"2024-01-01", "2024-02-01", "2024-03-01"} {
			if err := b.Add(tx(id, d, amount)); err != nil {
				t.Fatal(err)
			}
		}
	}
	for range 3 { // the same answer every time
		_, err := b.Summary()
		var oe *OverflowError
		if !errors.As(err, &oe) || oe.Customer != "c" {
			t.Fatalf("Summary error %v, want an *OverflowError for c", err)
		}
	}
}

func TestCohortsOverflow(t *testing.T) {
	b, err := NewBuilder(Options{ObservationEnd: date("2024-12-31")})
	if err != nil {
		t.Fatal(err)
	}
	// Each customer's revenue is finite; the cohort's total is not.
	for _, x := range []Transaction{tx("a", "2024-01-05", 1.7e308), tx("b", "2024-01-09", 1.7e308)} {
		if err := b.Add(x); err != nil {
			t.Fatal(err)
		}
	}
	_, err = b.Cohorts(CohortOptions{})
	if want := `cohort 2024-01: the revenue of month 0 overflows the float64 range (±1.8e308) at customer "b"`; err == nil || err.Error() != want {
		t.Errorf("Cohorts error %v, want %s", err, want)
	}
}

// invalidIDTests are logs with ids that are not valid UTF-8: "Jos\xe9"
// and "Jos\xe8" (Latin-1 é and è) would both become "Jos\uFFFD" in JSON
// or Parquet output, merging two customers.
var invalidIDTests = []struct {
	name string
	in   string
	opt  CSVOptions
	want string
}{{
	name: "fast path",
	in:   "customer_id,date\nJos\xe9,2024-01-01\nJos\xe8,2024-01-02\n",
	opt:  CSVOptions{Header: true, Columns: Columns{Customer: "customer_id", Date: "date"}},
	want: `line 2: field "customer" (column "customer_id"): "Jos\xe9": customer id is not valid UTF-8 text`,
}, {
	name: "quoted lines (encoding/csv)",
	in:   "customer_id,date\n\"ok\",2024-01-01\n\"Jos\xe8\",2024-01-02\n",
	opt:  CSVOptions{Header: true, Columns: Columns{Customer: "customer_id", Date: "date"}},
	want: `line 3: field "customer" (column "customer_id"): "Jos\xe8": customer id is not valid UTF-8 text`,
}, {
	name: "whitespace-separated",
	in:   "1 20240101\n\xff\xfe 20240102\n",
	opt:  CSVOptions{Whitespace: true, DateFormat: "YYYYMMDD", Columns: Columns{Customer: "1", Date: "2"}},
	want: `line 2: field "customer" (column "1"): "\xff\xfe": customer id is not valid UTF-8 text`,
}, {
	name: "multi-byte delimiter (encoding/csv)",
	in:   "a§2024-01-01\nb\xc3§2024-01-01\n",
	opt:  CSVOptions{Delimiter: '§', Columns: Columns{Customer: "1", Date: "2"}},
	want: `line 2: field "customer" (column "1"): "b\xc3": customer id is not valid UTF-8 text`,
}}

func TestReadCSVInvalidUTF8ID(t *testing.T) {
	for _, tt := range invalidIDTests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := NewBuilder(Options{ObservationEnd: date("2024-12-31")})
			if err != nil {
				t.Fatal(err)
			}
			err = ReadCSV(strings.NewReader(tt.in), tt.opt, b)
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Kind != BadCustomer || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("ReadCSV error %v, want a BadCustomer *ParseError containing %q", err, tt.want)
			}
			// Skipped and counted when asked to.
			b, _ = NewBuilder(Options{ObservationEnd: date("2024-12-31"), SkipBadRows: true})
			if err := ReadCSV(strings.NewReader(tt.in), tt.opt, b); err != nil {
				t.Fatal(err)
			}
			s, err := b.Summary()
			if err != nil {
				t.Fatal(err)
			}
			if s.Report.Skipped[BadCustomer] == 0 {
				t.Errorf("report %+v: no bad customer id counted", s.Report)
			}
		})
	}
}

func TestAddInvalidUTF8ID(t *testing.T) {
	b, err := NewBuilder(Options{ObservationEnd: date("2024-12-31")})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Add(tx("Jos\u00e9", "2024-01-01", 1)); err != nil {
		t.Fatal(err) // valid UTF-8 é
	}
	err = b.Add(tx("Jos\xe9", "2024-01-01", 1))
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Kind != BadCustomer || pe.Line != 2 || pe.Value != "Jos\xe9" {
		t.Fatalf("Add error %#v, want a BadCustomer *ParseError on line 2", err)
	}
}

// TestLongValueNotEchoed: a 2 MB date, id or amount is named in the error by its
// first 200 bytes and its length, not echoed whole.
func TestLongValueNotEchoed(t *testing.T) {
	long := strings.Repeat("x", 2<<20)
	for _, row := range []string{
		"c1," + long + ",1",        // date
		long + "\xff,2024-01-01,1", // id, not UTF-8
		"c1,2024-01-01," + long,    // amount
	} {
		b, err := NewBuilder(Options{ObservationEnd: date("2024-12-31")})
		if err != nil {
			t.Fatal(err)
		}
		err = ReadCSV(strings.NewReader("customer_id,date,amount\n"+row+"\n"), CSVOptions{Header: true,
			Columns: Columns{Customer: "customer_id", Date: "date", Amount: "amount"}}, b)
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Fatalf("error %T is not a *ParseError: %.300v", err, err)
		}
		if len(err.Error()) > 600 || len(pe.Value) > 200 || !strings.Contains(err.Error(), "(209715") {
			t.Errorf("error of %d bytes (value %d bytes): %.300s", len(err.Error()), len(pe.Value), err)
		}
	}
}
