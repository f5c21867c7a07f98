package sqlgen

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/clvkit/clvkit/core/formula"
	"github.com/clvkit/clvkit/core/summary"
)

// readLiteral reads back a string literal as the dialect's engine reads
// it (each engine's documented string syntax), for FuzzStringLiteral.
func readLiteral(d Dialect, lit string) (string, bool) {
	switch d {
	case Postgres: // $tag$...$tag$: no escapes
		if !strings.HasPrefix(lit, "$") {
			return "", false
		}
		end := strings.Index(lit[1:], "$") + 2
		tag := lit[:end]
		if !strings.HasSuffix(lit, tag) || len(lit) < 2*len(tag) {
			return "", false
		}
		body := lit[len(tag) : len(lit)-len(tag)]
		return body, !strings.Contains(body, tag)
	case DuckDB: // '...' with '' for a quote
		if len(lit) < 2 || lit[0] != '\'' || lit[len(lit)-1] != '\'' {
			return "", false
		}
		body := lit[1 : len(lit)-1]
		if strings.Contains(strings.ReplaceAll(body, "''", ""), "'") {
			return "", false
		}
		return strings.ReplaceAll(body, "''", "'"), true
	}
	// '...' with backslash escapes.
	if len(lit) < 2 || lit[0] != '\'' || lit[len(lit)-1] != '\'' {
		return "", false
	}
	body := lit[1 : len(lit)-1]
	var b strings.Builder
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c == '\'' {
			return "", false // an unescaped quote ends the literal early
		}
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		i++
		if i >= len(body) {
			return "", false
		}
		switch body[i] {
		case '\\', '\'':
			b.WriteByte(body[i])
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'x':
			v, err := strconv.ParseUint(body[i+1:min(i+3, len(body))], 16, 8)
			if err != nil {
				return "", false
			}
			b.WriteByte(byte(v))
			i += 2
		case 'u':
			v, err := strconv.ParseUint(body[i+1:min(i+5, len(body))], 16, 16)
			if err != nil {
				return "", false
			}
			b.WriteRune(rune(v))
			i += 4
		default:
			return "", false
		}
	}
	return b.String(), true
}

// FuzzStringLiteral: every valid UTF-8 string without NUL is written as a
// literal that each engine reads back as the same string, and nothing
// else is accepted.
func FuzzStringLiteral(f *testing.F) {
	for _, s := range []string{"", "UK", "it's", `a\b`, "$s$", "$s$$s0$", "\n\t\r\x01\x7f", "é€😀", "''", `\'`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, d := range Dialects() {
			lit, err := d.stringLiteral(s)
			if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
				if err == nil {
					t.Fatalf("%v: %q accepted", d, s)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%v: %q: %v", d, s, err)
			}
			if back, ok := readLiteral(d, lit); !ok || back != s {
				t.Fatalf("%v: %q written as %s, read back as %q (%v)", d, s, lit, back, ok)
			}
		}
	})
}

// FuzzRule: a rule that core/formula accepts translates for every
// dialect, in both modes, unless a string in it cannot be written (NUL,
// invalid UTF-8) or a name cannot be quoted; outside string literals the
// SQL's parentheses balance; and what does not parse is a *RuleError
// wrapping core/formula's *ExprError.
func FuzzRule(f *testing.F) {
	for _, s := range []string{`Country == "UK"`, `a > 1 && !is_empty(b) || starts_with(c, "x")`, `if(a < 2, min(a, b), clamp(a, 0, 1)) != 3`,
		"`Unit Price` * 2 > 1", `contains(lower(d), "it's")`, `a ==`, `"x"`, `round(a) ^ 2 >= -a`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if src == "" {
			return // no rule
		}
		p, perr := formula.ParseRowRule(src, formula.ConditionRule)
		var strs []string
		if perr == nil {
			var walk func(n formula.RowNode)
			walk = func(n formula.RowNode) {
				if n.Kind == formula.RowString {
					strs = append(strs, n.Text)
				}
				for _, a := range n.Args {
					walk(a)
				}
			}
			walk(p.Tree())
		}
		for _, d := range Dialects() {
			for _, inline := range []bool{true, false} {
				o := Options{Dialect: d, Table: "t", Customer: "c", Date: "d", Unit: summary.Weeks,
					ObservationEnd: date("2024-12-31"), Rules: summary.RowRules{Where: src}, Inline: inline}
				q, err := Summary(o)
				if perr != nil {
					var re *RuleError
					var ee *formula.ExprError
					if !errors.As(err, &re) || !errors.As(err, &ee) {
						t.Fatalf("%v: %q: error %v, want a RuleError from the parser's %v", d, src, err, perr)
					}
					continue
				}
				if err != nil {
					var re *RuleError
					if !errors.As(err, &re) || !(strings.Contains(err.Error(), "UTF-8") || strings.Contains(err.Error(), "NUL") ||
						strings.Contains(err.Error(), "control character") || strings.Contains(err.Error(), "cannot hold")) {
						t.Fatalf("%v: %q parses but does not translate: %v", d, src, err)
					}
					continue
				}
				if !inline {
					// Every string of the rule is a bind parameter.
					args := map[string]bool{}
					for _, a := range q.Args {
						if s, ok := a.(string); ok {
							args[s] = true
						}
					}
					for _, s := range strs {
						if !args[s] {
							t.Fatalf("%v: %q: string %q is not among the bind parameters %v", d, src, s, q.Args)
						}
					}
				}
				if !balanced(d, q.SQL) {
					t.Fatalf("%v: %q: unbalanced parentheses outside literals:\n%s", d, src, q.SQL)
				}
			}
		}
	})
}

// balanced reports whether the parentheses of sql outside quoted strings
// and names balance (for the quoting of the dialect's literals).
func balanced(d Dialect, sql string) bool {
	depth := 0
	for i := 0; i < len(sql); i++ {
		switch c := sql[i]; c {
		case '(':
			depth++
		case ')':
			depth--
			if depth < 0 {
				return false
			}
		case '$':
			if d == Postgres {
				if j := strings.IndexByte(sql[i+1:], '$'); j >= 0 && strings.HasPrefix(sql[i+1:], "s") {
					tag := sql[i : i+j+2]
					k := strings.Index(sql[i+len(tag):], tag)
					if k < 0 {
						return false
					}
					i += len(tag) + k + len(tag) - 1
				}
			}
		case '\'', '"', '`':
			for i++; i < len(sql) && sql[i] != c; i++ {
				if sql[i] == '\\' && c == '\'' && d != DuckDB && d != Postgres {
					i++
				}
			}
		}
	}
	return depth == 0
}
