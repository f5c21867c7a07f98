package score

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"
)

// TestHistoricValue: historic_plus_clv is the margin to date plus the
// model CLV, placed right after clv; the other columns are those of a run
// without it, value for value.
func TestHistoricValue(t *testing.T) {
	cs := cdnow(t)
	off, err := Score(context.Background(), cs, cdnowOptions())
	if err != nil {
		t.Fatal(err)
	}
	o := cdnowOptions()
	o.HistoricValue = true
	on, err := Score(context.Background(), cs, o)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range on.Columns {
		if c.Name != HistoricValueColumn {
			names = append(names, c.Name)
		}
	}
	var offNames []string
	for _, c := range off.Columns {
		offNames = append(offNames, c.Name)
	}
	if !slices.Equal(names, offNames) {
		t.Fatalf("columns %v, want %v and historic_plus_clv", names, offNames)
	}
	for _, c := range off.Columns {
		g, _ := on.Column(c.Name)
		if !slices.Equal(g.Floats, c.Floats) || !slices.Equal(g.Labels, c.Labels) {
			t.Errorf("column %s changed with the historic value on", c.Name)
		}
	}
	i := slices.IndexFunc(on.Columns, func(c Column) bool { return c.Name == "clv" })
	if on.Columns[i+1].Name != HistoricValueColumn {
		t.Fatalf("column after clv is %s", on.Columns[i+1].Name)
	}
	h, clv := on.Columns[i+1].Floats, on.Columns[i].Floats
	// CDNOW_sample.txt to 1997-09-30, margin 0.3: customer 0001 bought
	// 29.33 + 29.73 + 14.96 = 74.02 (22.206 margin), 0002 63.34 + 11.77 =
	// 75.11 (22.533).
	for id, margin := range map[string]float64{"0001": 0.3 * 74.02, "0002": 0.3 * 75.11} {
		k := slices.Index(on.IDs, id)
		if k < 0 {
			t.Fatalf("no customer %s", id)
		}
		if want := margin + clv[k]; math.Abs(h[k]-want) > 1e-9 {
			t.Errorf("customer %s: historic_plus_clv %v, want %v + clv %v = %v", id, h[k], margin, clv[k], want)
		}
	}
	for k := range h {
		if h[k] < clv[k] {
			t.Fatalf("customer %s: historic_plus_clv %v below clv %v (no returns: the margin to date is ≥ 0)", on.IDs[k], h[k], clv[k])
		}
	}
}

func TestHistoricValueNeeds(t *testing.T) {
	cs := cdnow(t)
	for _, tc := range []struct {
		edit func(*Options)
		want string
	}{
		{func(o *Options) { o.Spend, o.TierColumn = false, "" }, "the historic_plus_clv column needs the spend model"},
		{func(o *Options) { o.SummaryInput = true }, "the historic_plus_clv column needs a transaction log"},
	} {
		o := cdnowOptions()
		o.HistoricValue = true
		tc.edit(&o)
		if _, err := Score(context.Background(), cs, o); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("got %v, want %q", err, tc.want)
		}
	}
}
