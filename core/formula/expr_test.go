package formula

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// exprTest evaluates src with a = 2, b = 3, c = 4, d = 0 (slots 0..3).
type exprTest struct {
	src  string
	want float64
}

var exprNames = []string{"a", "b", "c", "d"}
var exprValues = []float64{2, 3, 4, 0}

var exprTests = []exprTest{
	// Numbers.
	{"1", 1}, {"0.5", 0.5}, {".5", 0.5}, {"1e3", 1000}, {"2.5E-2", 0.025}, {"1e+2", 100},
	// Precedence: * / before + −, left-associative.
	{"1 + 2 * 3", 7},      // 1 + 6
	{"(1 + 2) * 3", 9},    //
	{"a + b * c", 14},     // 2 + 12
	{"10 - 4 - 3", 3},     // (10 − 4) − 3, not 10 − 1
	{"64 / 4 / 2", 8},     // (64 / 4) / 2
	{"a * b / c", 1.5},    // 6 / 4
	{"c - a * b + 1", -1}, // 4 − 6 + 1
	// Power: right-associative, tighter than unary minus, ** as a synonym.
	{"2 ^ 3 ^ 2", 512}, // 2^(3^2) = 2^9
	{"2 ** 3 ** 2", 512},
	{"(2 ^ 3) ^ 2", 64},
	{"-2 ^ 2", -4}, // −(2²)
	{"(-2) ^ 2", 4},
	{"2 ^ -1", 0.5},   // unary minus in the exponent
	{"a * b ^ 2", 18}, // 2 × 9
	// Unary minus and plus.
	{"-a", -2}, {"--a", 2}, {"-a * -b", 6}, {"+a", 2}, {"a - -b", 5}, {"-(a + b)", -5},
	// Functions.
	{"min(a, b, c)", 2}, {"max(a, b, c)", 4}, {"min(c)", 4}, {"abs(-3)", 3}, {"abs(a - c)", 2},
	{"sqrt(c)", 2}, {"exp(0)", 1}, {"log(exp(b))", 3}, {"pow(a, b)", 8},
	{"round(2.5)", 3}, {"round(-2.5)", -3}, {"round(2.4)", 2}, // half away from zero
	{"floor(-1.5)", -2}, {"ceil(-1.5)", -1},
	{"clamp(c, 0, 3)", 3}, {"clamp(-a, 0, 3)", 0}, {"clamp(b, 0, 5)", 3},
	// Conditions and if; only the branch taken matters.
	{"if(a < b, 10, 20)", 10}, {"if(a > b, 10, 20)", 20},
	{"if(a <= 2, 1, 0)", 1}, {"if(a >= 3, 1, 0)", 0}, {"if(a == 2, 1, 0)", 1}, {"if(a != 2, 1, 0)", 0},
	{"if(a < b && b < c, 1, 0)", 1}, {"if(a > b || b < c, 1, 0)", 1}, {"if(!(a < b), 1, 0)", 0},
	{"if(a < b || a > b && d > 0, 1, 0)", 1}, // && binds tighter: a<b || (a>b && d>0)
	{"if(d == 0, 0, a / d)", 0},              // the guarded division is not taken
	{"if(a + 1 > b, 1, 0)", 0},               // arithmetic binds tighter than comparison: 3 > 3
	// Constant folding must give the same numbers.
	{"2 * 3 + a", 8}, {"a + 2 * 3", 8}, {"1 - a", -1}, {"1 / a", 0.5}, {"a / 4", 0.5}, {"sqrt(16) * a", 8},
	// Names that are also function names are inputs when not called.
	{"  a\t*\n b  ", 6},
}

func TestExprEval(t *testing.T) {
	for _, tt := range exprTests {
		p, err := Compile(tt.src, exprNames)
		if err != nil {
			t.Errorf("Compile(%q): %v", tt.src, err)
			continue
		}
		got, err := p.Eval(exprValues)
		if err != nil || !close(got, tt.want) {
			t.Errorf("%q = %g, %v; want %g", tt.src, got, err, tt.want)
		}
	}
}

// TestExprNonFinite: IEEE arithmetic, but a non-finite result is reported.
func TestExprNonFinite(t *testing.T) {
	for _, tt := range []struct {
		src  string
		want float64
	}{
		{"a / d", math.Inf(1)}, {"-a / d", math.Inf(-1)}, {"d / d", math.NaN()},
		{"sqrt(-1)", math.NaN()}, {"log(d)", math.Inf(-1)}, {"log(-a)", math.NaN()}, {"exp(1000)", math.Inf(1)},
		{"1e308 * 10", math.Inf(1)},
	} {
		p, err := Compile(tt.src, exprNames)
		if err != nil {
			t.Fatalf("Compile(%q): %v", tt.src, err)
		}
		got, err := p.Eval(exprValues)
		if err != ErrNonFinite {
			t.Errorf("%q: err = %v, want ErrNonFinite", tt.src, err)
		}
		if !(got == tt.want || math.IsNaN(got) && math.IsNaN(tt.want)) {
			t.Errorf("%q = %g, want %g", tt.src, got, tt.want)
		}
	}
	// An infinity that cancels out is not an error: only the result is checked.
	p, _ := Compile("1 / (1 / d)", exprNames)
	if got, err := p.Eval(exprValues); got != 0 || err != nil {
		t.Errorf("1/(1/d) = %g, %v; want 0, nil", got, err)
	}
	if _, err := p.Eval(nil); err == nil {
		t.Error("Eval with too few values: got no error")
	}
}

// exprErrTest expects an *ExprError at column col whose message contains msg.
type exprErrTest struct {
	src  string
	col  int
	msg  string
	line int // 0 means 1
}

var exprErrTests = []exprErrTest{
	{src: "aov * frequncy", col: 7, msg: `unknown name "frequncy" (did you mean "frequency"?)`},
	// Case differs only: the suggestion says names are case-sensitive (the
	// edit distance AOV → aov is 3, too far for a plain suggestion).
	{src: "AOV * 2", col: 1, msg: `unknown name "AOV" (did you mean "aov"? names are case-sensitive)`},
	{src: "aov * Frequncy", col: 7, msg: `unknown name "Frequncy" (did you mean "frequency"?)`},
	{src: "aov * lifespan * zzz", col: 18, msg: `unknown name "zzz"`},
	{src: "aov *\n  zzz", line: 2, col: 3, msg: `unknown name "zzz"`},
	{src: "aov 3", col: 5, msg: "unexpected number 3 after a complete expression"},
	{src: "aov * 2)", col: 8, msg: `unbalanced ")"`},
	{src: "(aov * 2", col: 1, msg: `unbalanced "("`},
	{src: "((aov)", col: 1, msg: `unbalanced "("`},
	{src: "min(aov, 2", col: 4, msg: `unbalanced "("`},
	{src: "aov *", col: 6, msg: "unexpected end of expression"},
	{src: "", col: 1, msg: "unexpected end of expression"},
	{src: "* aov", col: 1, msg: `unexpected "*"`},
	{src: "aov # 2", col: 5, msg: `unexpected character '#'`},
	{src: "aov = 2", col: 5, msg: "write == to compare"},
	{src: "2aov", col: 2, msg: "write * to multiply"},
	{src: "1e", col: 2, msg: "after the number 1"},
	{src: "1e999", col: 1, msg: "out of range"},
	{src: "foo(aov)", col: 1, msg: `unknown function "foo"`},
	{src: "pow(aov)", col: 1, msg: "pow takes 2 argument(s), got 1"},
	{src: "min()", col: 1, msg: "min takes at least 1 argument(s), got 0"},
	{src: "clamp(1, 2)", col: 1, msg: "clamp takes 3 argument(s)"},
	{src: "max(1 2)", col: 7, msg: `expected "," or ")" in the call of max`},
	{src: "aov > 100", col: 5, msg: "is a condition"},
	{src: "aov + (aov > 1)", col: 5, msg: "operator + needs numbers"},
	{src: "if(aov, 1, 2)", col: 4, msg: "first argument of if must be a condition"},
	{src: "if(aov > 1, aov > 2, 2)", col: 13, msg: "argument 2 of if must be a number"},
	{src: "if(aov && 1, 1, 2)", col: 8, msg: "operator && needs conditions"},
	{src: "if(1 < 2 < 3, 1, 2)", col: 10, msg: "cannot be chained"},
	{src: "-(aov > 1)", col: 1, msg: "unary - needs a number"},
	{src: "!aov", col: 1, msg: "! needs a condition"},
	{src: strings.Repeat("(", 70) + "1" + strings.Repeat(")", 70), col: 65, msg: "nested too deeply"},
	{src: strings.Repeat("-", 100) + "1", col: 65, msg: "nested too deeply"},
	{src: "2" + strings.Repeat("^2", 100), msg: "nested too deeply", col: 130},
	{src: "1" + strings.Repeat(" + 1", 1100), col: MaxExprLen + 1, msg: "longer than 4096 bytes"},
	{src: "é + 1", col: 1, msg: `unexpected character 'é'`},
	{src: "aov + é", col: 7, msg: `unexpected character 'é'`}, // columns count runes
}

func TestExprErrors(t *testing.T) {
	names := []string{"aov", "frequency", "lifespan"}
	for _, tt := range exprErrTests {
		_, err := Compile(tt.src, names)
		var ee *ExprError
		if !errors.As(err, &ee) {
			t.Errorf("Compile(%.40q): error %v, want an *ExprError", tt.src, err)
			continue
		}
		line := tt.line
		if line == 0 {
			line = 1
		}
		if ee.Column != tt.col || ee.Line != line || !strings.Contains(ee.Msg, tt.msg) {
			t.Errorf("Compile(%.40q): %d:%d %q; want %d:%d containing %q", tt.src, ee.Line, ee.Column, ee.Msg, line, tt.col, tt.msg)
		}
	}
}

func TestExprNames(t *testing.T) {
	e, err := Parse("b * a + max(b, c) - if(d > 0, a, 1)")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(e.Names(), ","); got != "b,a,c,d" {
		t.Errorf("Names() = %s, want b,a,c,d (first appearance, no repeats)", got)
	}
	if _, err := e.Compile([]string{"a", "a", "b", "c", "d"}); err == nil {
		t.Error("duplicate input names: got no error")
	}
	// Extra, unused names are fine; slots follow the given order.
	p, err := e.Compile([]string{"unused", "d", "c", "b", "a"})
	if err != nil {
		t.Fatal(err)
	}
	// b=3, a=2, c=4, d=0: 3×2 + 4 − 1 = 9
	if got, err := p.Eval([]float64{99, 0, 4, 3, 2}); got != 9 || err != nil {
		t.Errorf("Eval = %g, %v; want 9", got, err)
	}
}

func TestExprEvalDoesNotAllocate(t *testing.T) {
	p, err := Compile("if(aov > 0, aov * frequency * lifespan * margin - cac, max(0, -cac))", []string{"aov", "frequency", "lifespan", "margin", "cac"})
	if err != nil {
		t.Fatal(err)
	}
	x := []float64{100, 3, 5, 0.3, 50}
	if n := testing.AllocsPerRun(100, func() { _, _ = p.Eval(x) }); n != 0 {
		t.Errorf("Eval allocates %v times per call, want 0", n)
	}
	x[4] = math.Inf(1)
	if n := testing.AllocsPerRun(100, func() { _, _ = p.Eval(x) }); n != 0 {
		t.Errorf("Eval of a non-finite result allocates %v times per call, want 0", n)
	}
}
