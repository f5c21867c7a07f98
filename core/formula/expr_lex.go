package formula

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

type tokenKind uint8

const (
	tokEOF tokenKind = iota
	tokNum
	tokName
	tokOp     // + - * / ^ ** < <= > >= == != && || !
	tokLParen // (
	tokRParen // )
	tokComma  // ,
	tokStr    // "text", its value in text
)

type token struct {
	kind tokenKind
	pos  int // byte offset in the source
	end  int // byte offset just after the token
	text string
	num  float64
	// quoted: a name written in backquotes (`Unit Price`), whose text is
	// the name without them
	quoted bool
}

// lex splits src into tokens. The caller has already bounded len(src).
func lex(src string) ([]token, error) {
	var toks []token
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case isDigit(c) || c == '.' && i+1 < len(src) && isDigit(src[i+1]):
			j := scanNumber(src, i)
			v, err := strconv.ParseFloat(src[i:j], 64)
			if err != nil { // only range errors remain after scanNumber
				return nil, newExprError(src, i, "number %s is out of range", src[i:j])
			}
			if j < len(src) && isNameStart(src[j]) {
				return nil, newExprError(src, j, "unexpected %q after the number %s (write * to multiply)", src[j], src[i:j])
			}
			toks = append(toks, token{kind: tokNum, pos: i, end: j, text: src[i:j], num: v})
			i = j
		case isNameStart(c):
			j := i + 1
			for j < len(src) && (isNameStart(src[j]) || isDigit(src[j])) {
				j++
			}
			toks = append(toks, token{kind: tokName, pos: i, end: j, text: src[i:j]})
			i = j
		case c == '`':
			j := strings.IndexAny(src[i+1:], "`\n")
			if j < 0 || src[i+1+j] == '\n' {
				return nil, newExprError(src, i, "unterminated quoted name: a ` has no closing ` on its line")
			}
			name := src[i+1 : i+1+j]
			switch {
			case strings.TrimSpace(name) == "":
				return nil, newExprError(src, i, "empty quoted name ``")
			case strings.ContainsAny(name, "{}"):
				return nil, newExprError(src, i, "quoted name %q holds a brace, which names cannot contain", name)
			}
			toks = append(toks, token{kind: tokName, pos: i, end: i + j + 2, text: name, quoted: true})
			i += j + 2
		case c == '"':
			text, j, err := scanString(src, i)
			if err != nil {
				return nil, err
			}
			toks = append(toks, token{kind: tokStr, pos: i, end: j, text: text})
			i = j
		case c == '(':
			toks = append(toks, token{kind: tokLParen, pos: i, end: i + 1, text: "("})
			i++
		case c == ')':
			toks = append(toks, token{kind: tokRParen, pos: i, end: i + 1, text: ")"})
			i++
		case c == ',':
			toks = append(toks, token{kind: tokComma, pos: i, end: i + 1, text: ","})
			i++
		default:
			op := scanOp(src[i:])
			if op == "" {
				r, _ := utf8.DecodeRuneInString(src[i:])
				if c == '=' {
					return nil, newExprError(src, i, "unexpected \"=\" (write == to compare)")
				}
				return nil, newExprError(src, i, "unexpected character %q", r)
			}
			toks = append(toks, token{kind: tokOp, pos: i, end: i + len(op), text: op})
			i += len(op)
		}
	}
	return append(toks, token{kind: tokEOF, pos: len(src), end: len(src)}), nil
}

// scanString reads the string literal whose opening " is at src[i] and
// returns its value and the offset after its closing ". The escapes are
// \" \\ \n \t and \r; a string cannot span lines (write \n).
func scanString(src string, i int) (string, int, error) {
	var b strings.Builder
	for j := i + 1; j < len(src); j++ {
		switch c := src[j]; c {
		case '"':
			return b.String(), j + 1, nil
		case '\n':
			return "", 0, newExprError(src, i, "unterminated string: the \" has no closing \" on its line")
		case '\\':
			if j+1 == len(src) {
				return "", 0, newExprError(src, i, "unterminated string: the \" has no closing \"")
			}
			j++
			switch e := src[j]; e {
			case '"', '\\':
				b.WriteByte(e)
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			default:
				r, _ := utf8.DecodeRuneInString(src[j:])
				return "", 0, newExprError(src, j-1, "unknown escape \\%c in a string (escapes: \\\" \\\\ \\n \\t \\r)", r)
			}
		default:
			b.WriteByte(c)
		}
	}
	return "", 0, newExprError(src, i, "unterminated string: the \" has no closing \"")
}

// scanNumber returns the end of the number starting at i: digits, an optional
// fraction and an optional exponent (1, 0.5, .5, 1e3, 2.5E-2).
func scanNumber(src string, i int) int {
	j := i
	for j < len(src) && isDigit(src[j]) {
		j++
	}
	if j < len(src) && src[j] == '.' {
		j++
		for j < len(src) && isDigit(src[j]) {
			j++
		}
	}
	if j < len(src) && (src[j] == 'e' || src[j] == 'E') {
		k := j + 1
		if k < len(src) && (src[k] == '+' || src[k] == '-') {
			k++
		}
		if k < len(src) && isDigit(src[k]) {
			for k < len(src) && isDigit(src[k]) {
				k++
			}
			j = k
		}
	}
	return j
}

func scanOp(s string) string {
	if len(s) >= 2 {
		switch s[:2] {
		case "**", "<=", ">=", "==", "!=", "&&", "||":
			return s[:2]
		}
	}
	switch s[0] {
	case '+', '-', '*', '/', '^', '<', '>', '!':
		return s[:1]
	}
	return ""
}

func isDigit(c byte) bool     { return c >= '0' && c <= '9' }
func isNameStart(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' }
