package quote

import (
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

var valueTests = []struct {
	name, in, want string
}{
	{"empty", "", `""`},
	{"short", "Jos\xe9", `"Jos\xe9"`},
	{"exactly MaxBytes", strings.Repeat("a", MaxBytes), strconv.Quote(strings.Repeat("a", MaxBytes))},
	{"one byte over", strings.Repeat("a", MaxBytes+1), strconv.Quote(strings.Repeat("a", MaxBytes)) + "…(201 bytes)"},
	// "é" is 2 bytes: 199 a's then é would straddle byte 200, so it is
	// left out rather than split.
	{"no split rune", strings.Repeat("a", MaxBytes-1) + "é" + "zz", strconv.Quote(strings.Repeat("a", MaxBytes-1)) + "…(203 bytes)"},
	// A 4-byte rune ending exactly at byte 200 is kept.
	{"rune ends at the cut", strings.Repeat("a", MaxBytes-4) + "😀" + "zz", strconv.Quote(strings.Repeat("a", MaxBytes-4)+"😀") + "…(202 bytes)"},
	// Invalid bytes are cut where they fall; Quote escapes them.
	{"invalid bytes", strings.Repeat("\xff", MaxBytes+5), strconv.Quote(strings.Repeat("\xff", MaxBytes)) + "…(205 bytes)"},
}

func TestValue(t *testing.T) {
	for _, tt := range valueTests {
		if got := Value(tt.in); got != tt.want {
			t.Errorf("%s: Value = %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestValueHuge(t *testing.T) {
	s := strings.Repeat("x", 100<<20)
	got := Value(s)
	if len(got) > MaxBytes+40 || !strings.HasSuffix(got, "…(104857600 bytes)") {
		t.Errorf("Value of 100 MiB: %d bytes, ends %q", len(got), got[max(0, len(got)-30):])
	}
}

func TestList(t *testing.T) {
	if got, want := List([]string{"a", "b c"}), `["a" "b c"]`; got != want {
		t.Errorf("List = %s, want %s", got, want)
	}
	if got := List(nil); got != "[]" {
		t.Errorf("List(nil) = %s", got)
	}
	// 1000 columns of 300 bytes each: the list stops after about
	// maxListBytes and says how many it left out.
	cols := make([]string, 1000)
	for i := range cols {
		cols[i] = strings.Repeat("c", 300)
	}
	got := List(cols)
	if len(got) > maxListBytes+2*MaxBytes || !strings.HasSuffix(got, "… 995 more]") {
		t.Errorf("List of 1000 long columns: %d bytes, ends %q", len(got), got[max(0, len(got)-30):])
	}
}

func FuzzValue(f *testing.F) {
	for _, tt := range valueTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q := Value(s)
		prefix := q
		if i := strings.LastIndex(q, "…("); len(s) > MaxBytes && i >= 0 {
			prefix = q[:i]
		}
		u, err := strconv.Unquote(prefix)
		if err != nil {
			t.Fatalf("Value(%q) = %s: the quoted part does not unquote: %v", s, q, err)
		}
		if !strings.HasPrefix(s, u) || len(u) > MaxBytes || (len(s) <= MaxBytes && u != s) {
			t.Fatalf("Value(%q) = %s: quoted part %q is not the right prefix", s, q, u)
		}
		if utf8.ValidString(s[:min(len(s), MaxBytes+utf8.UTFMax)]) && !utf8.ValidString(u) {
			t.Fatalf("Value(%q) = %s split a UTF-8 sequence", s, q)
		}
	})
}
