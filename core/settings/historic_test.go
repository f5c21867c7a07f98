package settings

import (
	"errors"
	"strings"
	"testing"
)

// TestHistoricValue: output.historic_value turns on score.Options'
// HistoricValue, makes historic_plus_clv a column later columns may read,
// and is refused under its key without the spend model or with a summary
// input.
func TestHistoricValue(t *testing.T) {
	s := valid(t)
	s.Formulas = []Formula{{Name: "per_order", Expr: "historic_plus_clv / (frequency + 1)"}}
	_, o, err := s.Options()
	if err != nil {
		t.Fatal(err)
	}
	if o.HistoricValue {
		t.Error("historic_value left out: HistoricValue on")
	}
	if err := CheckColumns(o); err == nil || !strings.Contains(err.Error(), "historic_plus_clv") {
		t.Errorf("a formula reading historic_plus_clv with the key off: %v", err)
	}
	s.Output.HistoricValue = true
	if _, o, err = s.Options(); err != nil || !o.HistoricValue {
		t.Fatalf("historic_value = true: %v, HistoricValue %v", err, o.HistoricValue)
	}
	if err := CheckColumns(o); err != nil {
		t.Errorf("a formula reading historic_plus_clv with the key on: %v", err)
	}
	for _, tc := range []struct {
		edit func(*Settings)
		msg  string
	}{
		{func(s *Settings) { s.Model.Spend = "none"; s.Tiers.Column = "expected_purchases" }, `needs model.spend = "gammagamma"`},
		{func(s *Settings) { s.Input.Kind = KindSummary }, "a per-customer summary"},
	} {
		s := valid(t)
		s.Output.HistoricValue = true
		tc.edit(&s)
		var ke *KeyError
		if err := s.Validate(); !errors.As(err, &ke) || ke.Key != "output.historic_value" || !strings.Contains(ke.Msg, tc.msg) {
			t.Errorf("got %v, want output.historic_value: ...%s...", err, tc.msg)
		}
	}
}
