package detect

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/core/summary"
)

// TestDateCandidates checks that every candidate is a format
// ParseDateFormat accepts (fittingDates skips those that are not).
func TestDateCandidates(t *testing.T) {
	for _, c := range dateCandidates() {
		if _, err := summary.ParseDateFormat(c); err != nil {
			t.Errorf("candidate %q: %v", c, err)
		}
		if s := swapped(c); s != "" && swapped(s) != c {
			t.Errorf("swapped(swapped(%q)) = %q", c, swapped(s))
		}
	}
}

var dateDetectTests = []struct {
	name   string
	values []string
	want   string
	err    []string // substrings of the error
}{
	{"ISO date", []string{"2024-03-15", "2024-03-16", ""}, "YYYY-MM-DD", nil},
	{"ISO datetime with zone", []string{"2024-03-15 14:22:01-05:00", "2024-03-16T09:00:00Z"}, "ISO8601", nil},
	{"ISO datetime without zone", []string{"2014-03-08 00:00:00", "2014-05-21 00:00:00"}, "ISO8601", nil},
	{"YYYYMMDD", []string{"19970101", "19970118"}, "YYYYMMDD", nil},
	{"US with times", []string{"12/1/2010 8:26", "12/13/2010 8:26"}, "M/D/YYYY H:mm", nil},
	{"US dates", []string{"3/4/2024", "3/25/2024"}, "M/D/YYYY", nil},
	{"day first", []string{"25/3/2024", "4/3/2024"}, "D/M/YYYY", nil},
	{"day first with times", []string{"25/03/2024 10:00", "04/03/2024 23:59"}, "D/M/YYYY H:mm", nil},
	{"day first with seconds", []string{"25/03/2024 10:00:01"}, "D/M/YYYY H:mm:ss", nil},
	{"dots", []string{"15.03.2024", "01.04.2024"}, "D.M.YYYY", nil},
	{"12-hour clock", []string{"3/15/2024 2:22 PM", "3/16/2024 11:00 AM"}, "M/D/YYYY h:mm A", nil},
	{"unix seconds", []string{"1710512521", "1710598921"}, "unix", nil},
	{"small integers are not unix times", []string{"17", "42"}, "", []string{"no date format fits", `"17"`}},
	{"ambiguous", []string{"3/4/2024", "5/6/2024"}, "M/D/YYYY", []string{`"M/D/YYYY" and "D/M/YYYY"`, `"3/4/2024" reads as 2024-03-04 under "M/D/YYYY" but 2024-04-03 under "D/M/YYYY"`, `date_format = "M/D/YYYY" or "D/M/YYYY"`}},
	{"ambiguous, same readings", []string{"1/1/2024 9:00", "2/2/2024 9:00"}, "M/D/YYYY H:mm", []string{`"1/1/2024 9:00" reads as 2024-01-01`, "date_format"}},
	{"no fit", []string{"yesterday"}, "", []string{"no date format fits", `"yesterday"`}},
}

func TestDateFormats(t *testing.T) {
	for _, tt := range dateDetectTests {
		got, fitting, err := DateFormats(tt.values)
		if got != tt.want {
			t.Errorf("%s: %q (fitting %v), want %q", tt.name, got, fitting, tt.want)
		}
		if tt.err == nil {
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s: no error, want %q", tt.name, tt.err)
			continue
		}
		for _, w := range tt.err {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q lacks %q", tt.name, err, w)
			}
		}
	}
}

var amountDetectTests = []struct {
	name   string
	values []string
	want   string
	err    []string
}{
	{"plain", []string{"29.33", "-5", ""}, "plain", nil},
	{"plain wins when it reads everything", []string{"1.234", "5.000"}, "plain", nil},
	{"dollars", []string{"$1,234.50", "$5.00", "($3.00)"}, "1,234.56", nil},
	{"quoted US thousands", []string{"12.50", "2,071.43"}, "1,234.56", nil},
	{"decimal comma", []string{"12,50", "1.234,50"}, "1.234,56", nil},
	{"euros", []string{"1.234,50 €", "0,99 €"}, "1.234,56", nil},
	{"space groups", []string{"1 234,50", "12,00"}, "1 234,56", nil},
	{"no-break space groups", []string{"1\u00a0234,50 kr"}, "1 234,56", nil},
	{"decimal comma without groups", []string{"12,50", "7,00"}, "1.234,56", nil},
	{"ambiguous thousands", []string{"1,234", "5,000"}, "1,234.56", []string{`"1,234" reads as 1234 under "1,234.56" but 1.234 under "1.234,56"`, `amount_format = "1,234.56" or "1.234,56"`}},
	{"junk only", []string{"N/A", "?"}, "plain", nil},
}

func TestAmountFormat(t *testing.T) {
	for _, tt := range amountDetectTests {
		got, err := AmountFormat(tt.values)
		if got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
		if tt.err == nil {
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
			}
			continue
		}
		var ae *AmbiguousError
		if !errors.As(err, &ae) {
			t.Errorf("%s: error %v, want an *AmbiguousError", tt.name, err)
			continue
		}
		for _, w := range tt.err {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q lacks %q", tt.name, err, w)
			}
		}
	}
}

// fileTests are whole files: what Detect finds in each.
var fileTests = []struct {
	file            string
	delim           string
	header          bool
	roles           Roles
	date, amount    string
	dateErr, amtErr string
}{
	{"online_retail_head.csv", ",", true, Roles{"CustomerID", "InvoiceDate", "UnitPrice"}, "M/D/YYYY H:mm", "plain", "", ""},
	{"online_retail_first300.csv", ",", true, Roles{"CustomerID", "InvoiceDate", "UnitPrice"}, "M/D/YYYY H:mm", "plain", `"12/1/2010 8:26" reads as 2010-12-01 under "M/D/YYYY H:mm" but 2010-01-12 under "D/M/YYYY H:mm"`, ""},
	{"shopify_orders.csv", ",", true, Roles{"Email", "Created at", "Total"}, "ISO8601", "1,234.56", "", ""},
	{"german_export.csv", ";", true, Roles{"Kunde", "Datum", "Betrag"}, "D.M.YYYY", "1.234,56", "", ""},
	{"excel_bom.csv", ",", true, Roles{"customer_id", "date", "amount"}, "YYYY-MM-DD", "plain", "", ""},
}

func TestDetectFiles(t *testing.T) {
	for _, tt := range fileTests {
		data, err := os.ReadFile("testdata/" + tt.file)
		if err != nil {
			t.Fatal(err)
		}
		r, err := Detect(bytes.NewReader(data), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if r.Delimiter != tt.delim || r.Header != tt.header || r.Roles != tt.roles || r.DateFormat != tt.date || r.AmountFormat != tt.amount {
			t.Errorf("%s: delimiter %q header %v roles %+v date %q amount %q", tt.file, r.Delimiter, r.Header, r.Roles, r.DateFormat, r.AmountFormat)
		}
		for _, c := range []struct {
			err  error
			want string
		}{{r.DateErr, tt.dateErr}, {r.AmountErr, tt.amtErr}} {
			switch {
			case c.want == "" && c.err != nil:
				t.Errorf("%s: %v", tt.file, c.err)
			case c.want != "" && (c.err == nil || !strings.Contains(c.err.Error(), c.want)):
				t.Errorf("%s: error %v, want %q", tt.file, c.err, c.want)
			}
		}
	}
}

// TestHead checks that Head's reader gives back the whole input, sample
// included, and that the sample is whole lines.
func TestHead(t *testing.T) {
	var in strings.Builder
	for i := range 20 {
		in.WriteString(strings.Repeat("x", i) + "\n")
	}
	in.WriteString("last line without an end")
	sample, all, err := Head(strings.NewReader(in.String()), 5)
	if err != nil {
		t.Fatal(err)
	}
	if want := "\nx\nxx\nxxx\nxxxx\n"; string(sample) != want {
		t.Errorf("sample %q, want %q", sample, want)
	}
	got, _ := io.ReadAll(all)
	if string(got) != in.String() {
		t.Errorf("Head's reader gave %d bytes, want the %d of the input", len(got), in.Len())
	}
}

// TestResolveFormats checks "auto" against given formats and the errors'
// naming of the column.
func TestResolveFormats(t *testing.T) {
	hdr := true
	tb, err := ReadSample(strings.NewReader("id,when,total\na,3/4/2024,\"1,234\"\nb,3/5/2024,\"5,000\"\n"), Options{Delimiter: ",", Header: &hdr})
	if err != nil {
		t.Fatal(err)
	}
	d, a, err := tb.ResolveFormats("when", "D/M/YYYY", "total", "1,234.56")
	if err != nil || d != "D/M/YYYY" || a != "1,234.56" {
		t.Errorf("given formats: %q %q %v", d, a, err)
	}
	if _, _, err := tb.ResolveFormats("when", "auto", "total", "1,234.56"); err == nil || !strings.Contains(err.Error(), `date column "when"`) {
		t.Errorf("ambiguous dates: %v", err)
	}
	if _, _, err := tb.ResolveFormats("when", "M/D/YYYY", "total", "auto"); err == nil || !strings.Contains(err.Error(), `amount column "total"`) {
		t.Errorf("ambiguous amounts: %v", err)
	}
	if _, a, err := tb.ResolveFormats("when", "M/D/YYYY", "", "auto"); err != nil || a != "plain" {
		t.Errorf("no amount column: %q %v", a, err)
	}
}

// TestHeadLongLine: a line longer than the sample's byte bound ends the
// sample before it (detection stays within a few MiB), and the reader
// still gives back every byte.
func TestHeadLongLine(t *testing.T) {
	long := strings.Repeat("x", 3*maxSampleBytes/2)
	in := "a,b\n1,2\n" + long + "\n3,4\n"
	sample, all, err := Head(strings.NewReader(in), 0)
	if err != nil {
		t.Fatal(err)
	}
	if string(sample) != "a,b\n1,2\n" {
		t.Errorf("sample = %.20q… (%d bytes), want the two lines before the long one", sample, len(sample))
	}
	back, err := io.ReadAll(all)
	if err != nil || string(back) != in {
		t.Errorf("replay gives %d bytes (err %v), want the whole input of %d", len(back), err, len(in))
	}
}
