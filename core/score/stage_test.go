package score

import (
	"context"
	"slices"
	"testing"
)

// TestOnStage: Score reports its stages in order, the spend fit only when
// there is one.
func TestOnStage(t *testing.T) {
	cs := cdnow(t)
	for _, tt := range []struct {
		spend bool
		want  []Stage
	}{
		{true, []Stage{StageFitPurchase, StageFitSpend, StageScore}},
		{false, []Stage{StageFitPurchase, StageScore}},
	} {
		var got []Stage
		o := cdnowOptions()
		o.Spend, o.OnStage = tt.spend, func(s Stage) { got = append(got, s) }
		if !tt.spend {
			o.TierColumn = "" // tiers are cut on clv, which needs spend
		}
		if _, err := Score(context.Background(), cs, o); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("spend %v: stages %v, want %v", tt.spend, got, tt.want)
		}
	}
}
