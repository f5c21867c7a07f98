package formula

import (
	"fmt"
	"strconv"
	"strings"
)

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
	typeText // row rules only: string literals, text columns, lower()
)

// String names the type as messages say it.
func (t valueType) String() string {
	switch t {
	case typeBool:
		return "a condition (true/false)"
	case typeText:
		return "text"
	}
	return "a number"
}

type nodeKind uint8

const (
	nodeNum  nodeKind = iota // a number literal
	nodeVar                  // an input name
	nodeNeg                  // unary minus
	nodeNot                  // !
	nodeBin                  // binary operator
	nodeCall                 // function call, including if
	nodeStr                  // a string literal (row rules only)
)

type node struct {
	kind nodeKind
	typ  valueType
	pos  int     // byte offset of the token that made the node
	op   string  // operator (nodeBin) or function name (nodeCall)
	num  float64 // nodeNum
	name string  // nodeVar
	str  string  // nodeStr
	args []*node // operands
}

// funcSpec describes a built-in function: how many arguments it takes (max
// −1: any number ≥ min). The numeric functions take and return numbers,
// except if, whose first argument is a condition. The text functions (text
// set) exist only in row rules: they take text and return a condition, or
// text for lower; is_empty also takes a column of any type.
type funcSpec struct {
	min, max int
	text     bool
}

var funcs = map[string]funcSpec{
	"min": {1, -1, false}, "max": {1, -1, false}, "abs": {1, 1, false}, "sqrt": {1, 1, false}, "exp": {1, 1, false},
	"log": {1, 1, false}, "pow": {2, 2, false}, "round": {1, 1, false}, "floor": {1, 1, false}, "ceil": {1, 1, false},
	"clamp": {3, 3, false}, "if": {3, 3, false},
	"starts_with": {2, 2, true}, "ends_with": {2, 2, true}, "contains": {2, 2, true},
	"lower": {1, 1, true}, "is_empty": {1, 1, true},
}

// funcList lists the functions for messages: the numeric ones, and in row
// rules the text ones too.
func funcList(rows bool) string {
	s := "abs, ceil, clamp, exp, floor, if, log, max, min, pow, round, sqrt"
	if rows {
		s += ", contains, ends_with, is_empty, lower, starts_with"
	}
	return s
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
//	            `gross margin` (any other name, in backquotes)
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
	root, vars, err := parseSource(src, nil, nil)
	if err != nil {
		return nil, err
	}
	if root.typ != typeNumber {
		return nil, newExprError(src, root.pos, "the expression is a condition (true/false), not a number; use if(condition, a, b)")
	}
	return newExpr(src, root, vars), nil
}

// newExpr makes the Expr of a parsed source.
func newExpr(src string, root *node, vars []token) *Expr {
	e := &Expr{src: src, root: root, vars: vars}
	seen := make(map[string]bool)
	for _, v := range vars {
		if !seen[v.text] {
			seen[v.text] = true
			e.names = append(e.names, v.text)
		}
	}
	return e
}

// parseSource lexes and parses src; cols, when not nil, types the names
// (row rules) and turns on text. The type of the root is not checked.
func parseSource(src string, cols map[string]valueType, colNames []string) (*node, []token, error) {
	return parseRowSource(src, cols, colNames, false)
}

// parseRowSource is parseSource; with anyColumn (and cols not nil), a name
// missing from cols is a number column rather than an error.
func parseRowSource(src string, cols map[string]valueType, colNames []string, anyColumn bool) (*node, []token, error) {
	if len(src) > MaxExprLen {
		return nil, nil, newExprError(src, MaxExprLen, "expression is longer than %d bytes", MaxExprLen)
	}
	toks, err := lex(src)
	if err != nil {
		return nil, nil, err
	}
	p := &parser{src: src, toks: toks, cols: cols, colNames: colNames, anyColumn: anyColumn}
	root, err := p.parseOr()
	if err != nil {
		return nil, nil, err
	}
	if t := p.peek(); t.kind != tokEOF {
		if t.kind == tokRParen {
			return nil, nil, newExprError(src, t.pos, "unbalanced \")\": no matching \"(\"")
		}
		return nil, nil, newExprError(src, t.pos, "unexpected %s after a complete expression", describe(t))
	}
	return root, p.vars, nil
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
	// cols types the input columns of a row rule; nil for a formula,
	// whose names are all numbers and which has no text.
	cols     map[string]valueType
	colNames []string // the columns in their order, for messages
	// anyColumn makes a name missing from cols a number column (see
	// ParseRowRule) instead of an unknown-column error.
	anyColumn bool
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
	if l.typ == typeText {
		p.asText(r)
	} else if r.typ == typeText {
		p.asText(l)
	}
	switch {
	case l.typ == typeText && r.typ == typeText:
		if t.text != "==" && t.text != "!=" {
			return nil, newExprError(p.src, t.pos, "text can only be compared with == and !=, not %s", t.text)
		}
	case l.typ == typeText || r.typ == typeText:
		other := r
		if r.typ == typeText {
			other = l
		}
		return nil, newExprError(p.src, t.pos, "operator %s compares text with %s%s; compare text with a string such as \"UK\"", t.text, other.typ, p.which(l, r))
	default:
		if err := p.want(t, l, r, typeNumber); err != nil {
			return nil, err
		}
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
			return nil, newExprError(p.src, t.pos, "! needs a condition such as x > 0, not %s", x.typ)
		}
		return &node{kind: nodeNot, typ: typeBool, pos: t.pos, args: []*node{x}}, nil
	case "-":
		if x.typ != typeNumber {
			return nil, newExprError(p.src, t.pos, "unary - needs a number, not %s", x.typ)
		}
		return &node{kind: nodeNeg, typ: typeNumber, pos: t.pos, args: []*node{x}}, nil
	}
	if x.typ != typeNumber {
		return nil, newExprError(p.src, t.pos, "unary + needs a number, not %s", x.typ)
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
		if p.peek().kind == tokLParen && !t.quoted {
			return p.parseCall(t)
		}
		p.vars = append(p.vars, t)
		typ := typeNumber
		if p.cols != nil {
			var ok bool
			if typ, ok = p.cols[t.text]; !ok && p.anyColumn {
				typ = typeNumber
			} else if !ok {
				return nil, newExprError(p.src, t.pos, "%s", unknownColumnMsg(t.text, p.colNames))
			}
		}
		return &node{kind: nodeVar, typ: typ, pos: t.pos, name: t.text}, nil
	case tokStr:
		if p.cols == nil {
			return nil, newExprError(p.src, t.pos, "text such as %s is for row rules (where, is_return, amount_expr); a formula has only numbers", strconv.Quote(t.text))
		}
		return &node{kind: nodeStr, typ: typeText, pos: t.pos, str: t.text}, nil
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

// asText reads a number column as text where text is expected (compared
// with a string, an argument of a text function): its cell as written, as
// in starts_with(InvoiceNo, "C") where the first rows' invoice numbers
// were all digits. A text column is never read as a number.
func (p *parser) asText(n *node) {
	if p.cols != nil && n.kind == nodeVar && n.typ == typeNumber {
		n.typ = typeText
	}
}

// which names the operand columns of a comparison, for a type error.
func (p *parser) which(l, r *node) string {
	var names []string
	for _, x := range [2]*node{l, r} {
		if x.kind == nodeVar {
			names = append(names, fmt.Sprintf("%s is %s", quoteName(x.name), x.typ))
		}
	}
	if len(names) == 0 {
		return ""
	}
	return " (" + strings.Join(names, ", ") + ")"
}

// unknownColumnMsg explains an unknown column name of a row rule,
// suggesting a close one.
func unknownColumnMsg(name string, cols []string) string {
	msg := fmt.Sprintf("unknown column %s", quoteName(name))
	if s := closestFold(name, cols); s != "" {
		msg += fmt.Sprintf(" (did you mean %s? names are case-sensitive)", quoteName(s))
	} else if s := closest(name, cols); s != "" {
		msg += fmt.Sprintf(" (did you mean %s?)", quoteName(s))
	}
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = quoteName(c)
	}
	return msg + " (columns: " + strings.Join(quoted, ", ") + ")"
}

// closestFold returns the name in names equal to s ignoring case, if any.
func closestFold(s string, names []string) string {
	for _, n := range names {
		if strings.EqualFold(s, n) {
			return n
		}
	}
	return ""
}

// quoteName writes a name as an expression must: bare when it is a plain
// name, else in backquotes.
func quoteName(name string) string {
	plain := name != ""
	for i := 0; i < len(name) && plain; i++ {
		plain = isNameStart(name[i]) || i > 0 && isDigit(name[i])
	}
	if plain {
		return name
	}
	return "`" + name + "`"
}

func (p *parser) parseCall(name token) (*node, error) {
	spec, ok := funcs[name.text]
	if !ok {
		return nil, newExprError(p.src, name.pos, "unknown function %q (functions: %s)", name.text, funcList(p.cols != nil))
	}
	if spec.text && p.cols == nil {
		return nil, newExprError(p.src, name.pos, "%s works on text, which only row rules (where, is_return, amount_expr) have; a formula has only numbers", name.text)
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
	result := typeNumber
	for i, a := range args {
		wantType := typeNumber
		switch {
		case name.text == "if" && i == 0:
			wantType = typeBool
		case spec.text:
			wantType = typeText
		}
		if name.text == "is_empty" && a.kind == nodeVar {
			a.typ = typeText // any column: is its cell blank
			continue
		}
		if wantType == typeText {
			p.asText(a)
		}
		if a.typ != wantType {
			switch {
			case wantType == typeBool:
				return nil, newExprError(p.src, starts[i], "the first argument of if must be a condition such as x > 0, not %s", a.typ)
			case name.text == "is_empty":
				return nil, newExprError(p.src, starts[i], "is_empty takes a column or text, not %s", a.typ)
			}
			return nil, newExprError(p.src, starts[i], "argument %d of %s must be %s, not %s", i+1, name.text, wantType, a.typ)
		}
	}
	switch {
	case name.text == "lower":
		result = typeText
	case spec.text:
		result = typeBool
	}
	return &node{kind: nodeCall, typ: result, pos: name.pos, op: name.text, args: args}, nil
}

// want checks that both operands of the operator t have type typ.
func (p *parser) want(t token, l, r *node, typ valueType) error {
	for _, x := range [2]*node{l, r} {
		if x.typ == typ {
			continue
		}
		if typ == typeNumber {
			if x.typ == typeText {
				return newExprError(p.src, t.pos, "operator %s needs numbers, but an operand is text", t.text)
			}
			return newExprError(p.src, t.pos, "operator %s needs numbers, but an operand is a condition (true/false); use if(condition, a, b)", t.text)
		}
		return newExprError(p.src, t.pos, "operator %s needs conditions such as x > 0, but an operand is %s", t.text, x.typ)
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
	case tokStr:
		return "string " + strconv.Quote(t.text)
	}
	return strconv.Quote(t.text)
}

// QuoteName writes a column name as an expression must: bare when it is a
// plain name (UnitPrice), else in backquotes (`Unit Price`).
func QuoteName(name string) string { return quoteName(name) }
