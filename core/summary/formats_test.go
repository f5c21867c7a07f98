package summary

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

type amountTest struct {
	format, in string
	want       float64
	currency   string
	err        bool
}

// amountTests: every value is checked against the number a person reads
// in it; "err" rows must not parse in that format.
var amountTests = []amountTest{
	// plain: strconv.ParseFloat's syntax, exactly as before.
	{"plain", "1234.56", 1234.56, "", false},
	{"plain", "-81.27", -81.27, "", false},
	{"plain", "1e3", 1000, "", false},
	{"plain", "1,234.56", 0, "", true},
	{"plain", "$12.00", 0, "", true},
	{"plain", "(81.27)", 0, "", true},
	// 1,234.56
	{"1,234.56", "1,234.56", 1234.56, "", false},
	{"1,234.56", "1234.56", 1234.56, "", false},
	{"1,234.56", "12,345,678.9", 12345678.9, "", false},
	{"1,234.56", "$1,234.50", 1234.5, "$", false},
	{"1,234.56", "1,234.50 $", 1234.5, "$", false},
	{"1,234.56", "USD 1,234.50", 1234.5, "USD", false},
	{"1,234.56", "1,234.50USD", 1234.5, "USD", false},
	{"1,234.56", "£0.99", 0.99, "£", false},
	{"1,234.56", "US$5", 5, "US$", false},
	{"1,234.56", "-81.27", -81.27, "", false},
	{"1,234.56", "(81.27)", -81.27, "", false},
	{"1,234.56", "81.27-", -81.27, "", false},
	{"1,234.56", "-$81.27", -81.27, "$", false},
	{"1,234.56", "$-81.27", -81.27, "$", false},
	{"1,234.56", "($1,081.27)", -1081.27, "$", false},
	{"1,234.56", "  $ 12.00  ", 12, "$", false},
	{"1,234.56", "+5", 5, "", false},
	{"1,234.56", ".99", 0.99, "", false},
	{"1,234.56", "1,23.4", 0, "", true},   // a group of two
	{"1,234.56", "1234,567", 0, "", true}, // four digits before a group
	{"1,234.56", "1.234,56", 0, "", true},
	{"1,234.56", "-(5)", 0, "", true},
	{"1,234.56", "--5", 0, "", true},
	{"1,234.56", "(5", 0, "", true},
	{"1,234.56", "$", 0, "", true},
	{"1,234.56", "", 0, "", true},
	{"1,234.56", "1e3", 0, "", true},
	{"1,234.56", "NaN", 0, "", true},
	{"1,234.56", "5.", 0, "", true},
	{"1,234.56", "12345678901234567.5", 12345678901234567.5, "", false}, // more digits than the exact path
	// 1.234,56
	{"1.234,56", "1.234,56", 1234.56, "", false},
	{"1.234,56", "1.234,56 €", 1234.56, "€", false},
	{"1.234,56", "€1.234,56", 1234.56, "€", false},
	{"1.234,56", "EUR 12,00", 12, "EUR", false},
	{"1.234,56", "12,00 kr", 12, "KR", false},
	{"1.234,56", "12,00 kr.", 12, "KR", false},
	{"1.234,56", "(81,27)", -81.27, "", false},
	{"1.234,56", "81,27-", -81.27, "", false},
	{"1.234,56", "-81,27 €", -81.27, "€", false},
	{"1.234,56", "1,234", 1.234, "", false},
	{"1.234,56", "12.50", 0, "", true},
	{"1.234,56", "1 234,56", 0, "", true},
	// 1 234,56 with a space, a no-break space or a narrow no-break space
	{"1 234,56", "1 234,56", 1234.56, "", false},
	{"1 234,56", "1\u00a0234,56\u00a0€", 1234.56, "€", false},
	{"1 234,56", "12\u202f345,00 kr", 12345, "KR", false},
	{"1 234,56", "-1 234,56 SEK", -1234.56, "SEK", false},
	{"1 234,56", "(1 234,56 €)", -1234.56, "€", false},
	{"1 234,56", "1 234,56-", -1234.56, "", false},
	{"1 234,56", "1.234,56", 0, "", true},
	{"1 234,56", "1 23,5", 0, "", true},
	{"1\u00a0234,56", "1\u00a0234,5", 1234.5, "", false}, // the format's name may hold a no-break space
}

func TestAmountFormats(t *testing.T) {
	for _, tt := range amountTests {
		f, err := ParseAmountFormat(tt.format)
		if err != nil {
			t.Fatalf("format %q: %v", tt.format, err)
		}
		v, cur, err := f.Parse(tt.in)
		if tt.err {
			if err == nil {
				t.Errorf("%s: %q = %v (%q), want an error", tt.format, tt.in, v, cur)
			}
			continue
		}
		if err != nil || v != tt.want || cur != tt.currency {
			t.Errorf("%s: %q = %v, %q, %v; want %v, %q", tt.format, tt.in, v, cur, err, tt.want, tt.currency)
		}
	}
	for _, bad := range []string{"auto", "1'234.56", "us"} {
		if _, err := ParseAmountFormat(bad); err == nil {
			t.Errorf("ParseAmountFormat(%q) accepted", bad)
		}
	}
}

type dateTest struct {
	format, in, want string // want "" means an error
}

var dateTests = []dateTest{
	{"ISO8601", "2024-03-15", "2024-03-15"},
	{"ISO8601", "2024-03-15 14:22:01-05:00", "2024-03-15"},
	{"ISO8601", "2024-03-15T23:59:59.123Z", "2024-03-15"},
	{"ISO8601", "2024-03-15T00:30:00+0200", "2024-03-15"}, // the date as written, not in UTC
	{"ISO8601", "2024-03-15 14:22", "2024-03-15"},
	{"ISO8601", "2024-03-15 14:22:01 -0500", "2024-03-15"},
	{"ISO8601", "2024-03-15 14:22:01+05", "2024-03-15"},
	{"ISO8601", "2024-03-15 24:00:00", ""},
	{"ISO8601", "2024-03-15 14:60", ""},
	{"ISO8601", "2024-03-15T", ""},
	{"ISO8601", "2024-03-15 14:22:01 PST", ""},
	{"ISO8601", "2024-02-30", ""},
	{"ISO8601", "2024-01-01 00:00+", ""}, // found by FuzzDateFormats: a sign without hours
	{"ISO8601", "2024-01-01 00:00+0", ""},
	{"unix", "1710512521", "2024-03-15"},
	{"unix", "1710512521.75", "2024-03-15"},
	{"unix", "0", "1970-01-01"},
	{"unix", "-1", "1969-12-31"},
	{"unix", "-86400.5", "1969-12-30"},
	{"unix", "17105x", ""},
	{"unix", "", ""},
	{"unix", "99999999999999999999", ""},
	// tokens
	{"YYYY-MM-DD HH:mm:ss", "2024-03-15 14:22:01", "2024-03-15"},
	{"YYYY-MM-DD HH:MM:SS", "2024-03-15 14:22:01", "2024-03-15"}, // MM after HH: is minutes
	{"DD/MM/YYYY", "15/03/2024", "2024-03-15"},
	{"DD/MM/YYYY", "03/15/2024", ""},
	{"dd/MM/yyyy", "15/03/2024", "2024-03-15"},
	{"M/D/YYYY H:mm", "12/1/2010 8:26", "2010-12-01"},
	{"M/D/YYYY H:mm", "12/13/2010 18:26", "2010-12-13"},
	{"D.M.YYYY", "5.3.2024", "2024-03-05"},
	{"DD.MM.YYYY", "05.03.2024", "2024-03-05"},
	{"YYYYMMDD", "20240315", "2024-03-15"},
	{"YYYY-MM-DDTHH:mm:ssZ", "2024-03-15T14:22:01-05:00", "2024-03-15"},
	{"YYYY-MM-DD HH:mm:ss.SSS", "2024-03-15 14:22:01.250", "2024-03-15"},
	{"M/D/YYYY h:mm A", "3/15/2024 2:22 PM", "2024-03-15"},
	{"D MMM YYYY", "15 Mar 2024", "2024-03-15"},
	{"MMMM D, YYYY", "March 15, 2024", "2024-03-15"},
	{"YY-MM-DD", "24-03-15", "2024-03-15"},
	// Go layouts still work
	{"2006-01-02 15:04:05", "2024-03-15 14:22:01", "2024-03-15"},
	{"02/01/2006", "15/03/2024", "2024-03-15"},
}

func TestDateFormatKinds(t *testing.T) {
	for _, tt := range dateTests {
		f, err := ParseDateFormat(tt.format)
		if err != nil {
			t.Errorf("ParseDateFormat(%q): %v", tt.format, err)
			continue
		}
		if f.String() != tt.format {
			t.Errorf("ParseDateFormat(%q).String() = %q", tt.format, f)
		}
		got, err := f.Parse(tt.in)
		if tt.want == "" {
			if err == nil {
				t.Errorf("%s: %q = %s, want an error", tt.format, tt.in, got.Format(time.DateOnly))
			}
			continue
		}
		if err != nil || got.Format(time.DateOnly) != tt.want {
			t.Errorf("%s: %q = %s, %v; want %s", tt.format, tt.in, got.Format(time.DateOnly), err, tt.want)
		}
	}
}

// TestTokenLayouts checks the translation of token layouts to Go layouts,
// and that layouts which cannot give a date are refused by ParseDateFormat
// itself (clv validate and clv score both call it).
func TestTokenLayouts(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"YYYY-MM-DD HH:mm:ss", "2006-01-02 15:04:05"},
		{"YYYY-MM-DD HH:MM:SS", "2006-01-02 15:04:05"},
		{"DD/MM/YYYY", "02/01/2006"},
		{"M/D/YYYY H:mm", "1/2/2006 15:04"},
		{"YYYY-MM-DDTHH:mm:ss.SSSZ", "2006-01-02T15:04:05.000Z07:00"},
		{"D MMMM YYYY, h:mm a", "2 January 2006, 3:04 pm"},
		{"YYYYMMDD", "20060102"},
		{"DD.MM.YY", "02.01.06"},
	} {
		got, err := TokenLayout(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("TokenLayout(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{
		"YYYY-MM",            // no day
		"YYYY-MM-DD HH:MM:S", // a lone S
		"YYYY-MM-DD Q",       // not a token
		"YYYY-MM-DD 12",      // digits would be read as Go elements
		"YYYYY-MM-DD",        // five Ys
		"DDD/MM/YYYY",
		"auto",
		"2006-01", // a Go layout without a day
	} {
		if f, err := ParseDateFormat(bad); err == nil {
			t.Errorf("ParseDateFormat(%q) accepted as %q", bad, f)
		}
	}
}

// formatCSVTests read files in the grouped amount formats and the CSV
// edges of real exports.
var formatCSVTests = []struct {
	name    string
	in      string
	opt     CSVOptions
	skip    bool
	want    string // "id:frequency:orders:revenue ..."
	wantErr []string
	skipped map[Kind]int
}{{
	name: "quoted US amounts with a currency",
	in:   "id,date,amount\na,2024-01-01,\"$2,071.43\"\na,2024-01-02,$5.00\na,2024-01-03,($1.43)\n",
	opt:  CSVOptions{Header: true, Columns: hdr, AmountFormat: "1,234.56"},
	// ($1.43) is a return: under the default returns rule (net) it refunds
	// part of day 2, so two purchase periods and two orders are left.
	want: "a:1:2:2075",
}, {
	name: "decimal commas after a semicolon",
	in:   "id;date;amount\na;2024-01-01;1.234,50 €\na;2024-01-02;0,50 €\n",
	opt:  CSVOptions{Header: true, Delimiter: ';', Columns: hdr, AmountFormat: "1.234,56"},
	want: "a:1:2:1235",
}, {
	name:    "two currencies: an error naming both lines",
	in:      "id,date,amount\na,2024-01-01,$5.00\nb,2024-01-01,7.00\na,2024-01-02,€6.00\n",
	opt:     CSVOptions{Header: true, Columns: hdr, AmountFormat: "1,234.56"},
	wantErr: []string{"line 4", "€ here", "$ on line 2", "one currency"},
}, {
	name:    "two currencies are not skipped",
	in:      "id,date,amount\na,2024-01-01,5.00 USD\na,2024-01-02,6.00 EUR\n",
	opt:     CSVOptions{Header: true, Columns: hdr, AmountFormat: "1,234.56"},
	skip:    true,
	wantErr: []string{"line 3", "EUR here", "USD on line 2"},
}, {
	// Skipping the rows that do not parse as plain numbers would drop
	// the one big order; the error says how it reads instead.
	name:    "plain format and separators: not skipped",
	in:      "id,date,amount\na,2024-01-01,12.50\na,2024-01-02,\"2,071.43\"\n",
	opt:     CSVOptions{Header: true, Columns: hdr},
	skip:    true,
	wantErr: []string{`line 3 (customer "a"): field "amount"`, `parsing "2,071.43" as a number`, `as 2071.43 in amount format "1,234.56"`, "amount_format"},
}, {
	name:    "a plain bad amount is still skipped",
	in:      "id,date,amount\na,2024-01-01,12.50\na,2024-01-02,N/A\n",
	opt:     CSVOptions{Header: true, Columns: hdr},
	skip:    true,
	want:    "a:0:1:12.5",
	skipped: map[Kind]int{BadAmount: 1},
}, {
	name: "BOM before a quoted header (Excel CSV UTF-8)",
	in:   "\ufeff\"id\",\"date\",\"amount\"\r\n\"a\",\"2024-01-01\",\"1.5\"\r\n",
	opt:  CSVOptions{Header: true, Columns: hdr},
	want: "a:0:1:1.5",
}, {
	name:    "duplicate header names",
	in:      "id,date,amount,date\na,2024-01-01,1,2024-01-02\n",
	opt:     CSVOptions{Header: true, Columns: hdr},
	wantErr: []string{`column "date" appears twice (columns 2 and 4)`},
}, {
	name:    "more fields than the header",
	in:      "id,date,amount\na,2024-01-01,1,234.50\n",
	opt:     CSVOptions{Header: true, Columns: hdr},
	wantErr: []string{`line 2 (customer "a"): field "record"`, "more fields than the header: 4, the header has 3"},
}, {
	name:    "more fields than the header, skipped and counted",
	in:      "id,date,amount\na,2024-01-01,1,234.50\na,2024-01-02,2\n",
	opt:     CSVOptions{Header: true, Columns: hdr},
	skip:    true,
	want:    "a:0:1:2",
	skipped: map[Kind]int{ExtraField: 1},
}, {
	name: "empty trailing fields are not extra",
	in:   "id,date,amount\na,2024-01-01,1,,\n",
	opt:  CSVOptions{Header: true, Columns: hdr},
	want: "a:0:1:1",
}}

func TestReadCSVFormats(t *testing.T) {
	for _, tt := range formatCSVTests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := NewBuilder(Options{ObservationEnd: date("2024-12-31"), SkipBadRows: tt.skip})
			if err != nil {
				t.Fatal(err)
			}
			err = ReadCSV(strings.NewReader(tt.in), tt.opt, b)
			if tt.wantErr != nil {
				if err == nil {
					t.Fatalf("no error, want %q", tt.wantErr)
				}
				for _, w := range tt.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q lacks %q", err, w)
					}
				}
				var pe *ParseError
				if !errors.As(err, &pe) && !strings.Contains(tt.name, "header") {
					t.Errorf("error %v is not a *ParseError", err)
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
			for k, n := range tt.skipped {
				if s.Report.Skipped[k] != n {
					t.Errorf("skipped %s: %d, want %d (%v)", k, s.Report.Skipped[k], n, s.Report.Skipped)
				}
			}
		})
	}
}

// TestGroupedSumsOrderFree checks that amounts read through a grouped
// format are the same float64 values as their plain spelling, so sums do
// not depend on the format or on row order.
func TestGroupedSumsOrderFree(t *testing.T) {
	plain, _ := ParseAmountFormat("plain")
	us, _ := ParseAmountFormat("1,234.56")
	eu, _ := ParseAmountFormat("1.234,56")
	for _, c := range [][3]string{{"1234.56", "$1,234.56", "1.234,56 €"}, {"0.1", "0.1", "0,1"}, {"-9007199254740993.5", "-9,007,199,254,740,993.5", "-9.007.199.254.740.993,5"}} {
		a, _, e1 := plain.Parse(c[0])
		b, _, e2 := us.Parse(c[1])
		d, _, e3 := eu.Parse(c[2])
		if e1 != nil || e2 != nil || e3 != nil || math.Float64bits(a) != math.Float64bits(b) || math.Float64bits(a) != math.Float64bits(d) {
			t.Errorf("%q %q %q: %v %v %v (%v %v %v)", c[0], c[1], c[2], a, b, d, e1, e2, e3)
		}
	}
}
