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

var texts = []string{"", "plain", "=1+1", "-1", "+a,b", "@x", "\rcr", `=x"y`, "a,b", `say "hi"`, "line\nbreak", "cr\r", `\.`, " lead", "\tlead",
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
		// A guarded label is the field encoding/csv writes for s, or for
		// "'"+s when s is formula-like.
		cell := s
		if FormulaLike(s) {
			cell = "'" + s
		}
		want.Reset()
		w = csv.NewWriter(&want)
		w.Write([]string{cell})
		w.Flush()
		if w.Error() == nil {
			if got := string(GuardLabels.AppendCSVText(nil, s, Label)) + "\n"; got != want.String() {
				t.Fatalf("guarded CSV of %q: %q, want %q", s, got, want.String())
			}
		}
	})
}

// guardTests: every leading character OWASP lists, under the three modes,
// for label and id cells. want is the CSV field (as encoding/csv would
// write the cell's text, so a leading CR, or a comma inside, makes it
// quoted).
var guardTests = []struct {
	s      string
	guard  Guard
	text   Text
	want   string
	reason string
}{
	{"=1+1", GuardLabels, Label, "'=1+1", "equals"},
	{"+1", GuardLabels, Label, "'+1", "plus"},
	{"-1", GuardLabels, Label, "'-1", "minus: a label that looks like a number is still text"},
	{"@SUM(A1)", GuardLabels, Label, "'@SUM(A1)", "at"},
	{"\tx", GuardLabels, Label, "'\tx", "tab: '\\t... is not quoted, as encoding/csv would not quote it"},
	{"\rx", GuardLabels, Label, "\"'\rx\"", "CR: quoted, as encoding/csv quotes any CR"},
	{`=HYPERLINK("http://x","y")`, GuardLabels, Label, `"'=HYPERLINK(""http://x"",""y"")"`, "quotes and commas: quoted, quotes doubled"},
	{"=a\nb", GuardLabels, Label, "\"'=a\nb\"", "LF inside"},
	{"=1+1", GuardLabels, ID, "=1+1", "ids are join keys: lossless under labels"},
	{"-1", GuardLabels, ID, "-1", "id"},
	{"\rx", GuardLabels, ID, "\"\rx\"", "id with CR: quoted only"},
	{"=1+1", GuardAllText, Label, "'=1+1", "all_text: labels"},
	{"@x", GuardAllText, ID, "'@x", "all_text: ids too"},
	{"\tx", GuardAllText, ID, "'\tx", "all_text: tab id"},
	{"=1+1", GuardOff, Label, "=1+1", "off"},
	{"\tx", GuardOff, Label, "\"\tx\"", "off: quoted as encoding/csv quotes a leading space"},
	{"+1", GuardOff, ID, "+1", "off: ids"},
	{"Champions", GuardAllText, Label, "Champions", "harmless"},
	{"Top 1%", GuardLabels, Label, "Top 1%", "harmless"},
	{"a=b", GuardAllText, Label, "a=b", "= not leading"},
	{" =x", GuardAllText, Label, `" =x"`, "leading space: quoted, not prefixed (OWASP's list has no space)"},
	{"'=x", GuardAllText, Label, "'=x", "already neutralised text is left alone"},
	{"", GuardAllText, Label, "", "empty"},
}

func TestGuard(t *testing.T) {
	for _, tc := range guardTests {
		if got := string(tc.guard.AppendCSVText([]byte("x,"), tc.s, tc.text)); got != "x,"+tc.want {
			t.Errorf("%v.AppendCSVText(%q, %v) = %q, want %q (%s)", tc.guard, tc.s, tc.text, got, "x,"+tc.want, tc.reason)
		}
	}
}

// TestGuardNumbers: numbers are not text cells: AppendFloat writes a
// negative number as a number under every guard's output, and only text
// goes through AppendCSVText.
func TestGuardNumbers(t *testing.T) {
	for _, g := range []Guard{GuardLabels, GuardAllText, GuardOff} {
		row := AppendFloat(nil, -1.25, 2)
		row = append(row, ',')
		row = g.AppendCSVText(row, "-1.25", ID)
		want := map[Guard]string{GuardLabels: "-1.25,-1.25", GuardAllText: "-1.25,'-1.25", GuardOff: "-1.25,-1.25"}[g]
		if string(row) != want {
			t.Errorf("%v: %q, want %q", g, row, want)
		}
	}
}

var parseGuardTests = []struct {
	s    string
	want Guard
	err  string
}{
	{"", GuardLabels, ""},
	{"labels", GuardLabels, ""},
	{"all_text", GuardAllText, ""},
	{"off", GuardOff, ""},
	{"Labels", 0, `"Labels" is not one of labels, all_text, off`},
	{"all", 0, `"all" is not one of labels, all_text, off`},
}

func TestParseGuard(t *testing.T) {
	for _, tc := range parseGuardTests {
		g, err := ParseGuard(tc.s)
		switch {
		case tc.err != "" && (err == nil || err.Error() != tc.err):
			t.Errorf("ParseGuard(%q): error %v, want %q", tc.s, err, tc.err)
		case tc.err == "" && (err != nil || g != tc.want):
			t.Errorf("ParseGuard(%q) = %v, %v, want %v", tc.s, g, err, tc.want)
		case tc.err == "" && g.String() != tc.s && tc.s != "":
			t.Errorf("ParseGuard(%q).String() = %q", tc.s, g.String())
		}
	}
	var zero Guard
	if zero != GuardLabels {
		t.Error("the zero Guard is not the default, labels")
	}
}
