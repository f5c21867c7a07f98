package formula

import (
	"strconv"
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
)

type token struct {
	kind tokenKind
	pos  int // byte offset in the source
	text string
	num  float64
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
			toks = append(toks, token{kind: tokNum, pos: i, text: src[i:j], num: v})
			i = j
		case isNameStart(c):
			j := i + 1
			for j < len(src) && (isNameStart(src[j]) || isDigit(src[j])) {
				j++
			}
			toks = append(toks, token{kind: tokName, pos: i, text: src[i:j]})
			i = j
		case c == '(':
			toks = append(toks, token{kind: tokLParen, pos: i, text: "("})
			i++
		case c == ')':
			toks = append(toks, token{kind: tokRParen, pos: i, text: ")"})
			i++
		case c == ',':
			toks = append(toks, token{kind: tokComma, pos: i, text: ","})
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
			toks = append(toks, token{kind: tokOp, pos: i, text: op})
			i += len(op)
		}
	}
	return append(toks, token{kind: tokEOF, pos: len(src)}), nil
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
