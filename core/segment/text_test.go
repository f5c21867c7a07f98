package segment

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// TestTextRules: rules on a text column (a customer attribute), with ==,
// != and in, assign as written; texts the rules do not name are "other".
func TestTextRules(t *testing.T) {
	m, err := NewMap([]Rule{
		{Segment: "email VIP", When: `channel == "email" && clv > 100`},
		{Segment: "paid", When: `channel in {"paid_search", "social"}`},
		{Segment: "not email", When: `channel != "email"`},
		{Segment: "rest", When: "true"},
	}, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := m.TextColumns(); !reflect.DeepEqual(got, []string{"channel"}) {
		t.Errorf("TextColumns = %v", got)
	}
	if got := m.Columns(); !reflect.DeepEqual(got, []string{"clv"}) {
		t.Errorf("Columns = %v, want only the numeric clv", got)
	}
	channel := []string{"email", "email", "social", "referral", "paid_search", ""}
	clv := []float64{150, 50, 500, 10, 1, 1}
	codes := make([]Code, len(channel))
	for i := range codes {
		codes[i] = Code{R: 3, F: 3, M: 3}
	}
	got, err := m.Assign(codes, map[string][]float64{"clv": clv, "channel": m.TextCodes("channel", channel)})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"email VIP", "rest", "paid", "not email", "paid", "not email"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("segments = %q, want %q", got, want)
	}
	if s := m.conds[1].String(); s != `channel in {"paid_search", "social"}` {
		t.Errorf("canonical form %s", s)
	}
}

// TestTextLint: Lint reasons about text columns exactly and names the
// texts in its findings.
func TestTextLint(t *testing.T) {
	m, err := NewMap([]Rule{
		{Segment: "email", When: `channel == "email"`},
		{Segment: "never", When: `channel == "email" && channel == "web"`},
		{Segment: "web", When: `channel in {"web", "email"}`},
	}, "")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range m.Lint() {
		got = append(got, f.String())
	}
	text := strings.Join(got, "\n")
	for _, want := range []string{`rule 2 ("never")`, `unsatisfiable`, `channel not in {"email", "web"}`} {
		if !strings.Contains(text, want) {
			t.Errorf("lint findings lack %q:\n%s", want, text)
		}
	}
}

func TestTextErrors(t *testing.T) {
	for _, tc := range []struct {
		rules []Rule
		want  string
	}{
		{[]Rule{{Segment: "a", When: `channel == "email"`}, {Segment: "b", When: "channel > 3"}}, `column "channel" is compared with a number here and with text`},
		{[]Rule{{Segment: "a", When: `r == "5"`}}, "is a score, compared with numbers"},
		{[]Rule{{Segment: "a", When: `channel == "email`}}, "closing"},
		{[]Rule{{Segment: "a", When: `channel in {"a", 3}`}}, "expected a text"},
	} {
		_, err := NewMap(tc.rules, "")
		var pe *ParseError
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: got %v, want a *ParseError containing %q", tc.rules, err, tc.want)
		}
	}
}
