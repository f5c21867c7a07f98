package segment

import (
	"errors"
	"testing"
)

// FuzzParseCondition checks that the rule parser never panics, reports
// positions inside the text, and that the canonical form of anything it
// accepts parses back to the same canonical form and the same decisions.
func FuzzParseCondition(f *testing.F) {
	for _, tt := range parseTests {
		f.Add(tt.in)
	}
	for _, tt := range parseErrorTests {
		f.Add(tt.in)
	}
	for _, r := range tableB {
		f.Add(r.When)
	}
	f.Add(DefaultRules()[0].When)
	f.Fuzz(func(t *testing.T, when string) {
		m, err := NewMap([]Rule{{Segment: "S", When: when}}, "")
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("%q: error %v is not a *ParseError", when, err)
			}
			if pe.Pos < 1 || pe.Pos > len(when)+1 {
				t.Fatalf("%q: position %d outside 1..%d", when, pe.Pos, len(when)+1)
			}
			return
		}
		canon := m.conds[0].String()
		again, err := parseCondition(canon)
		if err != nil {
			t.Fatalf("%q: canonical form %q does not parse: %v", when, canon, err)
		}
		if again.String() != canon {
			t.Fatalf("%q: canonical form %q reparses as %q", when, canon, again.String())
		}
		m2, _ := NewMap([]Rule{{Segment: "S", When: canon}}, "")
		probe := []float64{-1, 0, 0.3, 1, 2.5, 3, 5, 1000, 1e9}
		for _, c := range AllCodes() {
			for _, v := range probe {
				lookup := func(string) (float64, bool) { return v, true }
				a, _ := m.Match(c, lookup)
				b, _ := m2.Match(c, lookup)
				if a != b {
					t.Fatalf("%q and its canonical form %q disagree on %s with columns = %v", when, canon, c, v)
				}
			}
		}
		_ = m.Lint() // must not panic
	})
}

// FuzzParseCode checks ParseCode against the Code it returns.
func FuzzParseCode(f *testing.F) {
	for _, s := range []string{"555", "111", "545", "", "5", "505", "6ab", "5555"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCode(s)
		if err != nil {
			return
		}
		if !c.Valid() || c.String() != s {
			t.Fatalf("ParseCode(%q) = %v", s, c)
		}
	})
}
