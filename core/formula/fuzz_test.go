package formula

import (
	"errors"
	"math"
	"testing"
)

// FuzzExpr checks that no source makes Parse, Compile, Eval or Render panic
// or hang, that errors are *ExprError with a position inside the source, and
// that Eval's error agrees with the finiteness of its result.
func FuzzExpr(f *testing.F) {
	for _, tt := range exprTests {
		f.Add(tt.src)
	}
	for _, tt := range exprErrTests {
		if len(tt.src) < 200 {
			f.Add(tt.src)
		}
	}
	f.Add("if(a > b && !(c < d) || a == 1, min(a, b, c) ^ 2 ** -1, clamp(log(a), -1e3, .5))")
	names := []string{"a", "b", "c", "d"}
	rows := [][]float64{{2, 3, 4, 0}, {0, 0, 0, 0}, {-1, 1e308, -1e-308, 0.5}}
	f.Fuzz(func(t *testing.T, src string) {
		e, err := Parse(src)
		if err != nil {
			var ee *ExprError
			if !errors.As(err, &ee) || ee.Pos < 0 || ee.Pos > len(src) || ee.Column < 1 || ee.Line < 1 {
				t.Fatalf("Parse(%q): bad error %#v", src, err)
			}
			return
		}
		p, err := e.Compile(names)
		if err != nil {
			var ee *ExprError
			if !errors.As(err, &ee) {
				t.Fatalf("Compile(%q): %v is not an *ExprError", src, err)
			}
			return
		}
		for _, x := range rows {
			v, err := p.Eval(x)
			finite := !math.IsNaN(v) && !math.IsInf(v, 0)
			if finite != (err == nil) {
				t.Fatalf("%q at %v = %g with error %v", src, x, v, err)
			}
		}
		c, err := NewCustom(Custom{ID: "fuzz", Expr: src})
		if err != nil {
			t.Fatalf("NewCustom(%q) failed after Parse succeeded: %v", src, err)
		}
		_, _ = c.Render(c.Defaults(), nil)
	})
}

// FuzzRowRule checks that no source makes CompileRow or a row rule's
// evaluation panic or hang, as a number or as a condition, that errors are
// *ExprError with a position inside the source, and that Number's error
// agrees with the finiteness of its result.
func FuzzRowRule(f *testing.F) {
	for _, tt := range rowCondTests {
		f.Add(tt.src)
	}
	for _, tt := range rowErrTests {
		f.Add(tt.src)
	}
	f.Add("if(starts_with(lower(`Unit Price`), \"c\\\"\") || is_empty(note), Quantity, -`Unit Price` ^ 2)")
	f.Add(`contains(note, "\t") && ends_with(Country, "") != is_empty(Country)`)
	rows := []*Row{
		{Num: []float64{0, 0, -2, 2.5, 14527, 0}, Text: []string{"C536379", "United Kingdom", "-2", "2.5", "14527", ""}},
		{Num: []float64{0, 0, math.NaN(), 0, math.NaN(), 0}, Text: []string{"", "", "", "0", " ", "ÄÖ"}},
	}
	f.Fuzz(func(t *testing.T, src string) {
		for _, kind := range []RuleKind{NumberRule, ConditionRule} {
			p, err := CompileRow(src, rowCols, kind)
			if err != nil {
				var ee *ExprError
				if !errors.As(err, &ee) || ee.Pos < 0 || ee.Pos > len(src) || ee.Column < 1 || ee.Line < 1 {
					t.Fatalf("CompileRow(%q): bad error %#v", src, err)
				}
				continue
			}
			for _, u := range p.Uses() {
				if u < 0 || u >= len(rowCols) {
					t.Fatalf("%q uses column %d", src, u)
				}
			}
			for _, r := range rows {
				if kind == ConditionRule {
					_ = p.Condition(r)
					continue
				}
				v, err := p.Number(r)
				if finite := !math.IsNaN(v) && !math.IsInf(v, 0); finite != (err == nil) {
					t.Fatalf("%q on %v = %g with error %v", src, r.Text, v, err)
				}
			}
		}
	})
}
