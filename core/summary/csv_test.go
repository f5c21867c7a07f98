package summary

import (
	"errors"
	"strings"
	"testing"
)

type csvTest struct {
	name    string
	in      string
	opt     CSVOptions
	skip    bool
	wantErr string // substring of the error; "" for success
	want    string // "id:frequency:orders:revenue ..." for success
	skipped map[Kind]int
	lines   []int
}

var hdr = Columns{Customer: "id", Date: "date", Amount: "amount"}

var csvTests = []csvTest{{
	name: "header names, CRLF",
	in:   "id,date,amount\r\n7,2024-01-01,1.5\r\n7,2024-01-03,2\r\n",
	opt:  CSVOptions{Header: true, Columns: hdr},
	want: "7:1:2:3.5",
}, {
	name: "positions without header, semicolons, no amount",
	in:   "2024-01-01;x\n2024-01-02;x\n",
	opt:  CSVOptions{Delimiter: ';', Columns: Columns{Customer: "2", Date: "1"}},
	want: "x:1:2:0",
}, {
	name: "whitespace runs, YYYYMMDD, ids kept",
	in:   " 00004 0001 19970101  2   29.33\r\n 00004 0001 19970118  2   29.73\r\n",
	opt:  CSVOptions{Whitespace: true, DateFormat: "YYYYMMDD", Columns: Columns{Customer: "2", Date: "3", Amount: "5"}},
	want: "0001:1:2:59.06",
}, {
	name: "Go layout with time, RFC 3339 date as written",
	in:   "id,date,amount\na,2024-01-01 23:59:59,1\n",
	opt:  CSVOptions{Header: true, Columns: hdr, DateFormat: "2006-01-02 15:04:05"},
	want: "a:0:1:1",
}, {
	name: "RFC 3339 keeps the written date",
	in:   "id,date,amount\na,2024-01-09T23:30:00-05:00,1\n",
	opt:  CSVOptions{Header: true, Columns: hdr, DateFormat: "RFC3339"},
	want: "a:0:1:1",
}, {
	name:    "bad month names line and field",
	in:      "id,date,amount\na,2024-01-01,1\na,2024-13-01,1\n",
	opt:     CSVOptions{Header: true, Columns: hdr},
	wantErr: `line 3 (customer "a"): field "date": parsing "2024-13-01" as YYYY-MM-DD: month out of range`,
}, {
	name:    "NaN amount",
	in:      "id,date,amount\na,2024-01-01,NaN\n",
	opt:     CSVOptions{Header: true, Columns: hdr},
	wantErr: `line 2 (customer "a"): field "amount"`,
}, {
	name:    "bad amount under another header name",
	in:      "cust,day,value\na,2024-01-01,1x\n",
	opt:     CSVOptions{Header: true, Columns: Columns{Customer: "cust", Date: "day", Amount: "value"}},
	wantErr: `line 2 (customer "a"): field "amount" (column "value"): parsing "1x" as a number`,
}, {
	name:    "empty customer",
	in:      "id,date,amount\n,2024-01-01,1\n",
	opt:     CSVOptions{Header: true, Columns: hdr},
	wantErr: `line 2: field "customer" (column "id"): empty customer id`,
}, {
	name:    "short row",
	in:      "id,date,amount\na,2024-01-01\n",
	opt:     CSVOptions{Header: true, Columns: hdr},
	wantErr: `line 2 (customer "a"): field "amount"`,
}, {
	name:    "missing header column",
	in:      "id,date\na,2024-01-01\n",
	opt:     CSVOptions{Header: true, Columns: hdr},
	wantErr: `amount column "amount": not in the header`,
}, {
	name:    "skip bad rows: counts per kind and lines",
	in:      "id,date,amount\na,2024-01-01,1\na,2024-02-30,1\n,2024-01-01,1\na,x,1\na,2024-01-02,inf\nb\"x,2024-01-01,1\na,2024-01-03,2\nb,2025-01-01,1\n",
	opt:     CSVOptions{Header: true, Columns: hdr},
	skip:    true,
	want:    "a:1:2:3",
	skipped: map[Kind]int{BadDate: 2, EmptyCustomer: 1, BadAmount: 1, BadRecord: 1},
	lines:   []int{3, 4, 5, 6, 7},
}}

func TestReadCSV(t *testing.T) {
	for _, tt := range csvTests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := NewBuilder(Options{ObservationEnd: date("2024-12-31"), SkipBadRows: tt.skip})
			if err != nil {
				t.Fatal(err)
			}
			err = ReadCSV(strings.NewReader(tt.in), tt.opt, b)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			s, _ := b.Summary()
			var got []string
			for _, c := range s.Customers {
				got = append(got, strings.Join([]string{c.ID, itoa(c.Frequency), itoa(c.Orders), ftoa(c.Revenue)}, ":"))
			}
			if g := strings.Join(got, " "); g != tt.want {
				t.Errorf("got %q, want %q", g, tt.want)
			}
			if tt.skip {
				r := s.Report
				if len(r.Skipped) != len(tt.skipped) || r.SkippedTotal() != 5 || r.AfterObservationEnd != 1 || r.Rows != 8 {
					t.Errorf("report %+v", r)
				}
				for k, n := range tt.skipped {
					if r.Skipped[k] != n {
						t.Errorf("skipped %s: %d, want %d", k, r.Skipped[k], n)
					}
				}
				if len(r.SkippedLines) != len(tt.lines) {
					t.Errorf("lines %v, want %v", r.SkippedLines, tt.lines)
				}
				for i := range tt.lines {
					if r.SkippedLines[i] != tt.lines[i] {
						t.Errorf("lines %v, want %v", r.SkippedLines, tt.lines)
						break
					}
				}
			}
		})
	}
}

func TestParseErrorType(t *testing.T) {
	b, _ := NewBuilder(Options{ObservationEnd: date("2024-12-31")})
	err := ReadCSV(strings.NewReader("1,19970230\n"), CSVOptions{DateFormat: "YYYYMMDD", Columns: Columns{Customer: "1", Date: "2"}}, b)
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Line != 1 || pe.Field != "date" || pe.Value != "19970230" || pe.Kind != BadDate {
		t.Errorf("%#v", err)
	}
}
