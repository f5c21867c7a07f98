package segment

import (
	"strings"
	"testing"
)

func TestCode(t *testing.T) {
	for _, tt := range []struct {
		c      Code
		str    string
		number int
		fm     float64
		index  int
	}{
		{Code{1, 1, 1}, "111", 111, 1, 0},
		{Code{5, 5, 5}, "555", 555, 5, 124},
		{Code{5, 4, 5}, "545", 545, 4.5, 4*25 + 3*5 + 4},
		{Code{2, 1, 4}, "214", 214, 2.5, 25 + 3},
	} {
		if got := tt.c.String(); got != tt.str {
			t.Errorf("%v.String() = %q, want %q", tt.c, got, tt.str)
		}
		if got := tt.c.Number(); got != tt.number {
			t.Errorf("%v.Number() = %d, want %d", tt.c, got, tt.number)
		}
		if got := tt.c.FM(); got != tt.fm {
			t.Errorf("%v.FM() = %v, want %v", tt.c, got, tt.fm)
		}
		if got := tt.c.Index(); got != tt.index {
			t.Errorf("%v.Index() = %d, want %d", tt.c, got, tt.index)
		}
		if p, err := ParseCode(tt.str); err != nil || p != tt.c {
			t.Errorf("ParseCode(%q) = %v, %v", tt.str, p, err)
		}
	}
	if s := (Code{0, 6, 1}).String(); s != "R0F6M1" {
		t.Errorf("invalid code prints %q", s)
	}
}

func TestAllCodes(t *testing.T) {
	all := AllCodes()
	if len(all) != NumCodes {
		t.Fatalf("%d codes, want %d", len(all), NumCodes)
	}
	for i, c := range all {
		if !c.Valid() || c.Index() != i {
			t.Errorf("AllCodes()[%d] = %v (index %d)", i, c, c.Index())
		}
	}
}

func TestParseCodeErrors(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", "three digits"},
		{"5555", "three digits"},
		{"505", "F score '0'"},
		{"55x", "M score 'x'"},
		{"655", "R score '6'"},
	} {
		_, err := ParseCode(tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseCode(%q) error = %v, want it to mention %q", tt.in, err, tt.want)
		}
	}
}
