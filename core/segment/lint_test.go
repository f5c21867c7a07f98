package segment

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// tableB is RESEARCH.md §1.2 Table B: the 11-segment R/FM rule list,
// first match wins, with FM = (F + M) / 2 and the ranges inclusive.
var tableB = []Rule{
	{"Champions", "r in 4..5 && fm in 4..5"},
	{"Loyal Customers", "r in 2..5 && fm in 3..5"},
	{"Potential Loyalist", "r in 3..5 && fm in 1..5"},
	{"Recent Customers", "r in 4..5 && fm in 0..1"},
	{"Promising", "r in 3..4 && fm in 0..1"},
	{"Customers Needing Attention", "r in 2..3 && fm in 2..3"},
	{"About To Sleep", "r in 2..3 && fm in 0..2"},
	{"At Risk", "r in 0..2 && fm in 2..5"},
	{"Can't Lose Them", "r in 0..1 && fm in 4..5"},
	{"Hibernating", "r in 1..2 && fm in 1..2"},
	{"Lost", "r in 0..2 && fm in 0..2"},
}

func TestLintTableB(t *testing.T) {
	m, err := NewMap(tableB, "Other")
	if err != nil {
		t.Fatal(err)
	}
	findings := m.Lint()
	var unreachable []string
	for _, f := range findings {
		switch f.Kind {
		case Unreachable:
			unreachable = append(unreachable, f.Segment)
		case Overlap:
		default:
			t.Errorf("unexpected finding: %v", f)
		}
	}
	// RESEARCH.md: "4 of the 11 segments can never be assigned".
	want := []string{"Recent Customers", "Promising", "Can't Lose Them", "Lost"}
	if !reflect.DeepEqual(unreachable, want) {
		t.Errorf("unreachable rules = %v, want %v", unreachable, want)
	}
	// Recent Customers (R 4-5, FM ≤ 1) matches only 411 and 511, both taken
	// by Potential Loyalist (R 3-5, FM ≥ 1).
	for _, f := range findings {
		if f.Kind == Unreachable && f.Segment == "Recent Customers" {
			if f.Rule != 3 || !reflect.DeepEqual(f.By, []int{2}) || codesString(f.Codes) != "411 511" {
				t.Errorf("Recent Customers finding = %+v", f)
			}
			want := `rule 4 ("Recent Customers"): unreachable: every customer it matches (2 codes: 411 511) is taken first by rule 3 ("Potential Loyalist")`
			if f.String() != want {
				t.Errorf("String() = %s\nwant       %s", f, want)
			}
		}
		// Lost (R ≤ 2, FM ≤ 2): at R = 2, FM = 2 goes to Customers Needing
		// Attention and FM < 2 to About To Sleep; at R = 1, FM = 2 goes to
		// At Risk and FM < 2 to Hibernating.
		if f.Kind == Unreachable && f.Segment == "Lost" && !reflect.DeepEqual(f.By, []int{5, 6, 7, 9}) {
			t.Errorf("Lost is shadowed by %v, want 0-based rules 5, 6, 7, 9", f.By)
		}
	}
}

func codesString(cs []Code) string {
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = c.String()
	}
	return strings.Join(s, " ")
}

func TestLint(t *testing.T) {
	type want struct {
		kind  FindingKind
		rule  int
		by    []int
		codes string // codes, or "" to skip; "#n" for a count
		where string
	}
	for _, tt := range []struct {
		name  string
		rules []Rule
		want  []want
	}{
		{"clean partition", []Rule{{"A", "r >= 3"}, {"B", "r < 3"}}, nil},
		{"catch-all closes every gap", []Rule{{"A", "r == 5"}, {"Other", "true"}}, nil},
		{"gap", []Rule{{"A", "r >= 2"}}, []want{{Gap, -1, nil, "#25", ""}}},
		{"unsatisfiable score", []Rule{{"A", "r > 5"}, {"B", "true"}}, []want{{Unsatisfiable, 0, nil, "", ""}}},
		{"unsatisfiable fm", []Rule{{"A", "fm in 1.2..1.4"}, {"B", "true"}}, []want{{Unsatisfiable, 0, nil, "", ""}}},
		{"unsatisfiable column", []Rule{{"A", "clv > 10 && clv < 5"}, {"B", "true"}}, []want{{Unsatisfiable, 0, nil, "", ""}}},
		{"overlap", []Rule{{"A", "r == 5"}, {"B", "r >= 4 && f == 1"}, {"C", "true"}},
			[]want{{Overlap, 1, []int{0}, "511 512 513 514 515", ""}}},
		{"overlap, then all", []Rule{{"A", "r == 5"}, {"B", "r >= 4 && f == 1"}, {"C", "r >= 1"}},
			[]want{{Overlap, 1, []int{0}, "511 512 513 514 515", ""}, {Overlap, 2, []int{0}, "#25", ""}, {Overlap, 2, []int{1}, "#5", ""}}},
		{"dead catch-all", []Rule{{"A", "r >= 3"}, {"B", "r < 3"}, {"Other", "true"}},
			[]want{{Unreachable, 2, []int{0, 1}, "#125", ""}}},
		{"unreachable by code", []Rule{{"A", "code in {111, 112}"}, {"B", "r == 1 && f == 1 && m <= 2"}, {"C", "true"}},
			[]want{{Unreachable, 1, []int{0}, "111 112", ""}}},
		{"unreachable by interval", []Rule{{"Big", "clv > 1000"}, {"Bigger", "clv > 2000"}, {"Rest", "true"}},
			[]want{{Unreachable, 1, []int{0}, "#125", ""}}},
		{"column overlap and gap", []Rule{{"High", "clv >= 500"}, {"Mid", "clv in 400..600"}},
			[]want{{Overlap, 1, []int{0}, "#125", "500 <= clv <= 600"}, {Gap, -1, nil, "#125", "clv < 400"}}},
		// Nested rules are overlaps by definition: B takes what A leaves.
		{"two columns, nested", []Rule{{"A", "clv > 100 && p_alive >= 0.5"}, {"B", "clv > 100"}, {"C", "clv <= 100"}},
			[]want{{Overlap, 1, []int{0}, "#125", "clv > 100 && p_alive >= 0.5"}}},
		{"two columns, partition", []Rule{{"A", "clv > 100 && p_alive >= 0.5"}, {"B", "clv > 100 && p_alive < 0.5"}, {"C", "clv <= 100"}}, nil},
		{"two columns, unreachable", []Rule{{"A", "clv > 100"}, {"B", "p_alive < 0.3"}, {"C", "clv > 200 && p_alive < 0.1"}, {"D", "true"}},
			[]want{{Overlap, 1, []int{0}, "#125", "clv > 100 && p_alive < 0.3"}, {Unreachable, 2, []int{0}, "#125", ""}}},
		// The gap is described in the rules' own column, whole: before, it
		// was the first region found ("p_alive == 0.3") of 125 codes.
		{"gap in one column", []Rule{{"Active", "p_alive > 0.5"}, {"Lapsed", "p_alive < 0.3"}},
			[]want{{Gap, -1, nil, "#125", "0.3 <= p_alive <= 0.5"}}},
		{"gaps in one column", []Rule{{"A", "p_alive < 0.2"}, {"B", "p_alive in 0.4..0.6"}, {"C", "p_alive > 0.8"}},
			[]want{{Gap, -1, nil, "#125", "0.2 <= p_alive < 0.4 or 0.6 < p_alive <= 0.8"}}},
		// A column the gap does not depend on is not named.
		{"gap in one of two columns", []Rule{{"VIP", "clv >= 200"}, {"Active", "p_alive > 0.5"}, {"Lapsed", "p_alive < 0.3"}},
			[]want{{Overlap, 1, []int{0}, "#125", "clv >= 200 && p_alive > 0.5"}, {Overlap, 2, []int{0}, "#125", "clv >= 200 && p_alive < 0.3"},
				{Gap, -1, nil, "#125", "clv < 200 && 0.3 <= p_alive <= 0.5"}}},
		{"gap in two regions of two columns", []Rule{{"A", "clv > 100 && p_alive > 0.5"}, {"B", "clv <= 100 && p_alive <= 0.5"}},
			[]want{{Gap, -1, nil, "#125", "(clv <= 100 && p_alive > 0.5) or (clv > 100 && p_alive <= 0.5)"}}},
		// Scores and columns: the gap is split by the codes it holds for.
		{"gap by codes and column", []Rule{{"A", "r >= 3 && clv > 100"}, {"B", "r < 3"}},
			[]want{{Gap, -1, nil, "311 312 313 314 315 321 322 323 324 325 331 332 333 334 335 341 342 343 344 345 351 352 353 354 355 " +
				"411 412 413 414 415 421 422 423 424 425 431 432 433 434 435 441 442 443 444 445 451 452 453 454 455 " +
				"511 512 513 514 515 521 522 523 524 525 531 532 533 534 535 541 542 543 544 545 551 552 553 554 555", "clv <= 100"}}},
		{"gap everywhere but a region", []Rule{{"A", "r >= 3 && clv > 100"}, {"B", "r < 2"}},
			[]want{{Gap, -1, nil, "#25", ""}, {Gap, -1, nil, "#75", "clv <= 100"}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m, err := NewMap(tt.rules, "Other")
			if err != nil {
				t.Fatal(err)
			}
			got := m.Lint()
			if len(got) != len(tt.want) {
				t.Fatalf("Lint found %d, want %d:\n%s", len(got), len(tt.want), findingsString(got))
			}
			for i, w := range tt.want {
				f := got[i]
				codes := codesString(f.Codes)
				if strings.HasPrefix(w.codes, "#") {
					codes = "#" + strconv.Itoa(len(f.Codes))
				}
				if f.Kind != w.kind || f.Rule != w.rule || !reflect.DeepEqual(f.By, w.by) ||
					w.codes != "" && codes != w.codes || f.Where != w.where {
					t.Errorf("finding %d = %v (codes %s, where %q), want %+v", i, f, codes, f.Where, w)
				}
			}
		})
	}
}

func itoa(n int) string {
	return strings.TrimSpace(strings.Repeat(" ", 0) + string(rune('0'+n/100%10)) + string(rune('0'+n/10%10)) + string(rune('0'+n%10)))
}

func findingsString(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString("  " + f.String() + " [where " + f.Where + "]\n")
	}
	return b.String()
}

func TestLintNotChecked(t *testing.T) {
	// 20,000 listed values make 40,001 regions of clv; × 125 codes is over
	// the 2,000,000-point budget, so the clv rule is not checked, while the
	// score-only rules are still checked among themselves.
	nums := make([]string, 20000)
	for i := range nums {
		nums[i] = strconv.Itoa(i)
	}
	m, err := NewMap([]Rule{
		{"Listed", "clv in {" + strings.Join(nums, ", ") + "}"},
		{"A", "r >= 3"},
		{"B", "r >= 4"},
	}, "Other")
	if err != nil {
		t.Fatal(err)
	}
	got := m.Lint()
	if len(got) != 2 || got[0].Kind != NotChecked || got[0].Rule != 0 || got[1].Kind != Unreachable || got[1].Rule != 2 {
		t.Errorf("Lint =\n%s", findingsString(got))
	}
	if !strings.Contains(got[0].String(), "not checked") {
		t.Errorf("String() = %s", got[0])
	}
}

func TestFindingString(t *testing.T) {
	m, _ := NewMap([]Rule{{"High", "clv >= 500"}, {"Mid", "clv in 400..600"}, {"Never", "r > 5"}}, "Other")
	var lines []string
	for _, f := range m.Lint() {
		lines = append(lines, f.String())
	}
	// Codes and a region together.
	m, _ = NewMap([]Rule{{"A", "r >= 3 && clv > 100"}, {"B", "r < 2"}}, "Other")
	for _, f := range m.Lint() {
		lines = append(lines, f.String())
	}
	want := []string{
		`rule 2 ("Mid"): overlap: rule 1 ("High") comes first and takes customers where 500 <= clv <= 600, whatever their RFM code`,
		`rule 3 ("Never"): unsatisfiable: no customer can meet its condition`,
		`gap: no rule matches customers where clv < 400, whatever their RFM code; they get the default label`,
		`gap: no rule matches 25 codes: 211 212 213 214 215 221 222 223 ...; they get the default label`,
		`gap: no rule matches 75 codes: 311 312 313 314 315 321 322 323 ... where clv <= 100; they get the default label`,
	}
	if !reflect.DeepEqual(lines, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}
