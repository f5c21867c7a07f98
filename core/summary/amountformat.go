package summary

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// AmountFormat is how the amount column of a transaction log is written.
// Build one with ParseAmountFormat. The zero value is Plain.
//
// Plain is a bare decimal number as strconv.ParseFloat reads it ("1234.56",
// "-81.27", "1e3"), the fast path. The three grouped formats name their
// thousands separator and decimal mark by an example:
//
//	"1,234.56"  comma groups, point decimals (US, UK)
//	"1.234,56"  point groups, comma decimals (most of Europe)
//	"1 234,56"  space groups (a space, a no-break space U+00A0 or a narrow
//	            no-break space U+202F), comma decimals (France, Scandinavia)
//
// Under a grouped format, groups are optional ("1234.56" is read under
// "1,234.56") but must be of three digits after the first; a currency
// symbol or code may stand before or after the number ("$1,234.50",
// "1.234,50 €", "USD 12.00", "12,00 kr"); and a negative amount may be
// written "-81.27", "(81.27)" or "81.27-". Exponents, "inf" and "NaN" are
// not numbers there.
type AmountFormat struct {
	kind amountKind
}

type amountKind uint8

const (
	amountPlain amountKind = iota
	amountCommaDot
	amountDotComma
	amountSpaceComma
)

// Names of the amount formats, as accepted by ParseAmountFormat.
const (
	AmountPlain      = "plain"
	AmountCommaDot   = "1,234.56"
	AmountDotComma   = "1.234,56"
	AmountSpaceComma = "1 234,56"
	// AutoFormat is the setting that asks for the date or amount format
	// to be detected from the data (core/detect); ParseDateFormat and
	// ParseAmountFormat reject it, since detection needs the data.
	AutoFormat = "auto"
)

// AmountFormatNames returns the names of the amount formats in the order
// a detector prefers them: plain first.
func AmountFormatNames() []string {
	return []string{AmountPlain, AmountCommaDot, AmountDotComma, AmountSpaceComma}
}

// ParseAmountFormat returns the AmountFormat named s: "plain" (or ""),
// "1,234.56", "1.234,56" or "1 234,56" (the space may be a no-break space).
func ParseAmountFormat(s string) (AmountFormat, error) {
	switch strings.NewReplacer("\u00a0", " ", "\u202f", " ").Replace(s) {
	case "", AmountPlain:
		return AmountFormat{kind: amountPlain}, nil
	case AmountCommaDot:
		return AmountFormat{kind: amountCommaDot}, nil
	case AmountDotComma:
		return AmountFormat{kind: amountDotComma}, nil
	case AmountSpaceComma:
		return AmountFormat{kind: amountSpaceComma}, nil
	case AutoFormat:
		return AmountFormat{}, errors.New(`amount format "auto" must be resolved from the data first (core/detect)`)
	}
	return AmountFormat{}, fmt.Errorf(`amount format %q: want plain, "1,234.56", "1.234,56", "1 234,56" or auto`, s)
}

// String returns the name of the format as accepted by ParseAmountFormat.
func (f AmountFormat) String() string {
	switch f.kind {
	case amountCommaDot:
		return AmountCommaDot
	case amountDotComma:
		return AmountDotComma
	case amountSpaceComma:
		return AmountSpaceComma
	}
	return AmountPlain
}

// Plain reports whether f is the plain format (no currency, no groups).
func (f AmountFormat) Plain() bool { return f.kind == amountPlain }

// Parse parses an amount written in format f and returns its value and the
// currency written with it ("" if none; letters upper-cased and a final
// "." dropped, so "kr." and "KR" are both "KR"). The value is the correctly
// rounded float64 of the decimal number, as strconv.ParseFloat gives for
// the same digits written plainly, so sums do not depend on the format.
//
// Special cases are:
//
//	Parse("")                       = error (no digits)
//	Parse("(81.27)") under plain    = error (plain is strconv.ParseFloat's syntax)
//	Parse("1,234") under "1,234.56" = 1234
//	Parse("1,234") under "1.234,56" = 1.234
func (f AmountFormat) Parse(s string) (float64, string, error) {
	if f.kind == amountPlain {
		v, err := parseAmount(s)
		return v, "", err
	}
	return f.parseGrouped(s)
}

var (
	errAmountSyntax = errors.New("not a number in this format")
	errNoDigits     = errors.New("no digits")
	errTwoSigns     = errors.New("more than one minus sign")
	errGroup        = errors.New("digit groups must have three digits")
)

// parseGrouped parses the grouped formats (and their currency and sign
// decorations) without allocating.
func (f AmountFormat) parseGrouped(s string) (float64, string, error) {
	var group, decimal byte = ',', '.'
	if f.kind != amountCommaDot {
		group, decimal = '.', ','
	}
	s = trimAmountBlanks(s)
	neg, paren, signed := false, false, false
	var cur string
	// Leading decorations, in any order: "(", a sign, a currency.
	for progress := true; progress && s != ""; {
		progress = false
		switch {
		case s[0] == '(' && !paren:
			paren, progress = true, true
			s = s[1:]
		case (s[0] == '-' || s[0] == '+') && !signed:
			neg, signed, progress = s[0] == '-', true, true
			s = s[1:]
		case cur == "":
			if n := currencyPrefix(s); n > 0 {
				cur, progress = s[:n], true
				s = s[n:]
			}
		}
		s = trimAmountBlanks(s)
	}
	// Trailing decorations: ")", a sign, a currency.
	closed := false
	for progress := true; progress && s != ""; {
		progress = false
		last := s[len(s)-1]
		switch {
		case last == ')' && paren && !closed:
			closed, progress = true, true
			s = s[:len(s)-1]
		case last == '-' && !signed:
			neg, signed, progress = true, true, true
			s = s[:len(s)-1]
		case cur == "":
			if n := currencySuffix(s); n > 0 {
				cur, progress = s[len(s)-n:], true
				s = s[:len(s)-n]
			}
		}
		s = trimAmountBlanks(s)
	}
	if paren != closed {
		return 0, "", errAmountSyntax
	}
	if paren {
		if neg {
			return 0, "", errTwoSigns
		}
		neg = true
	}
	// The number: digits in groups of three after the first, then the
	// decimal mark and digits.
	var m uint64
	nd, frac := 0, 0
	i, first, grouped := 0, 0, false
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	first = i
	for i < len(s) {
		n := groupSep(s[i:], f.kind, group)
		if n == 0 {
			break
		}
		j := i + n
		k := j
		for k < len(s) && isDigit(s[k]) {
			k++
		}
		if k-j != 3 || first == 0 || first > 3 && !grouped {
			return 0, "", errGroup
		}
		grouped = true
		i = k
	}
	intEnd := i
	fracStart := -1
	if i < len(s) && s[i] == decimal {
		i++
		fracStart = i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		if i == fracStart {
			return 0, "", errAmountSyntax
		}
	}
	if i != len(s) {
		return 0, "", errAmountSyntax
	}
	if grouped && first > 3 {
		return 0, "", errGroup
	}
	for k := 0; k < intEnd; k++ {
		if isDigit(s[k]) {
			m = m*10 + uint64(s[k]-'0')
			nd++
		}
	}
	if fracStart >= 0 {
		for k := fracStart; k < len(s); k++ {
			m = m*10 + uint64(s[k]-'0')
			nd++
			frac++
		}
	}
	if nd == 0 {
		return 0, "", errNoDigits
	}
	var v float64
	if nd <= 15 {
		v = float64(m) / pow10[frac]
	} else {
		// Too many digits for the exact path: let strconv round the
		// plain spelling of the same number.
		buf := make([]byte, 0, nd+1)
		for k := 0; k < intEnd; k++ {
			if isDigit(s[k]) {
				buf = append(buf, s[k])
			}
		}
		if fracStart >= 0 {
			buf = append(buf, '.')
			buf = append(buf, s[fracStart:]...)
		}
		var err error
		if v, err = strconv.ParseFloat(string(buf), 64); err != nil {
			return 0, "", errors.Unwrap(err)
		}
	}
	if neg {
		v = -v
	}
	return v, normalizeCurrency(cur), nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// groupSep returns the length of the thousands separator at the start of s
// (0 if there is none).
func groupSep(s string, k amountKind, group byte) int {
	if k != amountSpaceComma {
		if s[0] == group {
			return 1
		}
		return 0
	}
	switch {
	case s[0] == ' ':
		return 1
	case strings.HasPrefix(s, "\u00a0"):
		return len("\u00a0")
	case strings.HasPrefix(s, "\u202f"):
		return len("\u202f")
	}
	return 0
}

// trimAmountBlanks trims spaces, tabs and no-break spaces.
func trimAmountBlanks(s string) string {
	for {
		switch {
		case s == "":
			return s
		case s[0] == ' ' || s[0] == '\t':
			s = s[1:]
		case strings.HasPrefix(s, "\u00a0"):
			s = s[len("\u00a0"):]
		case strings.HasPrefix(s, "\u202f"):
			s = s[len("\u202f"):]
		case s[len(s)-1] == ' ' || s[len(s)-1] == '\t' || s[len(s)-1] == '\r':
			s = s[:len(s)-1]
		case strings.HasSuffix(s, "\u00a0"):
			s = s[:len(s)-len("\u00a0")]
		case strings.HasSuffix(s, "\u202f"):
			s = s[:len(s)-len("\u202f")]
		default:
			return s
		}
	}
}

// maxCurrencyRunes bounds a currency symbol or code ("$", "US$", "EUR", "kr.").
const maxCurrencyRunes = 4

func isCurrencyRune(r rune) bool { return unicode.IsLetter(r) || unicode.Is(unicode.Sc, r) }

// currencyPrefix returns the byte length of a currency symbol or code at
// the start of s (0 if none).
func currencyPrefix(s string) int {
	n, runes := 0, 0
	for n < len(s) {
		r, size := utf8.DecodeRuneInString(s[n:])
		if !isCurrencyRune(r) {
			break
		}
		n += size
		runes++
	}
	if runes == 0 || runes > maxCurrencyRunes {
		return 0
	}
	return n
}

// currencySuffix returns the byte length of a currency symbol or code at
// the end of s (0 if none); a final "." after letters belongs to it ("kr.").
func currencySuffix(s string) int {
	end := len(s)
	if end > 1 && s[end-1] == '.' {
		if r, _ := utf8.DecodeLastRuneInString(s[:end-1]); unicode.IsLetter(r) {
			end--
		}
	}
	n, runes := end, 0
	for n > 0 {
		r, size := utf8.DecodeLastRuneInString(s[:n])
		if !isCurrencyRune(r) {
			break
		}
		n -= size
		runes++
	}
	if runes == 0 || runes > maxCurrencyRunes {
		return 0
	}
	return len(s) - n
}

// normalizeCurrency upper-cases letters and drops a final ".". It
// allocates only when the text changes.
func normalizeCurrency(c string) string {
	c = strings.TrimSuffix(c, ".")
	for i := 0; i < len(c); i++ {
		if c[i] >= 'a' && c[i] <= 'z' || c[i] >= utf8.RuneSelf {
			return strings.ToUpper(c)
		}
	}
	return c
}

// amountReadings describes how s reads in the formats other than f, for
// error messages: `it reads as 2071.43 in amount format "1,234.56"`. It is
// "" when s is a number in no other format.
func amountReadings(s string, f AmountFormat) string {
	var rs []string
	for _, name := range AmountFormatNames() {
		g, _ := ParseAmountFormat(name)
		if g == f {
			continue
		}
		if v, _, err := g.Parse(s); err == nil && !math.IsNaN(v) && !math.IsInf(v, 0) {
			rs = append(rs, fmt.Sprintf("as %s in amount format %q", strconv.FormatFloat(v, 'f', -1, 64), g))
		}
	}
	if len(rs) == 0 {
		return ""
	}
	return "it reads " + strings.Join(rs, ", ")
}
