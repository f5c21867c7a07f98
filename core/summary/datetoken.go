package summary

import (
	"errors"
	"fmt"
	"strings"
)

// tokenHelp lists the layout tokens, for error messages and help texts.
const tokenHelp = "YYYY YY MMMM MMM MM M DD D HH H hh h mm m ss s SSS A a Z ZZ"

// DateTokens describes the tokens TokenLayout understands, one per line,
// for help texts.
const DateTokens = `YYYY  4-digit year          YY    2-digit year
MM    month 01-12           M     month 1-12 (also reads 01)
MMM   month Jan             MMMM  month January
DD    day 01-31             D     day 1-31 (also reads 01)
HH    hour 00-23            H     hour 0-23
hh    hour 01-12            h     hour 1-12, with A (AM/PM) or a (am/pm)
mm    minute 00-59          ss    second 00-59
SSS   fraction of a second  Z     zone Z or +07:00    ZZ  zone +0700
MM and SS right after "HH:" / "mm:" mean minutes and seconds, so
"YYYY-MM-DD HH:MM:SS" works; yyyy and dd are read like YYYY and DD.`

// isTokenLayout reports whether s is written in tokens ("YYYY-MM-DD HH:mm")
// rather than as a Go layout ("2006-01-02 15:04"): token layouts name their
// year with YY or yy, which no Go layout contains.
func isTokenLayout(s string) bool { return strings.Contains(s, "YY") || strings.Contains(s, "yy") }

// TokenLayout turns a layout written in the tokens users write
// ("DD/MM/YYYY", "M/D/YYYY H:mm", "YYYY-MM-DD HH:mm:ss") into a Go time
// layout ("02/01/2006", "1/2/2006 15:04", "2006-01-02 15:04:05"). The
// tokens are listed in DateTokens. Between tokens, any punctuation or
// spaces and the letter T are kept as written; digits and other letters
// are errors, since Go would read them as layout elements.
//
// MM (or M) right after an hour and ":" means minutes, and SS right after
// minutes and ":" means seconds, as many people write "HH:MM:SS".
func TokenLayout(s string) (string, error) {
	var b strings.Builder
	prev := byte(0) // the last token's letter, 0 at the start
	for i := 0; i < len(s); {
		c := s[i]
		j := i
		for j < len(s) && s[j] == c {
			j++
		}
		n := j - i
		lit := i > 0 && s[i-1] == ':' // the token follows "X:"
		var out string
		switch c {
		case 'Y', 'y':
			out = map[int]string{2: "06", 4: "2006"}[n]
		case 'M':
			if lit && (prev == 'H' || prev == 'h') {
				out = map[int]string{1: "4", 2: "04"}[n]
				c = 'm'
			} else {
				out = map[int]string{1: "1", 2: "01", 3: "Jan", 4: "January"}[n]
			}
		case 'D', 'd':
			out = map[int]string{1: "2", 2: "02"}[n]
			c = 'D'
		case 'H':
			out = map[int]string{1: "15", 2: "15"}[n]
		case 'h':
			out = map[int]string{1: "3", 2: "03"}[n]
		case 'm':
			out = map[int]string{1: "4", 2: "04"}[n]
		case 's':
			out = map[int]string{1: "5", 2: "05"}[n]
		case 'S':
			switch {
			case n == 2 && lit && prev == 'm':
				out, c = "05", 's'
			case i > 0 && (s[i-1] == '.' || s[i-1] == ',') && prev == 's':
				out = strings.Repeat("0", n)
			default:
				return "", fmt.Errorf("%q: fractions of a second (SSS) follow the seconds and a \".\"", s[i:j])
			}
		case 'A':
			out = map[int]string{1: "PM"}[n]
		case 'a':
			out = map[int]string{1: "pm"}[n]
		case 'Z':
			out = map[int]string{1: "Z07:00", 2: "Z0700"}[n]
		case 'T':
			out = strings.Repeat("T", n)
			c = prev
		default:
			if c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' {
				return "", fmt.Errorf("%q is not a token (tokens: %s)", s[i:j], tokenHelp)
			}
			out = s[i:j]
			c = prev
		}
		if out == "" {
			return "", fmt.Errorf("%q is not a token (tokens: %s)", s[i:j], tokenHelp)
		}
		b.WriteString(out)
		prev = c
		i = j
	}
	if b.Len() == 0 {
		return "", errors.New("empty layout")
	}
	return b.String(), nil
}

// isoDateTimeDays parses the ISO8601 kind: YYYY-MM-DD, optionally
// followed by "T" or " ", HH:mm[:ss[.fff]] and an optional zone (Z, ±HH,
// ±HHmm or ±HH:mm, optionally after a space). The date is as written.
func isoDateTimeDays(s string) (int32, error) {
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return 0, errDateSyntax
	}
	d, err := civilDigits(s[0:4], s[5:7], s[8:10])
	if err != nil || len(s) == 10 {
		return d, err
	}
	t := s[10:]
	if t[0] != 'T' && t[0] != ' ' {
		return 0, errDateSyntax
	}
	t = t[1:]
	h, ok1 := twoDigits(t, 0)
	mi, ok2 := twoDigits(t, 3)
	if !ok1 || !ok2 || t[2] != ':' {
		return 0, errDateSyntax
	}
	if h > 23 || mi > 59 {
		return 0, errTime
	}
	t = t[5:]
	if len(t) > 0 && t[0] == ':' {
		sec, ok := twoDigits(t, 1)
		if !ok {
			return 0, errDateSyntax
		}
		if sec > 60 {
			return 0, errTime
		}
		t = t[3:]
		if len(t) > 0 && (t[0] == '.' || t[0] == ',') {
			k := 1
			for k < len(t) && isDigit(t[k]) {
				k++
			}
			if k == 1 {
				return 0, errDateSyntax
			}
			t = t[k:]
		}
	}
	if len(t) > 0 && t[0] == ' ' {
		t = t[1:]
		if t == "" {
			return 0, errDateSyntax
		}
	}
	switch {
	case t == "" || t == "Z":
		return d, nil
	case t[0] == '+' || t[0] == '-':
		zh, ok := twoDigits(t, 1)
		if !ok {
			return 0, errZone
		}
		rest := t[3:]
		zm := 0
		if rest != "" {
			if rest[0] == ':' {
				rest = rest[1:]
			}
			if zm, ok = twoDigits(rest, 0); !ok || len(rest) != 2 {
				return 0, errZone
			}
		}
		if zh > 23 || zm > 59 {
			return 0, errZone
		}
		return d, nil
	}
	return 0, errZone
}

// twoDigits parses the two ASCII digits at s[i:i+2].
func twoDigits(s string, i int) (int, bool) {
	if i+2 > len(s) || !isDigit(s[i]) || !isDigit(s[i+1]) {
		return 0, false
	}
	return int(s[i]-'0')*10 + int(s[i+1]-'0'), true
}

// maxUnixSeconds bounds unix timestamps to years within ±maxYear.
const maxUnixSeconds = 31_556_952 * maxYear

// unixDays parses whole or fractional seconds since the epoch and returns
// the UTC date, as days since 1970-01-01.
func unixDays(s string) (int32, error) {
	i, neg := 0, false
	if len(s) > 0 && (s[0] == '-' || s[0] == '+') {
		neg, i = s[0] == '-', 1
	}
	start := i
	var sec int64
	for i < len(s) && isDigit(s[i]) {
		if sec > maxUnixSeconds {
			return 0, errDateRange
		}
		sec = sec*10 + int64(s[i]-'0')
		i++
	}
	if i == start {
		return 0, errDateSyntax
	}
	frac := false
	if i < len(s) && s[i] == '.' {
		k := i + 1
		for k < len(s) && isDigit(s[k]) {
			if s[k] != '0' {
				frac = true
			}
			k++
		}
		if k == i+1 {
			return 0, errDateSyntax
		}
		i = k
	}
	if i != len(s) {
		return 0, errDateSyntax
	}
	if sec > maxUnixSeconds {
		return 0, errDateRange
	}
	if neg {
		sec = -sec
		if frac {
			sec-- // -1.5 s is in the second before -1
		}
	}
	d := sec / 86400
	if sec%86400 < 0 {
		d--
	}
	return int32(d), nil
}
