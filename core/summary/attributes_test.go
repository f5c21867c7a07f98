package summary

import (
	"errors"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// attrLog is a log with a channel and a country column. By hand:
//
//	1: first purchase 2024-01-02 (ads, UK); later "email" → channel changed.
//	2: two rows on 2024-01-05: the first in file order (web) wins; the
//	   second says "shop" → changed; a return on 2024-01-01 does not count
//	   as the first purchase.
//	3: the earliest row is after the observation end: its "tv" is ignored,
//	   so 3's first purchase (2024-01-10, blank channel) gives "unknown".
//	4: left out by the where rule on its first row (country "XX"), so its
//	   first kept row (2024-01-09, email) counts.
const attrLog = `customer,date,amount,channel,country
1,2024-01-20,5,email,UK
1,2024-01-02,10,ads,UK
2,2024-01-05,7,web,FR
2,2024-01-01,-3,tv,FR
2,2024-01-05,8,shop,FR
3,2024-02-10,4,tv,DE
3,2024-01-10,4, ,DE
4,2024-01-03,1,ads,XX
4,2024-01-09,2,email,DE
`

func readAttrLog(t *testing.T, log string, opt Options, rules RowRules) Summary {
	t.Helper()
	b, err := NewBuilder(opt)
	if err != nil {
		t.Fatal(err)
	}
	if err := ReadCSV(strings.NewReader(log), CSVOptions{Header: true,
		Columns: Columns{Customer: "customer", Date: "date", Amount: "amount"}, Rules: rules}, b); err != nil {
		t.Fatal(err)
	}
	s, err := b.Summary()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestAttributesFirstPurchase(t *testing.T) {
	opt := Options{ObservationEnd: date("2024-01-31"), Attributes: []string{"channel", "country"}}
	s := readAttrLog(t, attrLog, opt, RowRules{Where: `country != "XX"`})
	a := s.Attributes
	if a == nil {
		t.Fatal("no attributes")
	}
	ch, err := a.Column("channel")
	if err != nil {
		t.Fatal(err)
	}
	co, _ := a.Column("country")
	if want := []string{"ads", "web", "unknown", "email"}; !reflect.DeepEqual(ch, want) {
		t.Errorf("channel = %q, want %q", ch, want)
	}
	if want := []string{"UK", "FR", "DE", "DE"}; !reflect.DeepEqual(co, want) {
		t.Errorf("country = %q, want %q", co, want)
	}
	// Changed: 1 (ads, email) and 2 (web, tv, shop); 3's "tv" is after
	// the end and 4's "ads" filtered out. Blank: 3.
	if want := []int{2, 0}; !reflect.DeepEqual(a.Report.Changed, want) {
		t.Errorf("changed = %v, want %v", a.Report.Changed, want)
	}
	if want := []int{1, 0}; !reflect.DeepEqual(a.Report.Blank, want) {
		t.Errorf("blank = %v, want %v", a.Report.Blank, want)
	}
	if want := []string{"ads", "email", "unknown", "web"}; !reflect.DeepEqual(a.Levels[0], want) {
		t.Errorf("levels = %q, want sorted %q", a.Levels[0], want)
	}
	if a.Report.Source != "transactions" || a.Report.Customers != 4 {
		t.Errorf("report = %+v", a.Report)
	}
}

// TestAttributesOrder: Add with the rows shuffled gives the same values
// as long as rows of one customer and date keep their relative order (the
// tie rule is file order).
func TestAttributesOrder(t *testing.T) {
	opt := Options{ObservationEnd: date("2024-12-31"), Attributes: []string{"ch"}}
	var rows []row
	rng := rand.New(rand.NewPCG(1, 2))
	chans := []string{"a", "b", "c"}
	for i := range 300 {
		id := string(rune('A' + i%26))
		rows = append(rows, row{id + strings.Repeat("x", i%3), "2024-0" + string(rune('1'+rng.IntN(9))) + "-1" + string(rune('0'+rng.IntN(9))), chans[rng.IntN(3)]})
	}
	run := func(rows []row) []string {
		b, _ := NewBuilder(opt)
		for _, r := range rows {
			if err := b.Add(Transaction{Customer: r.id, Time: date(r.day), Amount: 1, Attributes: []string{r.ch}}); err != nil {
				t.Fatal(err)
			}
		}
		s, err := b.Summary()
		if err != nil {
			t.Fatal(err)
		}
		c, _ := s.Attributes.Column("ch")
		return c
	}
	want := run(rows)
	// By hand: the value of the first row of the smallest date.
	first := map[string]row{}
	for _, r := range rows {
		if f, ok := first[r.id]; !ok || r.day < f.day {
			first[r.id] = r
		}
	}
	s := summarizeIDs(rows, func(r row) string { return r.id })
	for i, id := range s {
		if want[i] != first[id].ch {
			t.Fatalf("customer %s: %s, want %s", id, want[i], first[id].ch)
		}
	}
	// A stable shuffle by date keeps ties in order.
	shuf := append([]row(nil), rows...)
	rng.Shuffle(len(shuf), func(i, j int) { shuf[i], shuf[j] = shuf[j], shuf[i] })
	if got := run(reorderTies(rows, shuf)); !reflect.DeepEqual(got, want) {
		t.Errorf("shuffled rows give other values")
	}
}

type row struct{ id, day, ch string }

// reorderTies returns shuf with the rows of each (id, day) in their order
// in rows.
func reorderTies(rows, shuf []row) []row {
	type key struct{ id, day string }
	queue := map[key][]string{}
	for _, r := range rows {
		k := key{r.id, r.day}
		queue[k] = append(queue[k], r.ch)
	}
	out := make([]row, len(shuf))
	for i, r := range shuf {
		k := key{r.id, r.day}
		out[i] = r
		out[i].ch = queue[k][0]
		queue[k] = queue[k][1:]
	}
	return out
}

func summarizeIDs[T any](rows []T, id func(T) string) []string {
	seen := map[string]bool{}
	var ids []string
	for _, r := range rows {
		if !seen[id(r)] {
			seen[id(r)] = true
			ids = append(ids, id(r))
		}
	}
	SortIDs(ids)
	return ids
}

func TestAttributesErrors(t *testing.T) {
	opt := Options{ObservationEnd: date("2024-01-31"), Attributes: []string{"channel"}}
	b, _ := NewBuilder(opt)
	err := ReadCSV(strings.NewReader("customer,date\n1,2024-01-01\n"), CSVOptions{Header: true, Columns: Columns{Customer: "customer", Date: "date"}}, b)
	if err == nil || !strings.Contains(err.Error(), `attribute column "channel": not in the header`) {
		t.Errorf("missing column: %v", err)
	}
	b, _ = NewBuilder(opt)
	err = ReadCSV(strings.NewReader("customer,date,channel\n1,2024-01-01,a\n7,2024-01-02,\xff\n"), CSVOptions{Header: true, Columns: Columns{Customer: "customer", Date: "date"}}, b)
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Line != 3 || pe.Customer != "7" || pe.Column != "channel" {
		t.Errorf("bad value: %v", err)
	}
	b, _ = NewBuilder(opt)
	if err := b.Add(Transaction{Customer: "1", Time: date("2024-01-01")}); err == nil || !strings.Contains(err.Error(), "0 attribute values, want 1") {
		t.Errorf("Add without values: %v", err)
	}
	if _, err := NewBuilder(Options{ObservationEnd: date("2024-01-31"), Attributes: []string{"a", "a"}}); err == nil {
		t.Error("a repeated attribute is accepted")
	}
}

// TestAttributesNone: without attributes the summary has none.
func TestAttributesNone(t *testing.T) {
	s := readAttrLog(t, attrLog, Options{ObservationEnd: date("2024-01-31")}, RowRules{})
	if s.Attributes != nil {
		t.Errorf("attributes = %+v", s.Attributes)
	}
}
