package segment

import (
	"errors"
	"strings"
	"testing"
)

// parseTests: each valid condition with its canonical String form.
var parseTests = []struct{ in, canonical string }{
	{"true", "true"},
	{"  true ", "true"},
	{"r>=4", "r >= 4"},
	{"R >= 4 && F in 3..5", "r >= 4 && f in 3..5"},
	{"fm<=2.5&&m==1", "fm <= 2.5 && m == 1"},
	{"code in {555, 554,545}", "code in {555, 554, 545}"},
	{"clv > 1000", "clv > 1000"},
	{"p_alive < 0.3 && r in 1..2", "p_alive < 0.3 && r in 1..2"},
	{"margin in -1.5..2e3", "margin in -1.5..2000"},
	{"x >= +1e-3", "x >= 0.001"},
	{"Clv2 < 5", "Clv2 < 5"},
	{"f in {1}", "f in {1}"},
	{"f in 3..3", "f in 3..3"},
}

func TestParseCondition(t *testing.T) {
	for _, tt := range parseTests {
		c, err := parseCondition(tt.in)
		if err != nil {
			t.Errorf("parse %q: %v", tt.in, err)
			continue
		}
		if got := c.String(); got != tt.canonical {
			t.Errorf("parse %q = %q, want %q", tt.in, got, tt.canonical)
		}
	}
}

// parseErrorTests: each invalid condition, the 1-based position reported
// and a fragment of the message.
var parseErrorTests = []struct {
	in   string
	pos  int
	frag string
}{
	{"", 1, "empty condition"},
	{"   ", 4, "empty condition"},
	{"r >=", 5, `expected a number after ">="`},
	{"r >= x", 6, `expected a number`},
	{"r => 4", 3, `expected a comparison`},
	{"r < \"4\"", 5, `text compares with == or !=`},
	{"r >= 4 &&", 10, "expected a column name"},
	{"r >= 4 and f >= 2", 8, `expected "&&"`},
	{"r >= 4 || f >= 2", 8, `expected "&&"`},
	{">= 4", 1, "expected a column name"},
	{"4 <= r", 1, "expected a column name"},
	{"f in 5..3", 6, "empty range"},
	{"f in 3...5", 9, `expected a number after ".."`},
	{"f in 3", 7, `expected ".."`},
	{"f in {}", 7, `expected a number`},
	{"f in {1, 2", 11, `expected "," or "}"`},
	{"f in {1 2}", 9, `expected "," or "}"`},
	{"clv > 1e999", 7, "out of range"},
	{"r >= 4 && true", 11, "expected a column name"},
	{"true && r >= 4", 6, `after "true"`},
	{"in >= 4", 1, "expected a column name"},
	{"r >= 4 é", 8, `"é"`},
	{"r >= NaN", 6, "expected a number"},
	{"r >= .5", 6, "expected a number"},
}

func TestParseConditionErrors(t *testing.T) {
	for _, tt := range parseErrorTests {
		_, err := NewMap([]Rule{{Segment: "S", When: tt.in}}, "")
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("parse %q: err = %v, want a *ParseError", tt.in, err)
			continue
		}
		if pe.Pos != tt.pos || !strings.Contains(pe.Msg, tt.frag) || pe.Rule != 0 || pe.Segment != "S" {
			t.Errorf("parse %q: %v (pos %d), want pos %d and %q", tt.in, err, pe.Pos, tt.pos, tt.frag)
		}
	}
}

func TestParseErrorMessage(t *testing.T) {
	_, err := NewMap([]Rule{{"A", "true"}, {"Champions", "r >="}}, "")
	want := `rule 2 ("Champions"): when "r >=": position 5: expected a number after ">=", found end of condition`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v\nwant    %s", err, want)
	}
	_, err = NewMap([]Rule{{"", "true"}}, "")
	if err == nil || !strings.Contains(err.Error(), "no segment name") {
		t.Errorf("rule without a name: err = %v", err)
	}
}
