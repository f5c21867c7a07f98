package formula

import (
	"fmt"
	"math"
	"strings"
)

// ColumnType is the type of an input column of a row rule, as detected from
// the data (see CompileRow).
type ColumnType uint8

const (
	// NumberColumn is a column whose cells are numbers; an empty cell reads
	// as NaN.
	NumberColumn ColumnType = iota
	// TextColumn is any other column; its cells are read exactly as written.
	TextColumn
)

// String returns "number" or "text".
func (t ColumnType) String() string {
	if t == TextColumn {
		return "text"
	}
	return "number"
}

// Column is one input column a row rule may read: its name (a header cell)
// and its type.
type Column struct {
	Name string
	Type ColumnType
}

// RuleKind says what a row rule computes.
type RuleKind uint8

const (
	// NumberRule computes a number, such as an amount ("Quantity *
	// UnitPrice").
	NumberRule RuleKind = iota
	// ConditionRule decides true or false, such as a row filter
	// (`Country == "United Kingdom"`).
	ConditionRule
)

// Row is one input row as a RowProgram reads it. For column i of the list
// the program was compiled against, Text[i] is the cell as read and, for a
// NumberColumn, Num[i] is its value (NaN when the cell is empty). Both
// slices have one entry per column; only the columns Uses lists need to be
// filled in.
type Row struct {
	Num  []float64
	Text []string
}

// RowProgram is a row rule compiled against typed input columns: a number
// or a condition over one row of a table. A RowProgram is immutable and safe
// for concurrent use.
type RowProgram struct {
	src     string
	kind    RuleKind
	uses    []int
	numbers []int // the columns of uses read as numbers
	root    *node // the type-checked tree, for Tree
	num     func(*Row) float64
	cond    func(*Row) bool
}

// CompileRow parses a row rule over the columns cols and type-checks it as
// kind. A NumberColumn may also be read as text, where text is expected: a
// TextColumn never as a number. The language is that of Parse with text added (see the package
// documentation, "Row rules"): string literals ("UK", with the escapes \"
// \\ \n \t \r), == and != between texts, and the functions starts_with,
// ends_with, contains, lower and is_empty. A column name that is not a
// plain name is written in backquotes (`Unit Price`).
//
// Every name must be a column of cols (otherwise an *ExprError suggesting a
// close one); a name that two columns share is an error when used. A text
// column used where a number is needed, or compared with a number, is an
// *ExprError at the operator, with its line and column.
func CompileRow(src string, cols []Column, kind RuleKind) (*RowProgram, error) {
	return compileRow(src, cols, kind, false)
}

// compileRow is CompileRow; with anyColumn, a name that is not in cols is
// a number column too (read as text where text is expected), for
// ParseRowRule.
func compileRow(src string, cols []Column, kind RuleKind, anyColumn bool) (*RowProgram, error) {
	types := make(map[string]valueType, len(cols))
	slot := make(map[string]int, len(cols))
	names := make([]string, len(cols))
	dup := map[string]bool{}
	for i, c := range cols {
		names[i] = c.Name
		if _, ok := slot[c.Name]; ok {
			dup[c.Name] = true
			continue
		}
		slot[c.Name] = i
		types[c.Name] = typeNumber
		if c.Type == TextColumn {
			types[c.Name] = typeText
		}
	}
	root, vars, err := parseRowSource(src, types, names, anyColumn)
	if err != nil {
		return nil, err
	}
	if anyColumn {
		for _, v := range vars {
			if _, ok := slot[v.text]; !ok {
				slot[v.text] = len(names)
				names = append(names, v.text)
			}
		}
	}
	for _, v := range vars {
		if dup[v.text] {
			return nil, newExprError(src, v.pos, "column %s appears more than once in the header: rename one", quoteName(v.text))
		}
	}
	want := typeNumber
	if kind == ConditionRule {
		want = typeBool
	}
	if root.typ != want {
		if want == typeBool {
			return nil, newExprError(src, root.pos, "the rule is %s, not a condition; write a condition such as Country == \"UK\" or Quantity > 0", root.typ)
		}
		return nil, newExprError(src, root.pos, "the expression is %s, not a number", root.typ)
	}
	p := &RowProgram{src: src, kind: kind, root: root}
	seen := map[int]bool{}
	for _, v := range vars {
		if i := slot[v.text]; !seen[i] {
			seen[i] = true
			p.uses = append(p.uses, i)
		}
	}
	numeric := map[int]bool{}
	var walk func(n *node)
	walk = func(n *node) {
		if n.kind == nodeVar && n.typ == typeNumber {
			numeric[slot[n.name]] = true
		}
		for _, a := range n.args {
			walk(a)
		}
	}
	walk(root)
	for _, i := range p.uses {
		if numeric[i] {
			p.numbers = append(p.numbers, i)
		}
	}
	c := rowCompiler{compiler{slot: slot}}
	if kind == ConditionRule {
		p.cond = c.cond(root)
	} else {
		p.num = c.number(root)
	}
	return p, nil
}

// String returns the rule's source.
func (p *RowProgram) String() string { return p.src }

// Kind returns what the rule computes.
func (p *RowProgram) Kind() RuleKind { return p.kind }

// Uses returns the positions, in the column list given to CompileRow, of
// the columns the rule reads, in order of first appearance: Row.Text must
// hold their cells.
func (p *RowProgram) Uses() []int { return append([]int(nil), p.uses...) }

// NumberUses returns the positions of the columns of Uses that the rule
// reads as numbers: Row.Num must hold their values. A NumberColumn
// compared with a string or given to a text function is read as text
// (its cell as written) there.
func (p *RowProgram) NumberUses() []int { return append([]int(nil), p.numbers...) }

// Number evaluates a NumberRule on r. A NaN or infinite result (an empty
// number cell, a division by zero) is returned with ErrNonFinite. It
// returns an error for a ConditionRule.
func (p *RowProgram) Number(r *Row) (float64, error) {
	if p.num == nil {
		return 0, fmt.Errorf("evaluate %q: the rule is a condition, not a number", p.src)
	}
	v := p.num(r)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return v, ErrNonFinite
	}
	return v, nil
}

// Condition evaluates a ConditionRule on r; it is false for a NumberRule.
// Comparisons with NaN (an empty number cell) are false, except != which
// is true: test is_empty(column) first where a column may be blank.
func (p *RowProgram) Condition(r *Row) bool {
	if p.cond == nil {
		return false
	}
	return p.cond(r)
}

// rowCompiler compiles a type-checked row rule. Sub-expressions that read
// only numbers go through compiler, over Row.Num, so they are as fast as a
// formula; the rest are closures over the whole Row.
type rowCompiler struct{ c compiler }

// needsRow tells whether n reads text: a text node, a text function (which
// may read a number column's cell) or an operand that does.
func needsRow(n *node) bool {
	if n.typ == typeText || n.kind == nodeCall && funcs[n.op].text {
		return true
	}
	for _, a := range n.args {
		if needsRow(a) {
			return true
		}
	}
	return false
}

func (rc *rowCompiler) number(n *node) func(*Row) float64 {
	if !needsRow(n) {
		f := rc.c.num(n).fn()
		return func(r *Row) float64 { return f(r.Num) }
	}
	switch n.kind {
	case nodeNeg:
		a := rc.number(n.args[0])
		return func(r *Row) float64 { return -a(r) }
	case nodeBin:
		a, b := rc.number(n.args[0]), rc.number(n.args[1])
		switch n.op {
		case "+":
			return func(r *Row) float64 { return a(r) + b(r) }
		case "-":
			return func(r *Row) float64 { return a(r) - b(r) }
		case "*":
			return func(r *Row) float64 { return a(r) * b(r) }
		case "/":
			return func(r *Row) float64 { return a(r) / b(r) }
		}
		return func(r *Row) float64 { return math.Pow(a(r), b(r)) }
	case nodeCall:
		if n.op == "if" {
			cond := rc.cond(n.args[0])
			a, b := rc.number(n.args[1]), rc.number(n.args[2])
			return func(r *Row) float64 {
				if cond(r) {
					return a(r)
				}
				return b(r)
			}
		}
		fs := make([]func(*Row) float64, len(n.args))
		for i, a := range n.args {
			fs[i] = rc.number(a)
		}
		switch n.op {
		case "min", "max":
			pick := math.Min
			if n.op == "max" {
				pick = math.Max
			}
			return func(r *Row) float64 {
				v := fs[0](r)
				for _, g := range fs[1:] {
					v = pick(v, g(r))
				}
				return v
			}
		case "pow":
			return func(r *Row) float64 { return math.Pow(fs[0](r), fs[1](r)) }
		case "clamp":
			return func(r *Row) float64 { return math.Min(math.Max(fs[0](r), fs[1](r)), fs[2](r)) }
		}
		g, a := unaryFuncs[n.op], fs[0]
		return func(r *Row) float64 { return g(a(r)) }
	}
	panic("formula: compile row: number node of kind " + fmt.Sprint(n.kind)) // unreachable: type-checked
}

func (rc *rowCompiler) cond(n *node) func(*Row) bool {
	if !needsRow(n) {
		f := rc.c.boolean(n)
		return func(r *Row) bool { return f(r.Num) }
	}
	switch n.kind {
	case nodeNot:
		a := rc.cond(n.args[0])
		return func(r *Row) bool { return !a(r) }
	case nodeBin:
		switch n.op {
		case "&&":
			a, b := rc.cond(n.args[0]), rc.cond(n.args[1])
			return func(r *Row) bool { return a(r) && b(r) }
		case "||":
			a, b := rc.cond(n.args[0]), rc.cond(n.args[1])
			return func(r *Row) bool { return a(r) || b(r) }
		}
		if n.args[0].typ == typeText {
			a, b := rc.text(n.args[0]), rc.text(n.args[1])
			if n.op == "==" {
				return func(r *Row) bool { return a(r) == b(r) }
			}
			return func(r *Row) bool { return a(r) != b(r) }
		}
		a, b := rc.number(n.args[0]), rc.number(n.args[1])
		switch n.op {
		case "<":
			return func(r *Row) bool { return a(r) < b(r) }
		case "<=":
			return func(r *Row) bool { return a(r) <= b(r) }
		case ">":
			return func(r *Row) bool { return a(r) > b(r) }
		case ">=":
			return func(r *Row) bool { return a(r) >= b(r) }
		case "==":
			return func(r *Row) bool { return a(r) == b(r) }
		}
		return func(r *Row) bool { return a(r) != b(r) }
	case nodeCall:
		if n.op == "is_empty" {
			if v := n.args[0]; v.kind == nodeVar {
				i := rc.c.slot[v.name]
				return func(r *Row) bool { return isBlank(r.Text[i]) }
			}
			a := rc.text(n.args[0])
			return func(r *Row) bool { return isBlank(a(r)) }
		}
		a, b := rc.text(n.args[0]), rc.text(n.args[1])
		switch n.op {
		case "starts_with":
			return func(r *Row) bool { return strings.HasPrefix(a(r), b(r)) }
		case "ends_with":
			return func(r *Row) bool { return strings.HasSuffix(a(r), b(r)) }
		case "contains":
			return func(r *Row) bool { return strings.Contains(a(r), b(r)) }
		}
	}
	panic("formula: compile row: condition node " + n.op) // unreachable: type-checked
}

func (rc *rowCompiler) text(n *node) func(*Row) string {
	switch n.kind {
	case nodeStr:
		s := n.str
		return func(*Row) string { return s }
	case nodeVar:
		i := rc.c.slot[n.name]
		return func(r *Row) string { return r.Text[i] }
	case nodeCall: // lower
		a := rc.text(n.args[0])
		return func(r *Row) string { return strings.ToLower(a(r)) }
	}
	panic("formula: compile row: text node of kind " + fmt.Sprint(n.kind)) // unreachable: type-checked
}

// isBlank tells whether a cell is empty or only spaces and tabs.
func isBlank(s string) bool { return strings.Trim(s, " \t\r") == "" }
