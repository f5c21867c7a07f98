package formula

import "strconv"

// Limits that keep parsing and evaluation bounded whatever the input.
const (
	// MaxExprLen is the longest expression source accepted, in bytes.
	MaxExprLen = 4096
	// MaxExprDepth is the deepest nesting accepted: parentheses, function
	// calls, unary operators and right-associative powers each add a level.
	MaxExprDepth = 64
)

type valueType uint8

const (
	typeNumber valueType = iota
	typeBool
)

type nodeKind uint8

const (
	nodeNum  nodeKind = iota // a number literal
	nodeVar                  // an input name
	nodeNeg                  // unary minus
	nodeNot                  // !
	nodeBin                  // binary operator
	nodeCall                 // function call, including if
)

type node struct {
	kind nodeKind
	typ  valueType
	pos  int     // byte offset of the token that made the node
	op   string  // operator (nodeBin) or function name (nodeCall)
	num  float64 // nodeNum
	name string  // nodeVar
	args []*node // operands
}

// funcSpec describes a built-in function: how many arguments it takes (max
// −1: any number ≥ min). All take and return numbers, except if, whose first
// argument is a condition.
type funcSpec struct{ min, max int }

var funcs = map[string]funcSpec{
	"min": {1, -1}, "max": {1, -1}, "abs": {1, 1}, "sqrt": {1, 1}, "exp": {1, 1},
	"log": {1, 1}, "pow": {2, 2}, "round": {1, 1}, "floor": {1, 1}, "ceil": {1, 1},
	"clamp": {3, 3}, "if": {3, 3},
}

// Expr is a parsed and type-checked custom expression over named inputs; see
// Parse for the language. Bind it to input positions with Compile.
type Expr struct {
	src   string
	root  *node
	names []string // distinct input names in order of first appearance
	vars  []token  // every input-name token, for Render and name errors
}

// Parse parses and type-checks an expression. The language is arithmetic
// over named inputs, all values float64:
//
//	numbers     1  0.5  .5  1e3  2.5E-2
//	names       aov  gross_margin  (letters, digits, _; not starting with a digit)
//	operators   from loosest to tightest binding:
//	            ||                  or         (conditions)
//	            &&                  and        (conditions)
//	            < <= > >= == !=     compare two numbers, giving a condition;
//	                                not chainable (a < b < c is an error)
//	            + -                 left-associative
//	            * /                 left-associative
//	            - + !               unary (! negates a condition)
//	            ^ or **             power, right-associative: 2^3^2 = 2^9;
//	                                binds tighter than unary minus: -2^2 = -4
//	functions   min(a, ...) max(a, ...) abs sqrt exp log (natural) pow(x, y)
//	            round (half away from zero) floor ceil
//	            clamp(x, lo, hi) = min(max(x, lo), hi)
//	            if(condition, a, b): a when the condition holds, else b;
//	            only the branch taken is evaluated
//
// Conditions (comparisons, &&, ||, !) are a separate type: they can only be
// the first argument of if or the operands of && || !, and the whole
// expression must be a number. So "aov > 100" alone is an error; write
// "if(aov > 100, 1, 0)". There are no loops, assignments or user functions, so
// evaluation always terminates, in time proportional to the length.
//
// Parse rejects sources longer than MaxExprLen or nested deeper than
// MaxExprDepth. Every error is an *ExprError giving the line and column.
// Names are not checked here; Compile checks them against the inputs.
func Parse(src string) (*Expr, error) {
	if len(src) > MaxExprLen {
		return nil, newExprError(src, MaxExprLen, "expression is longer than %d bytes", MaxExprLen)
	}
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{src: src, toks: toks}
	root, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tokEOF {
		if t.kind == tokRParen {
			return nil, newExprError(src, t.pos, "unbalanced \")\": no matching \"(\"")
		}
		return nil, newExprError(src, t.pos, "unexpected %s after a complete expression", describe(t))
	}
	if root.typ != typeNumber {
		return nil, newExprError(src, root.pos, "the expression is a condition (true/false), not a number; use if(condition, a, b)")
	}
	e := &Expr{src: src, root: root, vars: p.vars}
	seen := make(map[string]bool)
	for _, v := range p.vars {
		if !seen[v.text] {
			seen[v.text] = true
			e.names = append(e.names, v.text)
		}
	}
	return e, nil
}

// String returns the source of e.
func (e *Expr) String() string { return e.src }

// Names returns the distinct input names e uses, in order of first
// appearance.
func (e *Expr) Names() []string { return append([]string(nil), e.names...) }

type parser struct {
	src   string
	toks  []token
	i     int
	depth int
	vars  []token
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token { t := p.toks[p.i]; p.i++; return t }

func (p *parser) isOp(ops ...string) bool {
	t := p.peek()
	if t.kind != tokOp {
		return false
	}
	for _, op := range ops {
		if t.text == op {
			return true
		}
	}
	return false
}

func (p *parser) enter(pos int) error {
	p.depth++
	if p.depth > MaxExprDepth {
		return newExprError(p.src, pos, "expression is nested too deeply (more than %d levels)", MaxExprDepth)
	}
	return nil
}

func (p *parser) leave() { p.depth-- }

func (p *parser) parseOr() (*node, error) {
	return p.parseLogic("||", p.parseAnd)
}

func (p *parser) parseAnd() (*node, error) {
	return p.parseLogic("&&", p.parseCompare)
}

func (p *parser) parseLogic(op string, operand func() (*node, error)) (*node, error) {
	l, err := operand()
	if err != nil {
		return nil, err
	}
	for p.isOp(op) {
		t := p.next()
		r, err := operand()
		if err != nil {
			return nil, err
		}
		if err := p.want(t, l, r, typeBool); err != nil {
			return nil, err
		}
		l = &node{kind: nodeBin, typ: typeBool, pos: t.pos, op: op, args: []*node{l, r}}
	}
	return l, nil
}

func (p *parser) parseCompare() (*node, error) {
	l, err := p.parseAdd()
	if err != nil {
		return nil, err
	}
	if !p.isOp("<", "<=", ">", ">=", "==", "!=") {
		return l, nil
	}
	t := p.next()
	r, err := p.parseAdd()
	if err != nil {
		return nil, err
	}
	if err := p.want(t, l, r, typeNumber); err != nil {
		return nil, err
	}
	if p.isOp("<", "<=", ">", ">=", "==", "!=") {
		return nil, newExprError(p.src, p.peek().pos, "comparisons cannot be chained; combine them with &&")
	}
	return &node{kind: nodeBin, typ: typeBool, pos: t.pos, op: t.text, args: []*node{l, r}}, nil
}

func (p *parser) parseAdd() (*node, error) {
	return p.parseArith(p.parseMul, "+", "-")
}

func (p *parser) parseMul() (*node, error) {
	return p.parseArith(p.parseUnary, "*", "/")
}

func (p *parser) parseArith(operand func() (*node, error), ops ...string) (*node, error) {
	l, err := operand()
	if err != nil {
		return nil, err
	}
	for p.isOp(ops...) {
		t := p.next()
		r, err := operand()
		if err != nil {
			return nil, err
		}
		if err := p.want(t, l, r, typeNumber); err != nil {
			return nil, err
		}
		l = &node{kind: nodeBin, typ: typeNumber, pos: t.pos, op: t.text, args: []*node{l, r}}
	}
	return l, nil
}

func (p *parser) parseUnary() (*node, error) {
	if !p.isOp("-", "+", "!") {
		return p.parsePower()
	}
	t := p.next()
	if err := p.enter(t.pos); err != nil {
		return nil, err
	}
	defer p.leave()
	x, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	switch t.text {
	case "!":
		if x.typ != typeBool {
			return nil, newExprError(p.src, t.pos, "! needs a condition such as x > 0, not a number")
		}
		return &node{kind: nodeNot, typ: typeBool, pos: t.pos, args: []*node{x}}, nil
	case "-":
		if x.typ != typeNumber {
			return nil, newExprError(p.src, t.pos, "unary - needs a number, not a condition")
		}
		return &node{kind: nodeNeg, typ: typeNumber, pos: t.pos, args: []*node{x}}, nil
	}
	if x.typ != typeNumber {
		return nil, newExprError(p.src, t.pos, "unary + needs a number, not a condition")
	}
	return x, nil
}

func (p *parser) parsePower() (*node, error) {
	base, err := p.parsePrimary()
	if err != nil {
		return nil, err
	}
	if !p.isOp("^", "**") {
		return base, nil
	}
	t := p.next()
	if err := p.enter(t.pos); err != nil {
		return nil, err
	}
	defer p.leave()
	exp, err := p.parseUnary() // right-associative, and 2^-1 is allowed
	if err != nil {
		return nil, err
	}
	if err := p.want(t, base, exp, typeNumber); err != nil {
		return nil, err
	}
	return &node{kind: nodeBin, typ: typeNumber, pos: t.pos, op: "^", args: []*node{base, exp}}, nil
}

func (p *parser) parsePrimary() (*node, error) {
	t := p.next()
	switch t.kind {
	case tokNum:
		return &node{kind: nodeNum, typ: typeNumber, pos: t.pos, num: t.num}, nil
	case tokName:
		if p.peek().kind == tokLParen {
			return p.parseCall(t)
		}
		p.vars = append(p.vars, t)
		return &node{kind: nodeVar, typ: typeNumber, pos: t.pos, name: t.text}, nil
	case tokLParen:
		if err := p.enter(t.pos); err != nil {
			return nil, err
		}
		defer p.leave()
		x, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		if c := p.next(); c.kind != tokRParen {
			if c.kind == tokEOF {
				return nil, newExprError(p.src, t.pos, "unbalanced \"(\": no matching \")\"")
			}
			return nil, newExprError(p.src, c.pos, "expected \")\" to close the \"(\" at column %d, found %s", newExprError(p.src, t.pos, "").Column, describe(c))
		}
		return x, nil
	case tokEOF:
		return nil, newExprError(p.src, t.pos, "unexpected end of expression: a number, name or \"(\" is missing")
	}
	return nil, newExprError(p.src, t.pos, "unexpected %s: expected a number, name or \"(\"", describe(t))
}

func (p *parser) parseCall(name token) (*node, error) {
	spec, ok := funcs[name.text]
	if !ok {
		return nil, newExprError(p.src, name.pos, "unknown function %q (functions: abs, ceil, clamp, exp, floor, if, log, max, min, pow, round, sqrt)", name.text)
	}
	open := p.next() // (
	if err := p.enter(open.pos); err != nil {
		return nil, err
	}
	defer p.leave()
	var args []*node
	var starts []int // where each argument begins, for error positions
	if p.peek().kind != tokRParen {
		for {
			starts = append(starts, p.peek().pos)
			a, err := p.parseOr()
			if err != nil {
				return nil, err
			}
			args = append(args, a)
			if p.peek().kind != tokComma {
				break
			}
			p.next()
		}
	}
	if c := p.next(); c.kind != tokRParen {
		if c.kind == tokEOF {
			return nil, newExprError(p.src, open.pos, "unbalanced \"(\": %s( has no matching \")\"", name.text)
		}
		return nil, newExprError(p.src, c.pos, "expected \",\" or \")\" in the call of %s, found %s", name.text, describe(c))
	}
	if len(args) < spec.min || spec.max >= 0 && len(args) > spec.max {
		want := strconv.Itoa(spec.min)
		switch {
		case spec.max < 0:
			want = "at least " + want
		case spec.max != spec.min:
			want += " to " + strconv.Itoa(spec.max)
		}
		return nil, newExprError(p.src, name.pos, "%s takes %s argument(s), got %d", name.text, want, len(args))
	}
	for i, a := range args {
		wantType := typeNumber
		if name.text == "if" && i == 0 {
			wantType = typeBool
		}
		if a.typ != wantType {
			if wantType == typeBool {
				return nil, newExprError(p.src, starts[i], "the first argument of if must be a condition such as x > 0, not a number")
			}
			return nil, newExprError(p.src, starts[i], "argument %d of %s must be a number, not a condition", i+1, name.text)
		}
	}
	return &node{kind: nodeCall, typ: typeNumber, pos: name.pos, op: name.text, args: args}, nil
}

// want checks that both operands of the operator t have type typ.
func (p *parser) want(t token, l, r *node, typ valueType) error {
	for _, x := range [2]*node{l, r} {
		if x.typ == typ {
			continue
		}
		if typ == typeNumber {
			return newExprError(p.src, t.pos, "operator %s needs numbers, but an operand is a condition (true/false); use if(condition, a, b)", t.text)
		}
		return newExprError(p.src, t.pos, "operator %s needs conditions such as x > 0, but an operand is a number", t.text)
	}
	return nil
}

func describe(t token) string {
	switch t.kind {
	case tokEOF:
		return "end of expression"
	case tokNum:
		return "number " + t.text
	case tokName:
		return "name " + strconv.Quote(t.text)
	}
	return strconv.Quote(t.text)
}
