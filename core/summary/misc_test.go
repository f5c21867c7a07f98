package summary

import (
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"
)

func itoa(i int) string     { return strconv.Itoa(i) }
func ftoa(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

func TestSortIDs(t *testing.T) {
	for _, tt := range []struct{ in, want []string }{
		{[]string{"10", "9", "0010", "1", "007"}, []string{"1", "007", "9", "0010", "10"}},
		{[]string{"10", "9", "a"}, []string{"10", "9", "a"}},
		{[]string{"123456789012345678901", "99"}, []string{"99", "123456789012345678901"}},
		{nil, nil},
	} {
		got := slices.Clone(tt.in)
		SortIDs(got)
		if !slices.Equal(got, tt.want) {
			t.Errorf("SortIDs(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDateFormats(t *testing.T) {
	for _, tt := range []struct{ format, in, want, err string }{
		{"", "1997-01-08", "1997-01-08", ""},
		{"YYYYMMDD", "19970108", "1997-01-08", ""},
		{"YYYYMMDD", "20240229", "2024-02-29", ""},
		{"YYYYMMDD", "20230229", "", "day out of range"},
		{"YYYY-MM-DD", "1997-13-01", "", "month out of range"},
		{"YYYY-MM-DD", "1997-1-08", "", "not a date"},
		{"RFC3339", "1997-01-08T23:00:00-08:00", "1997-01-08", ""},
		{"2006-01-02 15:04:05", "1997-01-08 00:00:00", "1997-01-08", ""},
		{"01/02/2006", "12/31/1999", "1999-12-31", ""},
		{"YYYY-MM-DD", "1969-12-31", "1969-12-31", ""},
	} {
		f, err := ParseDateFormat(tt.format)
		if err != nil {
			t.Fatal(err)
		}
		got, err := f.Parse(tt.in)
		if tt.err != "" {
			if err == nil || !contains(err.Error(), tt.err) {
				t.Errorf("%s %q: error %v, want %q", tt.format, tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || got.Format(time.DateOnly) != tt.want {
			t.Errorf("%s %q = %v, %v; want %s", tt.format, tt.in, got, err, tt.want)
		}
	}
	if _, err := ParseDateFormat("15:04"); err == nil {
		t.Error("a layout without a date was accepted")
	}
}

func contains(s, sub string) bool {
	return len(sub) == 0 || (len(s) >= len(sub) && (s[:len(sub)] == sub || contains(s[1:], sub)))
}

func TestCivilRoundTrip(t *testing.T) {
	for d := int64(-800_000); d < 800_000; d += 7 {
		y, m, dd := civilFromDays(d)
		if daysFromCivil(y, m, dd) != d {
			t.Fatalf("day %d", d)
		}
		if want := time.Unix(d*86400, 0).UTC(); want.Year() != y || int(want.Month()) != m || want.Day() != dd {
			t.Fatalf("day %d: %d-%d-%d, want %v", d, y, m, dd, want)
		}
	}
	for _, g := range []Grain{Day, Week, Month} {
		for d := int32(-1000); d < 1000; d++ {
			p := g.period(d)
			if s := g.periodStart(p); s > d || g.period(s) != p || g.period(s-1) != p-1 {
				t.Fatalf("%v day %d: period %d start %d", g, d, p, s)
			}
		}
	}
}

func TestParseGrainUnit(t *testing.T) {
	for in, want := range map[string]Grain{"day": Day, "W": Week, "months": Month} {
		if g, err := ParseGrain(in); err != nil || g != want {
			t.Errorf("ParseGrain(%q) = %v, %v", in, g, err)
		}
	}
	for in, want := range map[string]float64{"day": 1, "weeks": 7, "month": 30.4375, "14d": 14, "2.5d": 2.5} {
		if u, err := ParseUnit(in); err != nil || u.Days != want {
			t.Errorf("ParseUnit(%q) = %v, %v", in, u, err)
		}
	}
	for _, in := range []string{"", "0d", "-3d", "fortnight", "infd"} {
		if _, err := ParseUnit(in); err == nil {
			t.Errorf("ParseUnit(%q): no error", in)
		}
	}
	if _, err := ParseGrain("year"); err == nil {
		t.Error("ParseGrain(year): no error")
	}
}

// TestIDTable adds many text ids (with some integer ones among them) in
// two passes, so the id table grows and then finds every id again.
func TestIDTable(t *testing.T) {
	b, err := NewBuilder(Options{ObservationEnd: date("2021-12-31")})
	if err != nil {
		t.Fatal(err)
	}
	const n = 50_000
	id := func(k int) string {
		switch k % 3 {
		case 1:
			return fmt.Sprintf("%08x-%d", uint32(k)*2654435761, k%7) // longer than a slot's prefix
		case 2:
			return fmt.Sprintf("%x", k) // shorter, possibly an integer
		}
		return fmt.Sprintf("%08x", uint32(k)*2654435761)
	}
	for pass := range 2 {
		for k := range n {
			if err := b.Add(Transaction{Customer: id(k), Time: date("2021-01-01").AddDate(0, 0, pass), Amount: 1}); err != nil {
				t.Fatal(err)
			}
		}
	}
	s, err := b.Summary()
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Customers) != n {
		t.Fatalf("%d customers, want %d", len(s.Customers), n)
	}
	for i, c := range s.Customers {
		if c.Orders != 2 || c.Frequency != 1 {
			t.Fatalf("customer %d (%s): %d orders, frequency %d", i, c.ID, c.Orders, c.Frequency)
		}
		if i > 0 && s.Customers[i-1].ID >= c.ID {
			t.Fatalf("ids out of order: %s then %s", s.Customers[i-1].ID, c.ID)
		}
	}
}
