package group

import (
	"context"
	"math"
	"testing"

	"github.com/clvkit/clvkit/core/model"
	"github.com/clvkit/clvkit/core/score"
	"github.com/clvkit/clvkit/core/summary"
)

// TestFromScores: the columns of a real scoring reach the Customers, the
// expected spend over the horizon is expected_purchases × expected_spend,
// revenue comes from the summaries, and customers without values are
// Unknown.
func TestFromScores(t *testing.T) {
	var cs []summary.Customer
	// 40 customers with varied histories (weeks); revenue = (frequency + 1) × monetary.
	for i := range 40 {
		f := i % 5
		m := 10 + float64(i%7)*3
		rec := 0.0
		if f > 0 {
			rec = float64(5 + i%20)
		}
		cs = append(cs, summary.Customer{ID: string(rune('a'+i%26)) + string(rune('A'+i/26)), Frequency: f, Recency: rec, T: 30, Monetary: m, Revenue: float64(f+1) * m})
	}
	res, err := score.Score(context.Background(), cs, score.Options{Spend: true, CLV: model.CLVOptions{Months: 12, Margin: 0.5, AnnualDiscountRate: 0.1, DaysPerUnit: 7}})
	if err != nil {
		t.Fatal(err)
	}
	values := map[string][]string{"aA": {"email"}}
	got, err := FromScores(res, cs, values, 1)
	if err != nil {
		t.Fatal(err)
	}
	col := func(name string) []float64 { c, _ := res.Column(name); return c.Floats }
	rev := map[string]float64{}
	for _, c := range cs {
		rev[c.ID] = c.Revenue
	}
	for i, c := range got {
		if c.ID != res.IDs[i] || c.CLV != col("clv")[i] || c.PAlive != col("p_alive")[i] || c.ExpectedPurchases != col("expected_purchases")[i] ||
			c.ExpectedSpend != col("expected_purchases")[i]*col("expected_spend")[i] || c.Revenue != rev[c.ID] || !math.IsNaN(c.Cost) {
			t.Fatalf("customer %d = %+v", i, c)
		}
		want := Unknown
		if c.ID == "aA" {
			want = "email"
		}
		if c.Values[0] != want {
			t.Errorf("customer %s: value %q, want %q", c.ID, c.Values[0], want)
		}
	}
	if _, err := FromScores(res, cs[1:], values, 1); err == nil {
		t.Error("a scored customer without a summary gave no error")
	}
	noSpend, err := score.Score(context.Background(), cs, score.Options{CLV: model.CLVOptions{Months: 12, Margin: 0.5, DaysPerUnit: 7}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := FromScores(noSpend, cs, values, 1); err == nil {
		t.Error("scores without CLV gave no error")
	}
}
