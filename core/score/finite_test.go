package score

import (
	"context"
	"math"
	"strings"
	"testing"
)

// TestScoreRejectsNonFiniteMonetary: a customer handed to Score with an
// infinite or NaN monetary value (the library API, or a summary built
// elsewhere) is an error naming the customer, not "row 25" of an internal
// table nor an empty cell.
func TestScoreRejectsNonFiniteMonetary(t *testing.T) {
	for _, bad := range []float64{math.Inf(1), math.Inf(-1), math.NaN()} {
		cs := cdnow(t)
		cs[24].Monetary = bad
		_, err := Score(context.Background(), cs, cdnowOptions())
		want := `customer "` + cs[24].ID + `": monetary value `
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("monetary %v: error %v, want it to contain %q", bad, err, want)
		}
	}
}

// TestCheckFinite: the last check of Score names the first customer, in
// output order, with a non-finite value in any numeric column.
func TestCheckFinite(t *testing.T) {
	r := &Result{
		IDs: []string{"a", "b", "c"},
		Columns: []Column{
			{Name: "segment", Labels: []string{"x", "y", "z"}},
			{Name: "p_alive", Floats: []float64{0.5, 0.25, math.NaN()}},
			{Name: "clv", Floats: []float64{1, math.Inf(1), 3}},
		},
	}
	err := r.checkFinite()
	if want := `customer "b": column "clv" is +Inf, not a finite number`; err == nil || err.Error() != want {
		t.Errorf("checkFinite = %v, want %s", err, want)
	}
	r.Columns[2].Floats[1] = 2
	r.Columns[1].Floats[2] = 0.75
	if err := r.checkFinite(); err != nil {
		t.Errorf("all finite: checkFinite = %v", err)
	}
}
