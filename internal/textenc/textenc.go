// Package textenc formats the numbers and strings of clvkit's text outputs
// (CSV and JSON). The binary (host/internal/table) and the browser page
// (wasm/bind) both write scored customers through it, so their files are the
// same byte for byte. It uses the standard library only and compiles for
// js/wasm.
package textenc

import (
	"strconv"
	"unicode"
	"unicode/utf8"
)

// AppendFloat appends f with prec decimals ('f' format; -1 for the
// shortest exact form), dropping the sign of a result that rounds to zero,
// so a tiny negative value prints as 0.000000, never -0.000000.
func AppendFloat(b []byte, f float64, prec int) []byte {
	start := len(b)
	b = strconv.AppendFloat(b, f, 'f', prec, 64)
	if b[start] == '-' {
		for _, c := range b[start+1:] {
			if c != '0' && c != '.' {
				return b
			}
		}
		b = append(b[:start], b[start+1:]...)
	}
	return b
}

// CSVNeedsQuotes reports whether encoding/csv would quote s as a field with
// a ',' separator: it holds a separator, quote, CR or LF, is `\.`, or starts
// with a space character.
func CSVNeedsQuotes(s string) bool {
	if s == "" {
		return false
	}
	if s == `\.` {
		return true
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ',', '"', '\r', '\n':
			return true
		}
	}
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r)
}

// AppendCSVField appends s as a CSV field, quoted as encoding/csv quotes it.
func AppendCSVField(b []byte, s string) []byte {
	if !CSVNeedsQuotes(s) {
		return append(b, s...)
	}
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			b = append(b, '"', '"')
		} else {
			b = append(b, s[i])
		}
	}
	return append(b, '"')
}

const hexDigits = "0123456789abcdef"

// AppendJSONString appends s as a JSON string exactly as encoding/json
// writes it: short escapes for \b \f \n \r \t, \u00XX for other control
// characters, invalid UTF-8 as U+FFFD, U+2028 and U+2029 escaped, and, with
// escapeHTML, <, > and & escaped as encoding/json does by default.
func AppendJSONString(b []byte, s string, escapeHTML bool) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && (!escapeHTML || (c != '<' && c != '>' && c != '&')) {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
