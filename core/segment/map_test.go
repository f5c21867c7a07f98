package segment

import (
	"math"
	"reflect"
	"strings"
	"testing"
)

// valueRules mixes RFM scores and caller columns.
var valueRules = []Rule{
	{"VIP", "clv > 1000 && r >= 4"},
	{"Slipping VIP", "clv > 1000 && p_alive < 0.3"},
	{"Active", "r in 4..5"},
	{"Lapsed", "r <= 2 && fm >= 3"},
}

func TestMapSegment(t *testing.T) {
	m, err := NewMap(valueRules, "Other")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := m.Columns(), []string{"clv", "p_alive"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Columns() = %v, want %v", got, want)
	}
	cols := func(clv, pAlive float64) func(string) (float64, bool) {
		return func(name string) (float64, bool) {
			switch name {
			case "clv":
				return clv, true
			case "p_alive":
				return pAlive, true
			}
			return 0, false
		}
	}
	for _, tt := range []struct {
		code       string
		clv, alive float64
		want       string
	}{
		{"511", 2000, 0.9, "VIP"},
		{"511", 1000, 0.9, "Active"},       // clv > 1000 is strict
		{"211", 5000, 0.1, "Slipping VIP"}, // r too low for VIP
		{"211", 5000, 0.3, "Other"},        // p_alive < 0.3 strict; fm = 1
		{"133", 10, 0.5, "Lapsed"},         // fm = 3
		{"124", 10, 0.5, "Lapsed"},         // fm = 3
		{"123", 10, 0.5, "Other"},          // fm = 2.5
		{"511", math.NaN(), 0.9, "Active"}, // NaN fails clv > 1000
		{"311", 0, 0, "Other"},
	} {
		c, _ := ParseCode(tt.code)
		got, err := m.Segment(c, cols(tt.clv, tt.alive))
		if err != nil || got != tt.want {
			t.Errorf("Segment(%s, clv=%v, p_alive=%v) = %q, %v; want %q", tt.code, tt.clv, tt.alive, got, err, tt.want)
		}
	}
	if _, err := m.Segment(Code{5, 1, 1}, func(string) (float64, bool) { return 0, false }); err == nil || !strings.Contains(err.Error(), `"clv"`) {
		t.Errorf("missing column: err = %v", err)
	}
	if _, err := m.Segment(Code{6, 1, 1}, cols(0, 0)); err == nil {
		t.Error("invalid code: want an error")
	}
}

func TestMapAssign(t *testing.T) {
	m, err := NewMap(valueRules, "Other")
	if err != nil {
		t.Fatal(err)
	}
	codes := []Code{{5, 1, 1}, {5, 1, 1}, {2, 1, 1}, {1, 3, 3}, {3, 1, 1}}
	cols := map[string][]float64{
		"clv":     {2000, 10, 5000, 10, 0},
		"p_alive": {0.9, 0.9, 0.1, 0.5, 0},
		"unused":  {1, 2, 3, 4, 5},
	}
	got, err := m.Assign(codes, cols)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"VIP", "Active", "Slipping VIP", "Lapsed", "Other"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Assign = %v, want %v", got, want)
	}
	if _, err := m.Assign(codes, map[string][]float64{"clv": cols["clv"]}); err == nil || !strings.Contains(err.Error(), `"p_alive"`) {
		t.Errorf("missing column: err = %v", err)
	}
	if _, err := m.Assign(codes, map[string][]float64{"clv": cols["clv"], "p_alive": {1}}); err == nil || !strings.Contains(err.Error(), "1 values for 5") {
		t.Errorf("short column: err = %v", err)
	}
	if _, err := m.Assign([]Code{{5, 1, 1}, {0, 0, 0}}, map[string][]float64{"clv": {1, 2}, "p_alive": {1, 2}}); err == nil || !strings.Contains(err.Error(), "row 1") {
		t.Errorf("invalid code: err = %v", err)
	}
}

func TestMapScoresOnly(t *testing.T) {
	// Table A of RESEARCH.md §1.2 (R×F regex map), as rules.
	m, err := NewMap([]Rule{
		{"Hibernating", "r in 1..2 && f in 1..2"},
		{"At Risk", "r in 1..2 && f in 3..4"},
		{"Can't Lose", "r in 1..2 && f == 5"},
		{"About to Sleep", "r == 3 && f in 1..2"},
		{"Need Attention", "r == 3 && f == 3"},
		{"Loyal Customers", "r in 3..4 && f in 4..5"},
		{"Promising", "r == 4 && f == 1"},
		{"New Customers", "r == 5 && f == 1"},
		{"Potential Loyalists", "r in 4..5 && f in 2..3"},
		{"Champions", "r == 5 && f in 4..5"},
	}, "Other")
	if err != nil {
		t.Fatal(err)
	}
	if f := m.Lint(); len(f) != 0 {
		t.Errorf("Table A is a partition of the 25 R×F cells, but Lint found %v", f)
	}
	got, err := m.Assign([]Code{{5, 5, 1}, {1, 5, 5}, {3, 3, 3}, {4, 1, 2}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"Champions", "Can't Lose", "Need Attention", "Promising"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Assign = %v, want %v", got, want)
	}
	if r := m.Rules(); len(r) != 10 || r[0].Segment != "Hibernating" || m.Default() != "Other" {
		t.Errorf("Rules()/Default() wrong: %v %q", r, m.Default())
	}
}
