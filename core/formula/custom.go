package formula

import (
	"errors"
	"fmt"
	"strings"
)

// Custom defines a formula written as an expression, as it appears in the
// TOML config ([[formula]] tables) and in the browser page. See Parse for the
// expression language.
type Custom struct {
	ID          string  // snake_case, e.g. "net_clv"
	Name        string  // human title; defaults to ID
	Expr        string  // e.g. "aov * frequency * lifespan * margin - cac"
	Inputs      []Input // optional; see NewCustom
	Output      Unit    // optional; defaults to UnitMoney
	Explanation string  // optional plain-language explanation
}

// NewCustom compiles c into a Formula that can be added to a Registry.
//
// If c.Inputs is empty, the inputs are the names the expression uses, in order
// of first appearance; a name that is also an input of a built-in formula
// (aov, frequency, lifespan, churn, gross_margin, retention, discount, cac,
// ...) takes that input's unit, range, default and descriptions, and any other
// name accepts any finite number. If c.Inputs is given, every name in the
// expression must be one of them (an *ExprError at the first one that is
// not), and Eval checks each value against its Range.
//
// The formula's Eval returns an error wrapping ErrNonFinite (and the value) if
// the expression evaluates to NaN or ±Inf, e.g. after a division by zero.
// For evaluation over many rows without allocation, use Compile directly.
func NewCustom(c Custom) (Formula, error) {
	if !isSnakeCase(c.ID) {
		return Formula{}, fmt.Errorf("custom formula %q: the ID must be snake_case, e.g. net_clv", c.ID)
	}
	e, err := Parse(c.Expr)
	if err != nil {
		return Formula{}, fmt.Errorf("custom formula %s: %w", c.ID, err)
	}
	ins := c.Inputs
	if len(ins) == 0 {
		known := knownInputs()
		for _, name := range e.Names() {
			in, ok := known[name]
			if !ok {
				in = Input{Name: name, Label: name, Unit: UnitNumber, Description: "Input of the custom formula " + c.ID + "."}
			}
			ins = append(ins, in)
		}
	}
	names := make([]string, len(ins))
	for i, in := range ins {
		names[i] = in.Name
	}
	prog, err := e.Compile(names)
	if err != nil {
		return Formula{}, fmt.Errorf("custom formula %s: %w", c.ID, err)
	}
	f := Formula{
		ID: c.ID, Name: c.Name, Family: "custom", Text: c.Expr,
		Inputs: append([]Input(nil), ins...), Output: c.Output, Explanation: c.Explanation,
		Source: "custom expression", template: templateOf(e),
	}
	if f.Name == "" {
		f.Name = c.ID
	}
	if f.Output == "" {
		f.Output = UnitMoney
	}
	id, checked := f.ID, f.Inputs
	f.eval = func(x []float64) (float64, error) {
		for i, in := range checked {
			if err := in.check(id, x[i]); err != nil {
				return 0, err
			}
		}
		v, err := prog.Eval(x)
		if errors.Is(err, ErrNonFinite) {
			return v, fmt.Errorf("formula %s: %w", id, err)
		}
		return v, err
	}
	return f, nil
}

// knownInputs maps the name of every built-in input to its definition (the
// first formula's definition where two formulas share a name).
func knownInputs() map[string]Input {
	m := make(map[string]Input)
	for _, f := range builtinFormulas() {
		for _, in := range f.Inputs {
			if _, ok := m[in.Name]; !ok {
				m[in.Name] = in
			}
		}
	}
	return m
}

// templateOf returns the expression source with every input name replaced by
// a {name} placeholder, for Render.
func templateOf(e *Expr) string {
	var b strings.Builder
	last := 0
	for _, v := range e.vars {
		b.WriteString(e.src[last:v.pos]) // the lexer rejects braces, so the source has none
		b.WriteString("{" + v.text + "}")
		last = v.end
	}
	b.WriteString(e.src[last:])
	return b.String()
}
