package segment

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// The condition language of Rule.When. Grammar:
//
//	when       = "true" | comparison { "&&" comparison }
//	comparison = name op number
//	           | name "in" number ".." number          (inclusive range)
//	           | name "in" "{" number { "," number } "}" (list)
//	           | name ("==" | "!=") text               (a text column)
//	           | name "in" "{" text { "," text } "}"   (a text column)
//	op         = "<" | "<=" | ">" | ">=" | "==" | "!="
//	name       = letter or "_", then letters, digits or "_"
//	number     = ["-"|"+"] digits ["." digits] [("e"|"E") ["-"|"+"] digits]
//	text       = '"' any characters but '"' '"'
//
// Every comparison therefore selects a union of intervals of one column,
// which is what lets Lint reason exactly. A text column (a customer
// attribute such as channel) is compared with == != and in only; NewMap
// numbers the texts the rules name for it 1..k in sorted order and any
// other value 0, so text comparisons are intervals of those codes too.

// scoreColumn identifies the columns derived from the RFM code.
type scoreColumn uint8

const (
	namedColumn scoreColumn = iota // a caller-supplied column such as clv
	colR
	colF
	colM
	colFM
	colCode
)

// lookupScoreColumn returns the derived score column a name refers to
// (case-insensitively), or namedColumn.
func lookupScoreColumn(name string) scoreColumn {
	switch strings.ToLower(name) {
	case "r":
		return colR
	case "f":
		return colF
	case "m":
		return colM
	case "fm":
		return colFM
	case "code":
		return colCode
	}
	return namedColumn
}

// name returns the canonical (lower-case) name of a derived score column.
func (s scoreColumn) name() string {
	return [...]string{"", "r", "f", "m", "fm", "code"}[s]
}

// value returns the derived column's value for code c.
func (s scoreColumn) value(c Code) float64 {
	switch s {
	case colR:
		return float64(c.R)
	case colF:
		return float64(c.F)
	case colM:
		return float64(c.M)
	case colFM:
		return c.FM()
	case colCode:
		return float64(c.Number())
	}
	panic("segment: value of a named column")
}

// interval is a set of reals between lo and hi, each end open or closed;
// lo may be −Inf and hi +Inf.
type interval struct {
	lo, hi         float64
	loOpen, hiOpen bool
}

// contains reports whether v is in the interval; NaN is in none.
func (iv interval) contains(v float64) bool {
	if v != v { // NaN
		return false
	}
	if v < iv.lo || v == iv.lo && iv.loOpen {
		return false
	}
	if v > iv.hi || v == iv.hi && iv.hiOpen {
		return false
	}
	return true
}

// comparison is one parsed comparison of a Rule.When.
type comparison struct {
	column string      // as written
	score  scoreColumn // namedColumn for caller-supplied columns
	op     string      // "<", "<=", ">", ">=", "==", "!=", "in..", "in{}"
	args   []float64   // one number; two for a range; the list
	text   []string    // a text comparison's texts (then args is empty)
	set    []interval  // what the comparison accepts (text: set by NewMap)
}

func (c comparison) accepts(v float64) bool {
	for _, iv := range c.set {
		if iv.contains(v) {
			return true
		}
	}
	return false
}

// String returns the canonical form of the comparison.
func (c comparison) String() string {
	num := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	if c.text != nil {
		if c.op == "in{}" {
			parts := make([]string, len(c.text))
			for i, t := range c.text {
				parts[i] = `"` + t + `"`
			}
			return c.column + " in {" + strings.Join(parts, ", ") + "}"
		}
		return c.column + " " + c.op + " " + `"` + c.text[0] + `"`
	}
	switch c.op {
	case "in..":
		return c.column + " in " + num(c.args[0]) + ".." + num(c.args[1])
	case "in{}":
		parts := make([]string, len(c.args))
		for i, v := range c.args {
			parts[i] = num(v)
		}
		return c.column + " in {" + strings.Join(parts, ", ") + "}"
	}
	return c.column + " " + c.op + " " + num(c.args[0])
}

// condition is a parsed Rule.When: a conjunction of comparisons; empty
// means "true".
type condition []comparison

func (c condition) String() string {
	if len(c) == 0 {
		return "true"
	}
	parts := make([]string, len(c))
	for i, cmp := range c {
		parts[i] = cmp.String()
	}
	return strings.Join(parts, " && ")
}

// syntaxError is a parse failure at a byte offset of the condition text.
type syntaxError struct {
	pos int // 0-based byte offset
	msg string
}

func (e *syntaxError) Error() string { return e.msg }

// parseCondition parses the condition language described above.
func parseCondition(src string) (condition, error) {
	p := &parser{src: src}
	p.next()
	if p.tok.kind == tokEOF {
		return nil, p.errorf(p.tok.pos, "empty condition; write \"true\" for a rule that matches everyone")
	}
	if p.tok.kind == tokName && p.tok.text == "true" {
		p.next()
		if p.tok.kind != tokEOF {
			return nil, p.errorf(p.tok.pos, "unexpected %s after \"true\"", p.tok)
		}
		return condition{}, nil
	}
	var cond condition
	for {
		cmp, err := p.comparison()
		if err != nil {
			return nil, err
		}
		cond = append(cond, cmp)
		switch p.tok.kind {
		case tokEOF:
			return cond, nil
		case tokAnd:
			p.next()
		default:
			return nil, p.errorf(p.tok.pos, "expected \"&&\" or end of condition, found %s", p.tok)
		}
	}
}

type tokKind uint8

const (
	tokEOF tokKind = iota
	tokName
	tokNumber
	tokOp    // < <= > >= ==
	tokAnd   // &&
	tokRange // ..
	tokLBrace
	tokRBrace
	tokComma
	tokText // "..."
	tokBad
)

type token struct {
	kind tokKind
	pos  int
	text string
	num  float64
}

func (t token) String() string {
	if t.kind == tokEOF {
		return "end of condition"
	}
	return strconv.Quote(t.text)
}

type parser struct {
	src string
	off int
	tok token
	err *syntaxError // first lexical error
}

func (p *parser) errorf(pos int, format string, args ...any) error {
	return &syntaxError{pos: pos, msg: fmt.Sprintf(format, args...)}
}

func isLetter(b byte) bool { return b == '_' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }
func isDigit(b byte) bool  { return b >= '0' && b <= '9' }

// next scans the next token into p.tok.
func (p *parser) next() {
	s := p.src
	for p.off < len(s) && (s[p.off] == ' ' || s[p.off] == '\t' || s[p.off] == '\n' || s[p.off] == '\r') {
		p.off++
	}
	start := p.off
	if start >= len(s) {
		p.tok = token{kind: tokEOF, pos: start}
		return
	}
	two := ""
	if start+1 < len(s) {
		two = s[start : start+2]
	}
	switch {
	case two == "&&":
		p.off += 2
		p.tok = token{kind: tokAnd, pos: start, text: two}
	case two == "..":
		p.off += 2
		p.tok = token{kind: tokRange, pos: start, text: two}
	case two == "<=" || two == ">=" || two == "==" || two == "!=":
		p.off += 2
		p.tok = token{kind: tokOp, pos: start, text: two}
	case s[start] == '<' || s[start] == '>':
		p.off++
		p.tok = token{kind: tokOp, pos: start, text: s[start : start+1]}
	case s[start] == '{':
		p.off++
		p.tok = token{kind: tokLBrace, pos: start, text: "{"}
	case s[start] == '}':
		p.off++
		p.tok = token{kind: tokRBrace, pos: start, text: "}"}
	case s[start] == ',':
		p.off++
		p.tok = token{kind: tokComma, pos: start, text: ","}
	case s[start] == '"':
		end := strings.IndexByte(s[start+1:], '"')
		if end < 0 {
			p.off = len(s)
			p.tok = token{kind: tokBad, pos: start, text: s[start:]}
			p.err = &syntaxError{pos: start, msg: "text without its closing '\"'"}
			return
		}
		p.off = start + 1 + end + 1
		p.tok = token{kind: tokText, pos: start, text: s[start+1 : start+1+end]}
	case isLetter(s[start]):
		for p.off < len(s) && (isLetter(s[p.off]) || isDigit(s[p.off])) {
			p.off++
		}
		p.tok = token{kind: tokName, pos: start, text: s[start:p.off]}
	case isDigit(s[start]) || (s[start] == '-' || s[start] == '+') && start+1 < len(s) && isDigit(s[start+1]):
		p.number()
	default:
		r := []rune(s[start:])[0]
		p.off = len(s)
		p.tok = token{kind: tokBad, pos: start, text: string(r)}
	}
}

// number scans a number; a "." is part of it only when a digit follows,
// so "3..5" scans as 3, "..", 5.
func (p *parser) number() {
	s, start := p.src, p.off
	if s[p.off] == '-' || s[p.off] == '+' {
		p.off++
	}
	digits := func() {
		for p.off < len(s) && isDigit(s[p.off]) {
			p.off++
		}
	}
	digits()
	if p.off+1 < len(s) && s[p.off] == '.' && isDigit(s[p.off+1]) {
		p.off++
		digits()
	}
	if p.off < len(s) && (s[p.off] == 'e' || s[p.off] == 'E') {
		e := p.off + 1
		if e < len(s) && (s[e] == '-' || s[e] == '+') {
			e++
		}
		if e < len(s) && isDigit(s[e]) {
			p.off = e
			digits()
		}
	}
	text := s[start:p.off]
	v, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsInf(v, 0) {
		p.tok = token{kind: tokBad, pos: start, text: text}
		p.err = &syntaxError{pos: start, msg: fmt.Sprintf("number %s is out of range", text)}
		return
	}
	p.tok = token{kind: tokNumber, pos: start, text: text, num: v}
}

// expectNumber consumes a number token or fails naming what it follows.
func (p *parser) expectNumber(after string) (float64, error) {
	if p.tok.kind != tokNumber {
		if p.err != nil && p.tok.kind == tokBad && p.tok.pos == p.err.pos {
			return 0, p.err
		}
		return 0, p.errorf(p.tok.pos, "expected a number after %s, found %s", after, p.tok)
	}
	v := p.tok.num
	p.next()
	return v, nil
}

func (p *parser) comparison() (comparison, error) {
	if p.tok.kind != tokName || p.tok.text == "in" || p.tok.text == "true" {
		return comparison{}, p.errorf(p.tok.pos, "expected a column name such as r, f, m, fm, code or clv, found %s", p.tok)
	}
	c := comparison{column: p.tok.text, score: lookupScoreColumn(p.tok.text)}
	if c.score != namedColumn {
		c.column = c.score.name()
	}
	namePos := p.tok.pos
	p.next()
	switch {
	case p.tok.kind == tokOp:
		c.op = p.tok.text
		p.next()
		if p.tok.kind == tokText {
			if c.op != "==" && c.op != "!=" {
				return comparison{}, p.errorf(p.tok.pos, "text compares with == or != (or in {...}), not %s", c.op)
			}
			if c.score != namedColumn {
				return comparison{}, p.errorf(p.tok.pos, "%s is a score, compared with numbers, not text", c.column)
			}
			c.text = []string{p.tok.text}
			p.next()
			return c, nil
		}
		v, err := p.expectNumber(strconv.Quote(c.op))
		if err != nil {
			return comparison{}, err
		}
		c.args = []float64{v}
		inf := math.Inf(1)
		switch c.op {
		case "<":
			c.set = []interval{{lo: -inf, hi: v, hiOpen: true}}
		case "<=":
			c.set = []interval{{lo: -inf, hi: v}}
		case ">":
			c.set = []interval{{lo: v, hi: inf, loOpen: true}}
		case ">=":
			c.set = []interval{{lo: v, hi: inf}}
		case "==":
			c.set = []interval{{lo: v, hi: v}}
		case "!=":
			c.set = notEqual(v)
		}
		return c, nil
	case p.tok.kind == tokName && p.tok.text == "in":
		p.next()
		if p.tok.kind == tokLBrace {
			p.next()
			if p.tok.kind == tokText {
				return p.textList(c)
			}
			for {
				v, err := p.expectNumber(`"{" or ","`)
				if err != nil {
					return comparison{}, err
				}
				c.args = append(c.args, v)
				c.set = append(c.set, interval{lo: v, hi: v})
				if p.tok.kind == tokRBrace {
					p.next()
					c.op = "in{}"
					return c, nil
				}
				if p.tok.kind != tokComma {
					return comparison{}, p.errorf(p.tok.pos, "expected \",\" or \"}\" in the list, found %s", p.tok)
				}
				p.next()
			}
		}
		loPos := p.tok.pos
		lo, err := p.expectNumber(`"in" (a range lo..hi or a list {a, b})`)
		if err != nil {
			return comparison{}, err
		}
		if p.tok.kind != tokRange {
			return comparison{}, p.errorf(p.tok.pos, "expected \"..\" in the range, found %s", p.tok)
		}
		p.next()
		hi, err := p.expectNumber(`".."`)
		if err != nil {
			return comparison{}, err
		}
		if lo > hi {
			return comparison{}, p.errorf(loPos, "empty range %v..%v: the low end exceeds the high end", lo, hi)
		}
		c.op = "in.."
		c.args = []float64{lo, hi}
		c.set = []interval{{lo: lo, hi: hi}}
		return c, nil
	}
	return comparison{}, p.errorf(p.tok.pos, "expected a comparison (<, <=, >, >=, ==, !=) or \"in\" after column %q at position %d, found %s",
		c.column, namePos+1, p.tok)
}

// notEqual is every number but v.
func notEqual(v float64) []interval {
	inf := math.Inf(1)
	return []interval{{lo: -inf, hi: v, hiOpen: true}, {lo: v, hi: inf, loOpen: true}}
}

// textList parses the rest of `name in {"a", "b"}` after "{".
func (p *parser) textList(c comparison) (comparison, error) {
	if c.score != namedColumn {
		return comparison{}, p.errorf(p.tok.pos, "%s is a score, compared with numbers, not text", c.column)
	}
	c.op = "in{}"
	c.text = []string{}
	for {
		if p.tok.kind != tokText {
			if p.err != nil && p.tok.kind == tokBad && p.tok.pos == p.err.pos {
				return comparison{}, p.err
			}
			return comparison{}, p.errorf(p.tok.pos, "expected a text in \"...\" in the list, found %s", p.tok)
		}
		c.text = append(c.text, p.tok.text)
		p.next()
		if p.tok.kind == tokRBrace {
			p.next()
			return c, nil
		}
		if p.tok.kind != tokComma {
			return comparison{}, p.errorf(p.tok.pos, "expected \",\" or \"}\" in the list, found %s", p.tok)
		}
		p.next()
	}
}
