package sqlgen

import (
	"fmt"
	"math"

	"github.com/clvkit/clvkit/core/formula"
)

// RuleError is a row rule (where, amount_expr or is_return) that cannot be
// translated: it does not parse (Err is then a *formula.ExprError with
// its line and column) or holds a value the dialect cannot write.
type RuleError struct {
	Rule string // "where", "amount_expr" or "is_return"
	Err  error
}

func (e *RuleError) Error() string { return e.Rule + ": " + e.Err.Error() }

// Unwrap returns the underlying error.
func (e *RuleError) Unwrap() error { return e.Err }

// rule translates the row rule src (of kind) to SQL over the table alias
// t. The rule is parsed and type-checked by core/formula
// (formula.ParseRowRule: the table's columns are not known here, so every
// name is a column, read as a number or, where text is expected, as
// text) and written from its tree:
//
//   - a column read as a number is CAST(t.c AS DOUBLE): rules compute in
//     float64 in clv, and an integer column must not divide as integers.
//     NULL plays the part of clv's NaN (an empty number cell);
//   - a column read as text is COALESCE(CAST(t.c AS TEXT), ”): clv reads
//     an empty cell as "", never as missing;
//   - a comparison of numbers is written so that it is true or false,
//     never NULL: a < b is (CASE WHEN a < b THEN 1 ELSE 0 END = 1) and
//     a != b is (CASE WHEN a = b THEN 0 ELSE 1 END = 1), as a comparison
//     with NaN is false, except != which is true. Conditions are thus
//     two-valued, and !, && and || are NOT, AND and OR;
//   - numbers and strings of the rule are bind parameters (or literals
//     written by the dialect's quoting with Options.Inline).
func (g *gen) rule(name, src string, kind formula.RuleKind) (string, error) {
	p, err := formula.ParseRowRule(src, kind)
	if err != nil {
		return "", &RuleError{Rule: name, Err: err}
	}
	s, err := g.node(p.Tree())
	if err != nil {
		return "", &RuleError{Rule: name, Err: err}
	}
	return s, nil
}

func (g *gen) node(n formula.RowNode) (string, error) {
	d := g.d
	args := make([]string, len(n.Args))
	for i, a := range n.Args {
		s, err := g.node(a)
		if err != nil {
			return "", err
		}
		args[i] = s
	}
	switch n.Kind {
	case formula.RowNumber:
		if math.IsInf(n.Number, 0) || math.IsNaN(n.Number) {
			return "", fmt.Errorf("number %v at byte %d is not finite", n.Number, n.Pos)
		}
		return g.arg(n.Number, typeDouble)
	case formula.RowString:
		return g.arg(n.Text, typeText)
	case formula.RowColumn:
		c, err := d.ident(n.Name)
		if err != nil {
			return "", fmt.Errorf("column: %w", err)
		}
		c = "t." + c
		if n.Type == formula.RowText {
			return "COALESCE(" + d.cast(c, typeText) + ", '')", nil
		}
		return d.cast(c, typeDouble), nil
	case formula.RowNeg:
		return "(-" + args[0] + ")", nil
	case formula.RowNot:
		return "(NOT " + args[0] + ")", nil
	case formula.RowBinary:
		a, b := args[0], args[1]
		switch n.Op {
		case "&&":
			return "(" + a + " AND " + b + ")", nil
		case "||":
			return "(" + a + " OR " + b + ")", nil
		case "+", "-", "*", "/":
			return "(" + a + " " + n.Op + " " + b + ")", nil
		case "^":
			return "POWER(" + a + ", " + b + ")", nil
		}
		if n.Args[0].Type == formula.RowText {
			// Text is never NULL here (COALESCE), so = is two-valued.
			if n.Op == "==" {
				return "(" + a + " = " + b + ")", nil
			}
			return "(" + a + " <> " + b + ")", nil
		}
		switch n.Op {
		case "==":
			return "(CASE WHEN " + a + " = " + b + " THEN 1 ELSE 0 END = 1)", nil
		case "!=":
			return "(CASE WHEN " + a + " = " + b + " THEN 0 ELSE 1 END = 1)", nil
		}
		return "(CASE WHEN " + a + " " + n.Op + " " + b + " THEN 1 ELSE 0 END = 1)", nil
	case formula.RowCall:
		return g.call(n.Op, args)
	}
	return "", fmt.Errorf("unknown rule node kind %d", n.Kind)
}

// call writes the function fn of the rule language over the translated
// arguments.
func (g *gen) call(fn string, args []string) (string, error) {
	d := g.d
	switch fn {
	case "if":
		return "(CASE WHEN " + args[0] + " THEN " + args[1] + " ELSE " + args[2] + " END)", nil
	case "min", "max":
		// Pairwise, as ClickHouse's least and greatest take two arguments.
		f := "LEAST"
		if fn == "max" {
			f = "GREATEST"
		}
		s := args[0]
		for _, a := range args[1:] {
			s = f + "(" + s + ", " + a + ")"
		}
		return s, nil
	case "clamp":
		return "LEAST(GREATEST(" + args[0] + ", " + args[1] + "), " + args[2] + ")", nil
	case "abs", "sqrt", "exp", "floor":
		return upper(fn) + "(" + args[0] + ")", nil
	case "ceil":
		return "CEIL(" + args[0] + ")", nil
	case "log":
		if d == ClickHouse {
			return "log(" + args[0] + ")", nil // natural logarithm
		}
		return "LN(" + args[0] + ")", nil
	case "pow":
		return "POWER(" + args[0] + ", " + args[1] + ")", nil
	case "round":
		// Half away from zero, as Go's math.Round. PostgreSQL rounds a
		// double half to even and ClickHouse a float likewise, so they
		// get it written out; the others' ROUND is half away from zero.
		switch d {
		case Postgres, ClickHouse:
			return "(SIGN(" + args[0] + ") * FLOOR(ABS(" + args[0] + ") + 0.5))", nil
		}
		return "ROUND(" + args[0] + ")", nil
	case "lower":
		if d == ClickHouse {
			return "lowerUTF8(" + args[0] + ")", nil
		}
		return "LOWER(" + args[0] + ")", nil
	case "is_empty":
		return "(" + d.trimBlanks(args[0]) + " = '')", nil
	case "starts_with":
		switch d {
		case Postgres, DuckDB:
			return "starts_with(" + args[0] + ", " + args[1] + ")", nil
		case BigQuery:
			return "STARTS_WITH(" + args[0] + ", " + args[1] + ")", nil
		case Snowflake:
			return "STARTSWITH(" + args[0] + ", " + args[1] + ")", nil
		case Spark:
			return "startswith(" + args[0] + ", " + args[1] + ")", nil
		}
		return "startsWith(" + args[0] + ", " + args[1] + ")", nil
	case "ends_with":
		switch d {
		case Postgres:
			return "(RIGHT(" + args[0] + ", LENGTH(" + args[1] + ")) = " + args[1] + ")", nil
		case DuckDB:
			return "ends_with(" + args[0] + ", " + args[1] + ")", nil
		case BigQuery:
			return "ENDS_WITH(" + args[0] + ", " + args[1] + ")", nil
		case Snowflake:
			return "ENDSWITH(" + args[0] + ", " + args[1] + ")", nil
		case Spark:
			return "endswith(" + args[0] + ", " + args[1] + ")", nil
		}
		return "endsWith(" + args[0] + ", " + args[1] + ")", nil
	case "contains":
		switch d {
		case Postgres, BigQuery:
			return "(STRPOS(" + args[0] + ", " + args[1] + ") > 0)", nil
		case DuckDB:
			return "contains(" + args[0] + ", " + args[1] + ")", nil
		case Snowflake:
			return "CONTAINS(" + args[0] + ", " + args[1] + ")", nil
		case Spark:
			return "contains(" + args[0] + ", " + args[1] + ")", nil
		}
		return "(position(" + args[0] + ", " + args[1] + ") > 0)", nil
	}
	return "", fmt.Errorf("function %s has no SQL translation", fn)
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}
