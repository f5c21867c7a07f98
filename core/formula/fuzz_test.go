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
