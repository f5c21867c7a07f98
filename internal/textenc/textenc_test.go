package textenc

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"strings"
	"testing"
)

var floatTests = []struct {
	f    float64
	prec int
	want string
}{
	{1.5, 2, "1.50"},
	{-1.5, 2, "-1.50"},
	{-0.0000001, 6, "0.000000"}, // rounds to zero: no sign
	{math.Copysign(0, -1), 3, "0.000"},
	{-0.0000006, 6, "-0.000001"},
	{0.1, -1, "0.1"},
	{12345.678, 0, "12346"},
}

func TestAppendFloat(t *testing.T) {
	for _, tc := range floatTests {
		if got := string(AppendFloat([]byte("x"), tc.f, tc.prec)); got != "x"+tc.want {
			t.Errorf("AppendFloat(%v, %d) = %q, want %q", tc.f, tc.prec, got, "x"+tc.want)
		}
	}
}

var texts = []string{"", "plain", "a,b", `say "hi"`, "line\nbreak", "cr\r", `\.`, " lead", "\tlead",
	"\u3000ideographic", "\u00a0nbsp", "<a&b>", "ctl\x01\b\f", "bad\xffutf8", "sep\u2028\u2029", "émoji 😀"}

// TestCSVMatchesEncodingCSV: fields are quoted exactly as encoding/csv does.
func TestCSVMatchesEncodingCSV(t *testing.T) {
	for _, s := range texts {
		var want bytes.Buffer
		w := csv.NewWriter(&want)
		w.Write([]string{s})
		w.Flush()
		if got := string(AppendCSVField(nil, s)) + "\n"; got != want.String() {
			t.Errorf("AppendCSVField(%q) = %q, encoding/csv writes %q", s, got, want.String())
		}
	}
}

// TestJSONMatchesEncodingJSON: strings are escaped exactly as encoding/json
// does, with and without HTML escaping.
func TestJSONMatchesEncodingJSON(t *testing.T) {
	for _, s := range texts {
		for _, html := range []bool{true, false} {
			var want bytes.Buffer
			enc := json.NewEncoder(&want)
			enc.SetEscapeHTML(html)
			enc.Encode(s)
			if got := string(AppendJSONString(nil, s, html)); got != strings.TrimSuffix(want.String(), "\n") {
				t.Errorf("AppendJSONString(%q, %v) = %s, encoding/json writes %s", s, html, got, want.String())
			}
		}
	}
}

func FuzzEncodings(f *testing.F) {
	for _, s := range texts {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.Encode(s)
		if got := string(AppendJSONString(nil, s, true)); got != strings.TrimSuffix(want.String(), "\n") {
			t.Fatalf("JSON of %q: %s, want %s", s, got, want.String())
		}
		want.Reset()
		w := csv.NewWriter(&want)
		w.Write([]string{s})
		w.Flush()
		if w.Error() == nil {
			if got := string(AppendCSVField(nil, s)) + "\n"; got != want.String() {
				t.Fatalf("CSV of %q: %q, want %q", s, got, want.String())
			}
		}
	})
}
