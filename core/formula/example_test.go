package formula_test

import (
	"errors"
	"fmt"

	"github.com/clvkit/clvkit/core/formula"
)

// The registry lists every formula; the CLI's `clv formulas` is this loop.
func ExampleBuiltin() {
	r := formula.Builtin()
	for _, f := range r.All()[:3] {
		fmt.Printf("%-24s %s\n", f.ID, f.Text)
	}
	// Output:
	// aov_frequency_lifespan   AOV × frequency × lifespan
	// aov_frequency_churn      AOV × frequency × (1 ÷ churn)
	// margin_clv               AOV × frequency × lifespan × gross margin
}

// `clv eval margin_clv aov=100 frequency=3 lifespan=5 gross_margin=0.3`.
func ExampleRegistry_Eval() {
	r := formula.Builtin()
	v, err := r.Eval("margin_clv", map[string]float64{"aov": 100, "frequency": 3, "lifespan": 5, "gross_margin": 0.3})
	fmt.Println(v, err)
	// Shares are fractions: 30 means 3000 %, which is rejected.
	_, err = r.Eval("margin_clv", map[string]float64{"aov": 100, "frequency": 3, "lifespan": 5, "gross_margin": 30})
	fmt.Println(err)
	// Output:
	// 450 <nil>
	// formula margin_clv: input "gross_margin" = 30: must be in (−∞, 1]; it is a fraction: 0.3 means 30 %
}

func ExampleFormula_Render() {
	f, _ := formula.Builtin().Lookup("aov_frequency_lifespan")
	s, _ := f.Render([]float64{100, 3, 5}, formula.Money("$"))
	fmt.Println(s)
	s, _ = f.Render([]float64{100, 3, 5}, nil)
	fmt.Println(s)
	// Output:
	// $100.00 × 3 × 5 = $1,500.00
	// 100 × 3 × 5 = 1500
}

// The three textbook variants for r = 0.8, d = 0.1 and $1 a period.
func ExampleRetentionA() {
	a, _ := formula.RetentionA(1, 0.8, 0.1)
	b, _ := formula.RetentionB(1, 0.8, 0.1)
	c, _ := formula.RetentionC(1, 0.8, 0.1)
	fmt.Printf("(a) %.3f  (b) %.3f  (c) %.3f\n", a, b, c)
	// Output:
	// (a) 2.667  (b) 3.667  (c) 3.333
}

func ExampleRetentionTruncated() {
	v, _ := formula.RetentionTruncated(100, 0.8, 0.1, 5) // 5 payments, the first now
	fmt.Printf("%.2f\n", v)
	// Output:
	// 292.06
}

// Zero churn is an infinite lifetime: a flagged infinity, never a silent NaN.
func ExampleSubscriptionLTV() {
	v, err := formula.SubscriptionLTV(50, 0.8, 0.03)
	fmt.Printf("%.2f %v\n", v, err)
	v, err = formula.SubscriptionLTV(50, 0.8, 0)
	fmt.Println(v, errors.Is(err, formula.ErrUnbounded))
	// Output:
	// 1333.33 <nil>
	// +Inf true
}

func ExampleNewCustom() {
	f, err := formula.NewCustom(formula.Custom{ID: "net_clv", Expr: "aov * frequency * lifespan * margin - cac"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f.InputNames())
	s, err := f.Render([]float64{100, 3, 5, 0.3, 50}, nil)
	fmt.Println(s, err)
	// Output:
	// [aov frequency lifespan margin cac]
	// 100 * 3 * 5 * 0.3 - 50 = 400 <nil>
}

// Compile once, then evaluate many rows without allocating.
func ExampleCompile() {
	p, err := formula.Compile("if(churn > 0, arpa * gross_margin / churn, 0)", []string{"arpa", "gross_margin", "churn"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, row := range [][]float64{{50, 0.8, 0.04}, {20, 0.5, 0}} {
		v, err := p.Eval(row)
		fmt.Println(v, err)
	}
	// Output:
	// 1000 <nil>
	// 0 <nil>
}

// Errors carry the position, for an editor or a config loader to point at.
func ExampleExprError() {
	_, err := formula.Compile("aov * frequncy", []string{"aov", "frequency"})
	var ee *formula.ExprError
	if errors.As(err, &ee) {
		fmt.Println(ee.Column)
	}
	fmt.Println(err)
	// Output:
	// 7
	// expression: line 1, column 7: unknown name "frequncy" (did you mean "frequency"?) (inputs: aov, frequency)
}

// An existing customer who has brought 500 so far, 2 years into an
// expected 5-year lifespan, with a margin of 100 a year discounted at 10 %
// a year: 500 + 100/1.1 + 100/1.1² + 100/1.1³.
func ExampleHistoricPlusRemaining() {
	v, _ := formula.HistoricPlusRemaining(500, 2, 5, 100, 0.10)
	fmt.Printf("%.2f\n", v)
	// Past the expected lifespan nothing remains: the value to date.
	v, _ = formula.HistoricPlusRemaining(500, 6, 5, 100, 0.10)
	fmt.Printf("%.2f\n", v)
	// Output:
	// 748.69
	// 500.00
}
