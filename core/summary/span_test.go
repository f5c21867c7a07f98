package summary

import "testing"

var spanTests = []struct {
	in    string
	days  float64 // want; 0 for an error
	label string
}{
	{"39 week", 273, "39_week"},
	{"39 weeks", 273, "39_week"},
	{"39w", 273, "39_week"},
	{"90 day", 90, "90_day"},
	{"90d", 90, "90_day"},
	{"6 month", 6 * 365.25 / 12, "6_month"},
	{"  6   Months ", 6 * 365.25 / 12, "6_month"},
	{"week", 7, "1_week"},
	{"3 14d", 42, "3_14d"},
	{"2.5 week", 17.5, "2.5_week"},
	{"", 0, ""},
	{"39", 0, ""},
	{"0 week", 0, ""},
	{"-3 week", 0, ""},
	{"1.2.3 week", 0, ""},
	{"39 fortnight", 0, ""},
	{"39 0d", 0, ""},
}

func TestParseSpan(t *testing.T) {
	for _, tt := range spanTests {
		s, err := ParseSpan(tt.in)
		if tt.days == 0 {
			if err == nil {
				t.Errorf("ParseSpan(%q) = %+v, want an error", tt.in, s)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseSpan(%q): %v", tt.in, err)
			continue
		}
		if s.Days() != tt.days || s.Label() != tt.label {
			t.Errorf("ParseSpan(%q) = %v days, label %q; want %v, %q", tt.in, s.Days(), s.Label(), tt.days, tt.label)
		}
		// String reads back as the same span.
		again, err := ParseSpan(s.String())
		if err != nil || again.Days() != s.Days() {
			t.Errorf("ParseSpan(%q) = %v, %v; want %v days", s.String(), again, err, s.Days())
		}
	}
}
