package formula

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// rowCols are the columns of the row tests: a line of an order export.
var rowCols = []Column{
	{"InvoiceNo", TextColumn},
	{"Country", TextColumn},
	{"Quantity", NumberColumn},
	{"Unit Price", NumberColumn},
	{"CustomerID", NumberColumn},
	{"note", TextColumn},
}

// rowOf builds the Row of rowCols from cells; number cells are parsed, an
// empty one is NaN.
func rowOf(t *testing.T, cells ...string) *Row {
	t.Helper()
	r := &Row{Num: make([]float64, len(rowCols)), Text: cells}
	for i, c := range rowCols {
		if c.Type != NumberColumn {
			continue
		}
		if strings.TrimSpace(cells[i]) == "" {
			r.Num[i] = math.NaN()
			continue
		}
		v, err := Compile(strings.TrimSpace(cells[i]), nil)
		if err != nil {
			t.Fatalf("cell %q: %v", cells[i], err)
		}
		r.Num[i], _ = v.Eval(nil)
	}
	return r
}

var rowCondTests = []struct {
	src  string
	want bool
}{
	// The row of every case: C536379,United Kingdom,-2,2.5,14527,"say ""hi"""
	{`Country == "United Kingdom"`, true},
	{`Country != "United Kingdom"`, false},
	{`Country == "united kingdom"`, false}, // exact, case included
	{`lower(Country) == "united kingdom"`, true},
	{`starts_with(InvoiceNo, "C")`, true},
	{`starts_with(InvoiceNo, "5")`, false},
	{`ends_with(InvoiceNo, "379")`, true},
	{`ends_with(InvoiceNo, "C")`, false},
	{`contains(Country, "King")`, true},
	{`contains(Country, "king")`, false},
	{`contains(lower(Country), "king")`, true},
	{`is_empty(note)`, false},
	{`is_empty(CustomerID)`, false}, // a number column: its cell
	{`!is_empty(CustomerID) && Country == "United Kingdom"`, true},
	{`note == "say \"hi\""`, true}, // escapes in the literal
	{`Quantity < 0 && starts_with(InvoiceNo, "C")`, true},
	{"`Unit Price` * Quantity == -5", true},
	{"`Country` == \"United Kingdom\"", true}, // a plain name may be quoted too
	{`if(starts_with(InvoiceNo, "C"), -1, 1) * Quantity > 0`, true},
	{`Quantity > 0 || contains(note, "\"")`, true},
	{`"a" == "a"`, true},
	{`"a\tb" != "a\\tb"`, true},
	{`CustomerID == 14527 && CustomerID >= 14527`, true},
	// A number column read as text where text is expected: its cell.
	{`CustomerID != "(blank)"`, true},
	{`Quantity == "-2"`, true},
	{`starts_with(CustomerID, "145") && ends_with(Quantity, "2")`, true},
	{`lower(CustomerID) == "14527" && CustomerID == 14527`, true},
}

func TestRowCondition(t *testing.T) {
	row := rowOf(t, "C536379", "United Kingdom", "-2", "2.5", "14527", `say "hi"`)
	for _, tt := range rowCondTests {
		p, err := CompileRow(tt.src, rowCols, ConditionRule)
		if err != nil {
			t.Errorf("CompileRow(%q): %v", tt.src, err)
			continue
		}
		if got := p.Condition(row); got != tt.want {
			t.Errorf("%s = %v, want %v", tt.src, got, tt.want)
		}
	}
}

// TestRowBlank checks is_empty and the NaN of an empty number cell.
func TestRowBlank(t *testing.T) {
	row := rowOf(t, "536380", "", "3", "1.25", " ", "")
	tests := []struct {
		src  string
		want bool
	}{
		{`is_empty(CustomerID)`, true}, // blanks only
		{`is_empty(Country)`, true},
		{`is_empty(lower(note))`, true},
		{`CustomerID > 0`, false}, // NaN compares false...
		{`CustomerID != 0`, true}, // ...except with !=
		{`is_empty(Quantity)`, false},
	}
	for _, tt := range tests {
		p, err := CompileRow(tt.src, rowCols, ConditionRule)
		if err != nil {
			t.Fatalf("CompileRow(%q): %v", tt.src, err)
		}
		if got := p.Condition(row); got != tt.want {
			t.Errorf("%s = %v, want %v", tt.src, got, tt.want)
		}
	}
	p, err := CompileRow("Quantity * CustomerID", rowCols, NumberRule)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := p.Number(row); !errors.Is(err, ErrNonFinite) || !math.IsNaN(v) {
		t.Errorf("amount from an empty number cell = %v, %v; want NaN, ErrNonFinite", v, err)
	}
}

func TestRowNumber(t *testing.T) {
	row := rowOf(t, "C536379", "United Kingdom", "-2", "2.5", "14527", "")
	tests := []struct {
		src  string
		want float64
		uses []int
	}{
		{"Quantity * `Unit Price`", -5, []int{2, 3}},
		{"abs(Quantity) * `Unit Price`", 5, []int{2, 3}},
		{`if(starts_with(InvoiceNo, "C"), abs(Quantity), Quantity) * ` + "`Unit Price`", 5, []int{0, 2, 3}},
		{`-if(Country == "United Kingdom", 1, 2) + max(Quantity, 0, if(is_empty(note), 7, 0))`, 6, []int{1, 2, 5}},
		{"round(`Unit Price` * 3)", 8, []int{3}}, // 7.5 rounds half away from zero
		{`if(starts_with(CustomerID, "1"), 1, 0) * CustomerID`, 14527, []int{4}},
	}
	for _, tt := range tests {
		p, err := CompileRow(tt.src, rowCols, NumberRule)
		if err != nil {
			t.Errorf("CompileRow(%q): %v", tt.src, err)
			continue
		}
		if got, err := p.Number(row); err != nil || got != tt.want {
			t.Errorf("%s = %v, %v; want %v", tt.src, got, err, tt.want)
		}
		if got := p.Uses(); !equalInts(got, tt.uses) {
			t.Errorf("%s: Uses() = %v, want %v", tt.src, got, tt.uses)
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// rowErrTests: each source must fail with an *ExprError at line:col whose
// message contains msg. kind is the rule kind compiled.
var rowErrTests = []struct {
	src       string
	kind      RuleKind
	line, col int
	msg       string
}{
	// lexing
	{`Country == "UK`, ConditionRule, 1, 12, "unterminated string"},
	{"Country == \"U\nK\"", ConditionRule, 1, 12, "unterminated string: the \" has no closing \" on its line"},
	{`Country == "U\K"`, ConditionRule, 1, 14, `unknown escape \K`},
	{`Country == "UK\`, ConditionRule, 1, 12, "unterminated string"},
	{"`Unit Price * 2", NumberRule, 1, 1, "unterminated quoted name"},
	{"`` * 2", NumberRule, 1, 1, "empty quoted name"},
	{"`a{b}` * 2", NumberRule, 1, 1, "brace"},
	// names
	{`Contry == "UK"`, ConditionRule, 1, 1, "unknown column Contry (did you mean Country?)"},
	{`country == "UK"`, ConditionRule, 1, 1, "did you mean Country?"},
	{"Quantity * UnitPrice", NumberRule, 1, 12, "unknown column UnitPrice (did you mean `Unit Price`?)"},
	{"Quantity * `unit price`", NumberRule, 1, 12, "did you mean `Unit Price`? names are case-sensitive"},
	{"Quantity *\n  Price", NumberRule, 2, 3, "unknown column Price"},
	// types
	{`Country == 1`, ConditionRule, 1, 9, "operator == compares text with a number (Country is text)"},
	{"Quantity > 0 &&\n  Country != 0", ConditionRule, 2, 11, "compares text with a number (Country is text)"},
	{`Quantity < "2"`, ConditionRule, 1, 10, "text can only be compared with == and !="},
	{`Country < "M"`, ConditionRule, 1, 9, "text can only be compared with == and !="},
	{`Country * 2`, NumberRule, 1, 9, "operator * needs numbers, but an operand is text"},
	{`-Country`, NumberRule, 1, 1, "unary - needs a number, not text"},
	{`!Country`, ConditionRule, 1, 1, "! needs a condition such as x > 0, not text"},
	{`starts_with(-Quantity, "C")`, ConditionRule, 1, 13, "argument 1 of starts_with must be text, not a number"},
	{`contains(Country, 1)`, ConditionRule, 1, 19, "argument 2 of contains must be text"},
	{`lower(Quantity * 2) == "x"`, ConditionRule, 1, 7, "argument 1 of lower must be text, not a number"},
	{`is_empty(Quantity + 1)`, ConditionRule, 1, 10, "is_empty takes a column or text, not a number"},
	{`starts_with(InvoiceNo)`, ConditionRule, 1, 1, "starts_with takes 2 argument(s), got 1"},
	{`if(Country, 1, 2)`, NumberRule, 1, 4, "first argument of if must be a condition such as x > 0, not text"},
	{`if(Quantity > 0, "a", "b")`, NumberRule, 1, 18, "argument 2 of if must be a number, not text"},
	{`Country && Quantity > 0`, ConditionRule, 1, 9, "operator && needs conditions such as x > 0, but an operand is text"},
	{`Country`, ConditionRule, 1, 1, "the rule is text, not a condition"},
	{`Quantity * 2`, ConditionRule, 1, 10, "the rule is a number, not a condition"},
	{`Quantity > 2`, NumberRule, 1, 10, "the expression is a condition (true/false), not a number"},
	{`lower(Country)`, NumberRule, 1, 1, "the expression is text, not a number"},
	{`upper(Country) == "UK"`, ConditionRule, 1, 1, `unknown function "upper" (functions: abs, ceil, clamp, exp, floor, if, log, max, min, pow, round, sqrt, contains, ends_with, is_empty, lower, starts_with)`},
}

func TestRowErrors(t *testing.T) {
	for _, tt := range rowErrTests {
		_, err := CompileRow(tt.src, rowCols, tt.kind)
		var ee *ExprError
		if !errors.As(err, &ee) {
			t.Errorf("CompileRow(%q): error %v, want an *ExprError", tt.src, err)
			continue
		}
		if ee.Line != tt.line || ee.Column != tt.col || !strings.Contains(ee.Msg, tt.msg) {
			t.Errorf("CompileRow(%q): %d:%d %q; want %d:%d containing %q", tt.src, ee.Line, ee.Column, ee.Msg, tt.line, tt.col, tt.msg)
		}
	}
}

// TestRowNumberUses: a number column read only as text is not in
// NumberUses, so its cells need not parse.
func TestRowNumberUses(t *testing.T) {
	tests := []struct {
		src     string
		uses    []int
		numbers []int
	}{
		{`starts_with(CustomerID, "C")`, []int{4}, nil},
		{`is_empty(Quantity) || Quantity > 0`, []int{2}, []int{2}},
		{`is_empty(Quantity) || CustomerID == "x" && Country == "UK"`, []int{2, 4, 1}, nil},
		{"Quantity * `Unit Price` > 0 && CustomerID != \"(blank)\"", []int{2, 3, 4}, []int{2, 3}},
	}
	for _, tt := range tests {
		p, err := CompileRow(tt.src, rowCols, ConditionRule)
		if err != nil {
			t.Fatalf("%s: %v", tt.src, err)
		}
		if got := p.Uses(); !equalInts(got, tt.uses) {
			t.Errorf("%s: Uses() = %v, want %v", tt.src, got, tt.uses)
		}
		if got := p.NumberUses(); !equalInts(got, tt.numbers) {
			t.Errorf("%s: NumberUses() = %v, want %v", tt.src, got, tt.numbers)
		}
	}
}

// TestRowDuplicateColumn: a header name given twice is an error only when a
// rule reads it.
func TestRowDuplicateColumn(t *testing.T) {
	cols := []Column{{"a", NumberColumn}, {"b", TextColumn}, {"a", NumberColumn}}
	if _, err := CompileRow(`b == "x"`, cols, ConditionRule); err != nil {
		t.Errorf("rule not reading the repeated column: %v", err)
	}
	_, err := CompileRow(`a > 1`, cols, ConditionRule)
	if err == nil || !strings.Contains(err.Error(), "column a appears more than once in the header") {
		t.Errorf("rule reading the repeated column: %v", err)
	}
}

// TestFormulaRejectsText: formulas (Parse, Compile) have no text; the new
// syntax gives a clear error there, and a backquoted name is a name.
func TestFormulaRejectsText(t *testing.T) {
	tests := []struct {
		src string
		col int
		msg string
	}{
		{`if(aov > 1, "a", 2)`, 13, "text such as \"a\" is for row rules"},
		{`if(starts_with(aov, 1), 1, 2)`, 4, "starts_with works on text, which only row rules"},
		{`lower(aov)`, 1, "lower works on text"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.src)
		var ee *ExprError
		if !errors.As(err, &ee) || ee.Column != tt.col || !strings.Contains(ee.Msg, tt.msg) {
			t.Errorf("Parse(%q): %v; want column %d containing %q", tt.src, err, tt.col, tt.msg)
		}
	}
	p, err := Compile("`gross margin` * aov", []string{"aov", "gross margin"})
	if err != nil {
		t.Fatal(err)
	}
	if v, err := p.Eval([]float64{100, 0.3}); err != nil || v != 30 {
		t.Errorf("`gross margin` * aov = %v, %v; want 30", v, err)
	}
	e, err := Parse("`gross margin` * aov")
	if err != nil {
		t.Fatal(err)
	}
	if got := templateOf(e); got != "{gross margin} * {aov}" {
		t.Errorf("template %q", got)
	}
}

// TestRowAllocs: a numeric rule allocates nothing per row; text functions
// other than lower neither.
func TestRowAllocs(t *testing.T) {
	row := rowOf(t, "C536379", "United Kingdom", "-2", "2.5", "14527", "")
	amount, err := CompileRow("Quantity * `Unit Price`", rowCols, NumberRule)
	if err != nil {
		t.Fatal(err)
	}
	where, err := CompileRow(`Country == "United Kingdom" && !is_empty(CustomerID) && starts_with(InvoiceNo, "C")`, rowCols, ConditionRule)
	if err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, func() { _, _ = amount.Number(row); _ = where.Condition(row) }); n != 0 {
		t.Errorf("row rules allocate %v times per row, want 0", n)
	}
}
