// Package textenc formats the numbers and strings of clvkit's text outputs
// (CSV and JSON), and guards CSV text cells against formula injection
// (Guard). The binary (host/internal/table) and the browser page
// (wasm/bind) both write scored customers through it, so their files are the
// same byte for byte. It uses the standard library only and compiles for
// js/wasm.
package textenc

import (
	"fmt"
	"strconv"
	"strings"
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
	return appendQuoted(append(b, '"'), s)
}

// appendQuoted appends s with its quotes doubled, then the closing quote.
func appendQuoted(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			b = append(b, '"', '"')
		} else {
			b = append(b, s[i])
		}
	}
	return append(b, '"')
}

// Guard is the csv_formula_guard setting: which text cells of CSV output
// are neutralised against CSV (formula) injection. A spreadsheet opening a
// CSV file runs a cell that starts with =, +, -, @, tab or CR as a formula
// (OWASP, "CSV Injection"); a segment, tier or plugin label such as
// "=HYPERLINK(...)" would then run on the marketer's machine. The zero
// Guard is GuardLabels, the default of clv.toml and of the page.
//
// Only CSV is guarded: JSON Lines and Parquet carry values as data, and
// numbers are never text cells, so a negative number is never touched.
type Guard uint8

// The guards, by their setting names.
const (
	// GuardLabels neutralises label cells (segment, tier, rfm and plugin
	// labels) and keeps identifiers such as customer ids, which are join
	// keys, byte for byte. The default.
	GuardLabels Guard = iota
	// GuardAllText neutralises every text cell, identifiers included.
	GuardAllText
	// GuardOff writes every text cell as it is.
	GuardOff
)

// GuardNames returns the setting's accepted values, the default first.
func GuardNames() []string {
	return []string{GuardLabels.String(), GuardAllText.String(), GuardOff.String()}
}

// String returns the guard's setting name: "labels", "all_text" or "off".
func (g Guard) String() string {
	switch g {
	case GuardLabels:
		return "labels"
	case GuardAllText:
		return "all_text"
	case GuardOff:
		return "off"
	}
	return "Guard(" + strconv.Itoa(int(g)) + ")"
}

// ParseGuard returns the guard named s; "" is the default, GuardLabels.
func ParseGuard(s string) (Guard, error) {
	if s == "" {
		return GuardLabels, nil
	}
	for _, g := range []Guard{GuardLabels, GuardAllText, GuardOff} {
		if s == g.String() {
			return g, nil
		}
	}
	return 0, fmt.Errorf("%q is not one of %s", s, strings.Join(GuardNames(), ", "))
}

// Text is what a text cell holds, which decides whether a Guard applies.
type Text uint8

// The kinds of text cell.
const (
	// Label is text the pipeline or a plugin chose from a configured set:
	// segment, tier, RFM code, plugin labels.
	Label Text = iota
	// ID is an identifier read from the data, such as the customer id:
	// a join key that GuardLabels keeps lossless.
	ID
)

// Covers reports whether g neutralises text cells of kind t.
func (g Guard) Covers(t Text) bool {
	switch g {
	case GuardLabels:
		return t == Label
	case GuardAllText:
		return true
	}
	return false
}

// FormulaLike reports whether a spreadsheet would read s as a formula: it
// starts with =, +, -, @, a tab or a CR.
func FormulaLike(s string) bool {
	if s == "" {
		return false
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	return false
}

// AppendCSVText appends s, a text cell of kind t, as a CSV field under g:
// when g covers t and s is FormulaLike, the cell is s prefixed with a single
// quote, which spreadsheets show as text (OWASP's advice); the field is then
// quoted as encoding/csv quotes it (a leading CR, for one, makes it quoted).
// Other cells are written as AppendCSVField writes them.
func (g Guard) AppendCSVText(b []byte, s string, t Text) []byte {
	if !g.Covers(t) || !FormulaLike(s) {
		return AppendCSVField(b, s)
	}
	// "'"+s starts with neither a space nor `\.`, so encoding/csv quotes
	// it exactly when s holds a separator, quote, CR or LF.
	if !strings.ContainsAny(s, ",\"\r\n") {
		return append(append(b, '\''), s...)
	}
	return appendQuoted(append(b, '"', '\''), s)
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
