package formula

// RowNodeKind is the kind of a RowNode.
type RowNodeKind uint8

const (
	// RowNumber is a number literal (RowNode.Number).
	RowNumber RowNodeKind = iota
	// RowColumn reads a column (RowNode.Name), as a number or, when its
	// Type is RowText, as its cell's text.
	RowColumn
	// RowString is a string literal (RowNode.Text).
	RowString
	// RowNeg is unary minus of Args[0].
	RowNeg
	// RowNot negates the condition Args[0].
	RowNot
	// RowBinary is Args[0] Op Args[1], Op one of + - * / ^ < <= > >= == !=
	// && || (a power is always "^", whether written ^ or **).
	RowBinary
	// RowCall is the function Op applied to Args: if, min, max, abs,
	// sqrt, exp, log, pow, round, floor, ceil, clamp, starts_with,
	// ends_with, contains, lower, is_empty.
	RowCall
)

// RowType is the type of a RowNode's value.
type RowType uint8

const (
	// RowNumberType is a number (float64 when evaluated here).
	RowNumberType RowType = iota
	// RowCondition is true or false.
	RowCondition
	// RowText is text.
	RowText
)

// RowNode is one node of a compiled row rule's type-checked tree: what a
// translator needs to write the rule in another language (host's SQL
// generator writes where, amount_expr and is_return as SQL from it, so
// the rule is parsed and checked by this package only). Nodes are
// copies: changing them changes nothing in the RowProgram.
type RowNode struct {
	Kind RowNodeKind
	// Type is the value's type. A RowColumn of a number column read as
	// text (compared with a string, an argument of a text function or
	// of is_empty) has Type RowText.
	Type   RowType
	Op     string    // RowBinary operator or RowCall function name
	Number float64   // RowNumber
	Name   string    // RowColumn: the column name
	Text   string    // RowString: the string's value (escapes resolved)
	Args   []RowNode // operands, in order
	// Pos is the byte offset in the rule's source of the token that made
	// the node, for messages.
	Pos int
}

// Tree returns the rule's type-checked tree.
func (p *RowProgram) Tree() RowNode { return rowNode(p.root) }

func rowNode(n *node) RowNode {
	r := RowNode{Op: n.op, Number: n.num, Name: n.name, Text: n.str, Pos: n.pos}
	switch n.kind {
	case nodeNum:
		r.Kind = RowNumber
	case nodeVar:
		r.Kind = RowColumn
	case nodeStr:
		r.Kind = RowString
	case nodeNeg:
		r.Kind = RowNeg
	case nodeNot:
		r.Kind = RowNot
	case nodeBin:
		r.Kind = RowBinary
	case nodeCall:
		r.Kind = RowCall
	}
	switch n.typ {
	case typeBool:
		r.Type = RowCondition
	case typeText:
		r.Type = RowText
	}
	if len(n.args) > 0 {
		r.Args = make([]RowNode, len(n.args))
		for i, a := range n.args {
			r.Args[i] = rowNode(a)
		}
	}
	return r
}

// ParseRowRule compiles a row rule whose columns are not known in
// advance, as for a database table: every name is a column, a number
// column (which is read as text where text is expected, see CompileRow).
// Tree then tells how each column is used. Errors are *ExprError as for
// CompileRow, except that no name is unknown.
func ParseRowRule(src string, kind RuleKind) (*RowProgram, error) {
	return compileRow(src, nil, kind, true)
}
