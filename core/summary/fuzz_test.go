package summary

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// FuzzReadCSV feeds arbitrary bytes to the CSV reader in its modes: it must
// never panic, and with SkipBadRows it must only fail on I/O-level errors.
func FuzzReadCSV(f *testing.F) {
	f.Add("id,date,amount\n0001,1997-01-01,29.33\n0001,1997-01-18,29.73\n", uint8(0))
	f.Add(" 00004 0001 19970101  2   29.33\r\n 00004 0001 19970118  2   29.73\r\n", uint8(1))
	f.Add("id,date,amount\na,\"1997-01-01\",1e400\n,x,\nb\"c,1,2\n", uint8(2))
	f.Add("1;2024-02-29;-5\n2;2024-02-30;NaN\n", uint8(3))
	f.Add("\ufeff\"id\",\"date\",\"amount\"\na,2024-01-01 10:00-05:00,\"$1,234.50\"\nb,2024-01-02,€5\n", uint8(4))
	f.Add("1;15.03.2024;1.234,50 €\n1;16.03.2024;(5,00)\n", uint8(5))
	f.Fuzz(func(t *testing.T, in string, mode uint8) {
		opts := []CSVOptions{
			{Header: true, Columns: Columns{Customer: "id", Date: "date", Amount: "amount"}},
			{Whitespace: true, DateFormat: "YYYYMMDD", Columns: Columns{Customer: "2", Date: "3", Amount: "5"}},
			{Header: true, DateFormat: "RFC3339", Columns: Columns{Customer: "1", Date: "2", Amount: "3"}},
			{Delimiter: ';', Columns: Columns{Customer: "1", Date: "2", Amount: "3"}},
			{Header: true, DateFormat: "ISO8601", AmountFormat: "1,234.56", Columns: Columns{Customer: "id", Date: "date", Amount: "amount"}},
			{Delimiter: ';', DateFormat: "D.M.YYYY", AmountFormat: "1.234,56", Columns: Columns{Customer: "1", Date: "2", Amount: "3"}},
		}
		opt := opts[int(mode)%len(opts)]
		for _, skip := range []bool{false, true} {
			b, err := NewBuilder(Options{Grain: Grain(mode % 3), Unit: Weeks, ObservationEnd: date("2030-01-01"),
				CalibrationEnd: date("2000-01-01"), SkipBadRows: skip})
			if err != nil {
				t.Fatal(err)
			}
			if err := ReadCSV(strings.NewReader(in), opt, b); err != nil {
				continue
			}
			s, err := b.Summary()
			if err != nil {
				t.Fatal(err)
			}
			if s.Report.Rows < s.Report.Transactions+s.Report.AfterObservationEnd {
				t.Fatalf("report %+v", s.Report)
			}
			if _, err := b.Cohorts(CohortOptions{Period: CohortPeriod(mode % 2), Months: 3}); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// FuzzParseDate checks the hand-written date parsers against time.Parse:
// same acceptance, same date, and never a panic.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"1997-01-01", "19970101", "2024-02-29", "2023-02-29", "0000-01-01", "9999-12-31", "1997-1-01", "19971301", "1997-01-01T00:00:00Z"} {
		f.Add(s)
	}
	iso, _ := ParseDateFormat("YYYY-MM-DD")
	compact, _ := ParseDateFormat("YYYYMMDD")
	rfc, _ := ParseDateFormat("RFC3339")
	f.Fuzz(func(t *testing.T, s string) {
		for _, c := range []struct {
			f      DateFormat
			layout string
		}{{iso, "2006-01-02"}, {compact, "20060102"}} {
			got, err := c.f.Parse(s)
			want, werr := timeParseStrict(c.layout, s)
			if (err == nil) != (werr == nil) {
				t.Fatalf("%s %q: fast path error %v, time.Parse error %v", c.f, s, err, werr)
			}
			if err == nil && !got.Equal(want) {
				t.Fatalf("%s %q: %v, time.Parse %v", c.f, s, got, want)
			}
		}
		rfc.Parse(s)
	})
}

// timeParseStrict is time.Parse, except that where the layout has a digit
// the input must too (time.Parse would accept a sign, e.g. year "-997").
func timeParseStrict(layout, s string) (time.Time, error) {
	if len(s) != len(layout) {
		return time.Time{}, errDateSyntax
	}
	for i := 0; i < len(layout); i++ {
		if layout[i] >= '0' && layout[i] <= '9' && (s[i] < '0' || s[i] > '9') {
			return time.Time{}, errDateSyntax
		}
	}
	return time.Parse(layout, s)
}

// FuzzFastCSV checks the fast delimited-record reader against encoding/csv
// on the same bytes: same records, same line numbers, same errors, with
// chunk sizes small enough to split lines and grow the buffer.
func FuzzFastCSV(f *testing.F) {
	f.Add("id,date,amount\r\n7,2024-01-01,1.5\r\n\r\n\n7,,2\r", uint8(0), uint8(5))
	f.Add("a,b\n\"q\nq\",c\nd,e\nf\"g,h\ni,j", uint8(0), uint8(3))
	f.Add("a;b\r\r\n;;\n\"\";x\"\n", uint8(1), uint8(1))
	f.Add("x\ty\n\"unterminated\n", uint8(2), uint8(64))
	f.Fuzz(func(t *testing.T, in string, d, chunk uint8) {
		delim := []byte{',', ';', '\t', '|', ' '}[int(d)%5]
		want := drainRecords(t, &recordFunc{f: csvRecords(strings.NewReader(in), rune(delim), 0)})
		fc := newFastCSV(strings.NewReader(in), delim)
		fc.chunk = 1 + int(chunk)%300
		got := drainRecords(t, fc)
		if got != want {
			t.Fatalf("input %q delimiter %q chunk %d:\nfast     %s\nencoding %s", in, delim, fc.chunk, got, want)
		}
	})
}

// drainRecords reads src to its end (or first error) and describes every
// record as line:fields, and the error.
func drainRecords(t *testing.T, src recordSource) string {
	var out strings.Builder
	var buf []byte
	for range 100000 {
		buf = src.load(buf)
		for {
			rec, line, err := src.next()
			if err == errChunkEnd {
				break
			}
			if err != nil {
				fmt.Fprintf(&out, "error %d: %v", line, err)
				return out.String()
			}
			fmt.Fprintf(&out, "%d:%q ", line, rec)
		}
	}
	t.Fatal("no end")
	return ""
}

// FuzzParseAmount checks the decimal fast path against strconv.ParseFloat:
// the same bits and the same error.
func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"29.33", "-0", "-0.00", "+1.", ".5", "123456789012345", "1234567890123456", "0.000000000000001", "1e5", "inf", "1_0", "", "-", ".", "9007199254740993"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseAmount(s)
		want, werr := strconv.ParseFloat(s, 64)
		if math.Float64bits(got) != math.Float64bits(want) || fmt.Sprint(err) != fmt.Sprint(werr) {
			t.Fatalf("%q: %v (%b) %v, strconv %v (%b) %v", s, got, math.Float64bits(got), err, want, math.Float64bits(want), werr)
		}
	})
}

// FuzzDecimalKey checks the CSV reader's fast path for plain amounts:
// decimalKey on parseDecimal's reading gives the log key and packed
// amount that rowKey gives for the parsed float64 (−0 read as 0).
func FuzzDecimalKey(f *testing.F) {
	for _, s := range []string{"29.33", "-0", "-0.00", "+1.", ".5", "12.50", "-12.500", "123456789012345", "140737488355327", "140737488355328", "-1407374883553.280", "0.000000000000001", "100", "-7"} {
		f.Add(s, int32(18000))
	}
	f.Fuzz(func(t *testing.T, s string, day int32) {
		day %= 1 << 20
		m, frac, neg, ok := parseDecimal(s)
		if !ok {
			return
		}
		a, err := parseAmount(s)
		if err != nil {
			t.Fatalf("%q: fast path, but parseAmount: %v", s, err)
		}
		if a == 0 {
			a = 0
		}
		gk, gv := decimalKey(day, m, frac, neg)
		wk, wv := rowKey(day, a)
		if gk != wk || gv != wv {
			t.Fatalf("%q day %d: decimalKey %d %#x, rowKey %d %#x", s, day, gk, gv, wk, wv)
		}
	})
}

// FuzzAmountFormat parses arbitrary text in every amount format: never a
// panic, never NaN or an infinity from a grouped format, and a grouped
// value written back in its format (groups, currency, parentheses) reads
// as the same float64 and currency.
func FuzzAmountFormat(f *testing.F) {
	for _, s := range []string{"$1,234.50", "1.234,56 €", "1\u00a0234,56 kr", "(81.27)", "81.27-", "-$5", "1e5", "USD 12", "", "(", "-", "1,23", "12345678901234567890.5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, name := range AmountFormatNames() {
			af, _ := ParseAmountFormat(name)
			v, cur, err := af.Parse(s)
			if err != nil || af.Plain() {
				continue
			}
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("%s: %q = %v", name, s, v)
			}
			back := renderAmount(v, name, cur)
			w, cur2, err := af.Parse(back)
			if err != nil || math.Float64bits(w) != math.Float64bits(v) && !(v == 0 && w == 0) || cur2 != cur {
				t.Fatalf("%s: %q = %v %q; written back %q = %v %q %v", name, s, v, cur, back, w, cur2, err)
			}
		}
	})
}

// renderAmount writes v in the grouped format name with a currency after
// it and negatives in parentheses.
func renderAmount(v float64, name, cur string) string {
	group, dec := ",", "."
	switch name {
	case AmountDotComma:
		group, dec = ".", ","
	case AmountSpaceComma:
		group, dec = "\u00a0", ","
	}
	digits := strconv.FormatFloat(math.Abs(v), 'f', -1, 64)
	intPart, frac, _ := strings.Cut(digits, ".")
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteString(dec + frac)
	}
	out := b.String()
	if cur != "" {
		out += " " + cur
	}
	if v < 0 {
		out = "(" + out + ")"
	}
	return out
}

// FuzzParseCommon checks the CSV reader's path for common rows against
// the general one: whenever parseCommon takes a record, parseRow gives
// the same row (with the date cache warm or not).
func FuzzParseCommon(f *testing.F) {
	for _, s := range [][3]string{{"0a1b2c3d", "2024-02-29", "12.50"}, {"0001", "2024-02-30", "-5"}, {"42", " 2024-01-01 ", "-0.00"},
		{"é", "2024-01-01", "1"}, {"a", "20240101", "1e5"}, {"abcdefghijklmnopq", "2024-01-01", "140737488355328"}} {
		f.Add(s[0], s[1], s[2], uint8(0))
	}
	ids := newIDTable()
	parsers := map[uint8]*rowParser{}
	f.Fuzz(func(t *testing.T, id, day, amount string, mode uint8) {
		mode %= 3
		p := parsers[mode]
		if p == nil {
			df, err := ParseDateFormat([]string{"YYYY-MM-DD", "YYYYMMDD", "DD/MM/YYYY"}[mode])
			if err != nil {
				t.Fatal(err)
			}
			p = &rowParser{cols: columnSet{customer: column{idx: 0}, date: column{idx: 1}, amount: column{idx: 2}}, df: df, width: 3, ids: ids.hasher()}
			parsers[mode] = p
		}
		rec := []string{id, day, amount}
		for range 2 { // the second time, the date from the cache
			var got parsedRow
			if !p.parseCommon(&got, rec) {
				return
			}
			if want := p.parseRow(rec, 1); !reflect.DeepEqual(got, want) {
				t.Fatalf("%q: parseCommon %+v, parseRow %+v", rec, got, want)
			}
		}
	})
}
