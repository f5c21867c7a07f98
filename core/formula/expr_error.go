package formula

import "fmt"

// ExprError is a syntax, type or name error in a custom expression, with its
// position, in the manner of toml.ParseError. Column counts characters (runes)
// from 1, so an editor can put the cursor on it; Pos is the byte offset.
type ExprError struct {
	Src    string // the expression
	Pos    int    // byte offset of the offending token, 0-based
	Line   int    // line of Pos, from 1
	Column int    // column of Pos in runes, from 1
	Msg    string // what is wrong
}

func (e *ExprError) Error() string {
	return fmt.Sprintf("expression: line %d, column %d: %s", e.Line, e.Column, e.Msg)
}

// newExprError builds an *ExprError at byte offset pos of src.
func newExprError(src string, pos int, format string, args ...any) *ExprError {
	if pos > len(src) {
		pos = len(src)
	}
	line, col := 1, 1
	for _, r := range src[:pos] {
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return &ExprError{Src: src, Pos: pos, Line: line, Column: col, Msg: fmt.Sprintf(format, args...)}
}
