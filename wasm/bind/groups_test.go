package bind

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/internal/testgen"
)

func channelSession(t *testing.T) *Session {
	t.Helper()
	var s Session
	ins := s.Load([]byte(testgen.ChannelsCSV(300)))
	st := NewSettings(ins, "2024-12-31")
	st.Margin = 0.3
	if _, err := s.Score(context.Background(), st, nil); err != nil {
		t.Fatal(err)
	}
	return &s
}

func TestAttributeColumns(t *testing.T) {
	s := channelSession(t)
	got, err := s.AttributeColumns()
	if err != nil {
		t.Fatal(err)
	}
	// store is numbers only, order_id has a value per row.
	if len(got) != 1 || got[0].Column != "channel" || got[0].Levels != 3 || got[0].Blank != 1 {
		t.Errorf("AttributeColumns = %+v, want channel with 3 levels and 1 blank", got)
	}
}

// TestGroupsAddUpToScores: the groups' CLV totals add up to the total
// row, which is the sum of the clv column of the page's download, digit
// for digit (summed here in integer millionths, the download's 6
// decimals).
func TestGroupsAddUpToScores(t *testing.T) {
	s := channelSession(t)
	v, err := s.Groups(GroupSettings{Column: "channel"})
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(s.CSV(-1))), "\n")
	col := indexOf(strings.Split(lines[0], ","), "clv")
	var want int64
	for _, l := range lines[1:] {
		want += millionths(t, strings.Split(l, ",")[col])
	}
	var groups int64
	n := 0
	for _, g := range v.Groups {
		groups += millionths(t, g.CLV)
		n += g.Customers
	}
	if got := millionths(t, v.Total.CLV); got != want || groups != want {
		t.Errorf("total CLV %s, Σ groups %d, Σ download %d (millionths)", v.Total.CLV, groups, want)
	}
	if n != 300 || v.Total.Customers != 300 {
		t.Errorf("customers: Σ groups %d, total %d, want 300", n, v.Total.Customers)
	}
	var names []string
	for _, g := range v.Groups {
		names = append(names, g.Name)
	}
	// Email buyers buy most; customer 11's first order has no channel.
	if strings.Join(names, ",") != "email,paid_search,social,unknown" {
		t.Errorf("groups %v", names)
	}
	if v.Changed != 1 || v.Blank != 1 || v.Precision != 6 || v.HorizonMonths != 12 || float64(v.Margin) != 0.3 || v.MinCustomers != 30 {
		t.Errorf("view %+v", v)
	}
	last := v.Groups[len(v.Groups)-1]
	if last.Customers != 1 || !last.TooSmall || v.Groups[0].TooSmall {
		t.Errorf("unknown group %+v: want 1 customer, too small", last)
	}
}

func TestGroupsCosts(t *testing.T) {
	s := channelSession(t)
	v, err := s.Groups(GroupSettings{Column: "channel", Costs: []CostInput{
		{Group: "email", Spend: "300", NewCustomers: "10"},
		{Group: "paid_search", Spend: "1000", NewCustomers: "abc"},
		{Group: "social", Spend: "-5", NewCustomers: "0"}, // both refused
		{Group: "unknown"}, // blank: no cost
	}})
	if err != nil {
		t.Fatal(err)
	}
	email := v.Groups[0]
	if email.Cost == nil || email.Cost.CAC != 30 || email.Cost.LTVToCAC != email.MeanCLV/30 || email.Cost.MaxCAC != email.MeanCLV/3 {
		t.Errorf("email cost %+v (mean CLV %v), want CAC 30, LTV:CAC mean/30, max mean/3", email.Cost, email.MeanCLV)
	}
	if v.Groups[1].Cost != nil || v.Groups[2].Cost != nil {
		t.Error("groups with bad costs got a cost")
	}
	want := []CostError{
		{Group: "paid_search", Field: "newCustomers", Message: "want a whole number of customers from 1 to 10^12"},
		{Group: "social", Field: "spend", Message: "want an amount from 0 to 1e+15"},
		{Group: "social", Field: "newCustomers", Message: "want a whole number of customers from 1 to 10^12"},
	}
	if fmt.Sprint(v.CostErrors) != fmt.Sprint(want) {
		t.Errorf("cost errors %+v, want %+v", v.CostErrors, want)
	}
	if _, err := s.Groups(GroupSettings{Column: "nope"}); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("unknown column: error %v", err)
	}
}

func millionths(t *testing.T, s string) int64 {
	t.Helper()
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) != 6 {
		t.Fatalf("%q: want 6 decimals", s)
	}
	v, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
