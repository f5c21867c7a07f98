package suggest

import "testing"

var closestTests = []struct {
	key          string
	want         string
	caseOnly, ok bool
}{
	{"Margin", "margin", true, true},
	{"MARGIN", "margin", true, true},
	{"margn", "margin", false, true},
	{"Margn", "margin", false, true},
	{"mrgn", "margin", false, true},
	{"horizon_month", "horizon_months", false, true},
	{"t", "T", true, true},
	{"x", "", false, false}, // one edit from T, but T is too short to guess
	{"colour", "", false, false},
	{"", "", false, false},
}

func TestClosest(t *testing.T) {
	known := []string{"margin", "horizon_months", "purchase", "T"}
	for _, tc := range closestTests {
		name, caseOnly, ok := Closest(tc.key, known)
		if name != tc.want || caseOnly != tc.caseOnly || ok != tc.ok {
			t.Errorf("Closest(%q) = %q, %v, %v; want %q, %v, %v", tc.key, name, caseOnly, ok, tc.want, tc.caseOnly, tc.ok)
		}
	}
}

// Distances by hand: kitten → sitting is the textbook 3 (k→s, e→i, +g).
var distanceTests = []struct {
	a, b string
	want int
}{
	{"kitten", "sitting", 3},
	{"", "abc", 3},
	{"abc", "", 3},
	{"margin", "margin", 0},
	{"margn", "margin", 1},
	{"modle", "model", 2},
}

func TestDistance(t *testing.T) {
	for _, tc := range distanceTests {
		if got := Distance(tc.a, tc.b); got != tc.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
