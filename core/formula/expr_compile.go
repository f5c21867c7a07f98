package formula

import (
	"fmt"
	"math"
	"strings"

	"github.com/clvkit/clvkit/internal/suggest"
)

// Program is an Expr compiled against a fixed list of input names into a tree
// of closures over a slot array: input i is x[i]. Constant sub-expressions are
// folded at compile time. A Program is immutable and safe for concurrent use.
type Program struct {
	expr  *Expr
	names []string
	fn    numFn
}

type (
	numFn  func(x []float64) float64
	boolFn func(x []float64) bool
)

// Compile parses src and binds it to names (see Parse and Expr.Compile).
func Compile(src string, names []string) (*Program, error) {
	e, err := Parse(src)
	if err != nil {
		return nil, err
	}
	return e.Compile(names)
}

// Compile binds e to names, so that Program.Eval reads the value of names[i]
// from x[i]. Each name of e must be in names (otherwise an *ExprError at the
// first unknown name, with a suggestion when a name is close); names e does
// not use are allowed. names must not repeat.
func (e *Expr) Compile(names []string) (*Program, error) {
	slot := make(map[string]int, len(names))
	for i, n := range names {
		if _, dup := slot[n]; dup {
			return nil, fmt.Errorf("compile %q: input name %q is listed twice", e.src, n)
		}
		slot[n] = i
	}
	for _, v := range e.vars {
		if _, ok := slot[v.text]; !ok {
			msg := fmt.Sprintf("unknown name %q", v.text)
			if s, caseOnly, ok := suggest.Closest(v.text, names); ok && caseOnly {
				msg += fmt.Sprintf(" (did you mean %q? names are case-sensitive)", s)
			} else if ok {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			if len(names) > 0 {
				msg += " (inputs: " + strings.Join(names, ", ") + ")"
			} else {
				msg += " (no inputs are defined)"
			}
			return nil, newExprError(e.src, v.pos, "%s", msg)
		}
	}
	c := compiler{slot: slot}
	return &Program{expr: e, names: append([]string(nil), names...), fn: c.num(e.root).fn()}, nil
}

// Names returns the input names in slot order: Eval reads names[i] from x[i].
func (p *Program) Names() []string { return append([]string(nil), p.names...) }

// String returns the expression's source.
func (p *Program) String() string { return p.expr.src }

// Eval evaluates the program with x[i] the value of Names()[i]. It allocates
// nothing and always terminates.
//
// Arithmetic follows IEEE 754: division by zero gives ±Inf, sqrt(-1) and
// log(-1) give NaN, overflow gives ±Inf, and comparisons with NaN are false.
// Only the final result is checked: if it is NaN or ±Inf, Eval returns it
// together with ErrNonFinite (unwrapped, so the check allocates nothing). An
// intermediate infinity that cancels out, as in 1/(1/0) = 0, is not an error.
// Eval returns an error if x is shorter than Names().
func (p *Program) Eval(x []float64) (float64, error) {
	if len(x) < len(p.names) {
		return 0, fmt.Errorf("evaluate %q: got %d values, want %d (%s)", p.expr.src, len(x), len(p.names), strings.Join(p.names, ", "))
	}
	v := p.fn(x)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return v, ErrNonFinite
	}
	return v, nil
}

// operand is a compiled number-valued node: a constant, an input slot or a
// closure. Keeping constants and slots apart lets binary operators avoid a
// closure call per leaf, the main cost of a closure tree.
type operand struct {
	kind operandKind
	c    float64
	slot int
	f    numFn
}

type operandKind uint8

const (
	opConst operandKind = iota
	opSlot
	opFunc
)

func (o operand) fn() numFn {
	switch o.kind {
	case opConst:
		c := o.c
		return func([]float64) float64 { return c }
	case opSlot:
		s := o.slot
		return func(x []float64) float64 { return x[s] }
	}
	return o.f
}

type compiler struct{ slot map[string]int }

func (c *compiler) num(n *node) operand {
	switch n.kind {
	case nodeNum:
		return operand{kind: opConst, c: n.num}
	case nodeVar:
		return operand{kind: opSlot, slot: c.slot[n.name]}
	case nodeNeg:
		a := c.num(n.args[0])
		if a.kind == opConst {
			return operand{kind: opConst, c: -a.c}
		}
		f := a.fn()
		return operand{kind: opFunc, f: func(x []float64) float64 { return -f(x) }}
	case nodeBin:
		return arith(n.op, c.num(n.args[0]), c.num(n.args[1]))
	case nodeCall:
		return c.call(n)
	}
	panic("formula: compile: number node of kind " + fmt.Sprint(n.kind)) // unreachable: Parse type-checks
}

func (c *compiler) call(n *node) operand {
	if n.op == "if" {
		cond := c.boolean(n.args[0])
		a, b := c.num(n.args[1]).fn(), c.num(n.args[2]).fn()
		return operand{kind: opFunc, f: func(x []float64) float64 {
			if cond(x) {
				return a(x)
			}
			return b(x)
		}}
	}
	args := make([]operand, len(n.args))
	allConst := true
	for i, a := range n.args {
		args[i] = c.num(a)
		allConst = allConst && args[i].kind == opConst
	}
	fs := make([]numFn, len(args))
	for i, a := range args {
		fs[i] = a.fn()
	}
	var f numFn
	switch n.op {
	case "min", "max":
		pick := math.Min
		if n.op == "max" {
			pick = math.Max
		}
		if len(fs) == 2 {
			a, b := fs[0], fs[1]
			f = func(x []float64) float64 { return pick(a(x), b(x)) }
			break
		}
		f = func(x []float64) float64 {
			v := fs[0](x)
			for _, g := range fs[1:] {
				v = pick(v, g(x))
			}
			return v
		}
	case "pow":
		a, b := fs[0], fs[1]
		f = func(x []float64) float64 { return math.Pow(a(x), b(x)) }
	case "clamp":
		v, lo, hi := fs[0], fs[1], fs[2]
		f = func(x []float64) float64 { return math.Min(math.Max(v(x), lo(x)), hi(x)) }
	default:
		g := unaryFuncs[n.op]
		a := fs[0]
		f = func(x []float64) float64 { return g(a(x)) }
	}
	if allConst {
		return operand{kind: opConst, c: f(nil)}
	}
	return operand{kind: opFunc, f: f}
}

var unaryFuncs = map[string]func(float64) float64{
	"abs": math.Abs, "sqrt": math.Sqrt, "exp": math.Exp, "log": math.Log,
	"round": math.Round, "floor": math.Floor, "ceil": math.Ceil,
}

func (c *compiler) boolean(n *node) boolFn {
	switch n.kind {
	case nodeNot:
		a := c.boolean(n.args[0])
		return func(x []float64) bool { return !a(x) }
	case nodeBin:
		switch n.op {
		case "&&":
			a, b := c.boolean(n.args[0]), c.boolean(n.args[1])
			return func(x []float64) bool { return a(x) && b(x) }
		case "||":
			a, b := c.boolean(n.args[0]), c.boolean(n.args[1])
			return func(x []float64) bool { return a(x) || b(x) }
		}
		a, b := c.num(n.args[0]).fn(), c.num(n.args[1]).fn()
		switch n.op {
		case "<":
			return func(x []float64) bool { return a(x) < b(x) }
		case "<=":
			return func(x []float64) bool { return a(x) <= b(x) }
		case ">":
			return func(x []float64) bool { return a(x) > b(x) }
		case ">=":
			return func(x []float64) bool { return a(x) >= b(x) }
		case "==":
			return func(x []float64) bool { return a(x) == b(x) }
		case "!=":
			return func(x []float64) bool { return a(x) != b(x) }
		}
	}
	panic("formula: compile: condition node " + n.op) // unreachable: Parse type-checks
}

// arith compiles a binary arithmetic operator, folding constants and
// specialising the common leaf shapes (slot∘slot, f∘slot, slot∘const, ...).
// Addition and multiplication are exactly commutative in IEEE 754, so their
// operands may be swapped to reach a specialised shape.
func arith(op string, l, r operand) operand {
	if l.kind == opConst && r.kind == opConst {
		return operand{kind: opConst, c: apply(op, l.c, r.c)}
	}
	if (op == "+" || op == "*") && (l.kind == opConst || l.kind == opSlot && r.kind == opFunc) {
		l, r = r, l
	}
	var f numFn
	switch op {
	case "+":
		f = add(l, r)
	case "-":
		f = sub(l, r)
	case "*":
		f = mul(l, r)
	case "/":
		f = div(l, r)
	default: // "^"
		a, b := l.fn(), r.fn()
		f = func(x []float64) float64 { return math.Pow(a(x), b(x)) }
	}
	return operand{kind: opFunc, f: f}
}

func apply(op string, a, b float64) float64 {
	switch op {
	case "+":
		return a + b
	case "-":
		return a - b
	case "*":
		return a * b
	case "/":
		return a / b
	}
	return math.Pow(a, b)
}

func add(l, r operand) numFn {
	i, j, c, f, g := l.slot, r.slot, r.c, l.f, r.f
	switch {
	case l.kind == opSlot && r.kind == opSlot:
		return func(x []float64) float64 { return x[i] + x[j] }
	case l.kind == opSlot && r.kind == opConst:
		return func(x []float64) float64 { return x[i] + c }
	case l.kind == opFunc && r.kind == opSlot:
		return func(x []float64) float64 { return f(x) + x[j] }
	case l.kind == opFunc && r.kind == opConst:
		return func(x []float64) float64 { return f(x) + c }
	}
	f, g = l.fn(), r.fn()
	return func(x []float64) float64 { return f(x) + g(x) }
}

func sub(l, r operand) numFn {
	i, j, lc, rc, f, g := l.slot, r.slot, l.c, r.c, l.f, r.f
	switch {
	case l.kind == opSlot && r.kind == opSlot:
		return func(x []float64) float64 { return x[i] - x[j] }
	case l.kind == opSlot && r.kind == opConst:
		return func(x []float64) float64 { return x[i] - rc }
	case l.kind == opConst && r.kind == opSlot:
		return func(x []float64) float64 { return lc - x[j] }
	case l.kind == opFunc && r.kind == opSlot:
		return func(x []float64) float64 { return f(x) - x[j] }
	case l.kind == opFunc && r.kind == opConst:
		return func(x []float64) float64 { return f(x) - rc }
	case l.kind == opSlot && r.kind == opFunc:
		return func(x []float64) float64 { return x[i] - g(x) }
	}
	f, g = l.fn(), r.fn()
	return func(x []float64) float64 { return f(x) - g(x) }
}

func mul(l, r operand) numFn {
	i, j, c, f, g := l.slot, r.slot, r.c, l.f, r.f
	switch {
	case l.kind == opSlot && r.kind == opSlot:
		return func(x []float64) float64 { return x[i] * x[j] }
	case l.kind == opSlot && r.kind == opConst:
		return func(x []float64) float64 { return x[i] * c }
	case l.kind == opFunc && r.kind == opSlot:
		return func(x []float64) float64 { return f(x) * x[j] }
	case l.kind == opFunc && r.kind == opConst:
		return func(x []float64) float64 { return f(x) * c }
	}
	f, g = l.fn(), r.fn()
	return func(x []float64) float64 { return f(x) * g(x) }
}

func div(l, r operand) numFn {
	i, j, lc, rc, f, g := l.slot, r.slot, l.c, r.c, l.f, r.f
	switch {
	case l.kind == opSlot && r.kind == opSlot:
		return func(x []float64) float64 { return x[i] / x[j] }
	case l.kind == opSlot && r.kind == opConst:
		return func(x []float64) float64 { return x[i] / rc }
	case l.kind == opConst && r.kind == opSlot:
		return func(x []float64) float64 { return lc / x[j] }
	case l.kind == opFunc && r.kind == opSlot:
		return func(x []float64) float64 { return f(x) / x[j] }
	case l.kind == opFunc && r.kind == opConst:
		return func(x []float64) float64 { return f(x) / rc }
	case l.kind == opSlot && r.kind == opFunc:
		return func(x []float64) float64 { return x[i] / g(x) }
	}
	f, g = l.fn(), r.fn()
	return func(x []float64) float64 { return f(x) / g(x) }
}

// closest returns the name in names within edit distance 2 of s, if any.
func closest(s string, names []string) string {
	best, bestD := "", 3
	for _, n := range names {
		if d := editDistance(s, n); d < bestD {
			best, bestD = n, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b (bytes).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
