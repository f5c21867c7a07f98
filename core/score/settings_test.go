package score

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/core/summary"
)

// TestScoreRejectsColumnNamesFirst checks that an extra column named like a
// built-in column, or like another extra column, is an error before
// anything else: the one customer here has recency > T, which the row
// check would report if the names were checked later (formerly they were
// checked only when the column was computed, after the fits, and a column
// named segment or tier was not caught at all).
func TestScoreRejectsColumnNamesFirst(t *testing.T) {
	bad := []summary.Customer{{ID: "c1", Frequency: 1, Recency: 9, T: 2, Monetary: 10}}
	expr := func(name string) Columner {
		e, err := NewExpression(name, "clv * 2")
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	for _, tc := range []struct {
		name string
		cols []Columner
		want string
	}{
		{"segment", []Columner{expr("segment")}, `column "segment" is a built-in column`},
		{"tier", []Columner{expr("tier")}, `column "tier" is a built-in column`},
		{"customer_id", []Columner{expr("customer_id")}, `column "customer_id" is a built-in column`},
		{"clv", []Columner{expr("clv")}, `column "clv" is a built-in column`},
		{"twice", []Columner{expr("x"), expr("x")}, `column "x" is computed twice`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := cdnowOptions()
			o.Columns = tc.cols
			_, err := Score(context.Background(), bad, o)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
	for _, name := range ReservedColumns() {
		if CheckColumnName(name) == nil {
			t.Errorf("CheckColumnName(%q) = nil", name)
		}
	}
	if err := CheckColumnName("contribution"); err != nil {
		t.Errorf("CheckColumnName(contribution) = %v", err)
	}
}

// TestReservedColumnsCoverOutput checks that ReservedColumns names every
// column Score writes with the spend model, tiers, explanations and the
// historic value on.
func TestReservedColumnsCoverOutput(t *testing.T) {
	o := cdnowOptions()
	o.Spend, o.TierColumn, o.Explain, o.HistoricValue = true, "clv", true, true
	res, err := Score(context.Background(), cdnow(t), o)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range res.Columns {
		if !slices.Contains(ReservedColumns(), c.Name) {
			t.Errorf("Score writes %q, which ReservedColumns lacks", c.Name)
		}
	}
	if len(res.Columns)+1 != len(ReservedColumns()) {
		t.Errorf("Score writes %d columns + customer_id, ReservedColumns has %d", len(res.Columns), len(ReservedColumns()))
	}
}
