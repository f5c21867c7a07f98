// Package quote quotes values for error messages with a bound on their
// size. A user's file can hold a 100 MB field or header; an error about it
// must name it without echoing it whole (a message is read by a person, and
// quoting 100 MB costs several times that in memory). Every message of the
// binary and the core that quotes a value read from input goes through
// Value or List. It uses the standard library only and compiles for
// js/wasm and wasip1.
package quote

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxBytes is how many bytes of a value Value quotes before cutting it.
const MaxBytes = 200

// maxListBytes bounds the values List quotes, in all.
const maxListBytes = 1000

// Value returns s quoted as by strconv.Quote when it is at most MaxBytes
// long. A longer s is cut to its first MaxBytes bytes (less when that would
// split a UTF-8 sequence, so the quoted part holds only s's own characters)
// and followed by its full length:
//
//	"aaaa…aaaa"…(104857600 bytes)
//
// The marker is outside the quotes, so it is never mistaken for part of
// the value.
func Value(s string) string {
	if len(s) <= MaxBytes {
		return strconv.Quote(s)
	}
	return strconv.Quote(s[:cut(s, MaxBytes)]) + "…(" + strconv.Itoa(len(s)) + " bytes)"
}

// Prefix returns at most the first MaxBytes bytes of s, cut as Value cuts
// it (never inside a valid UTF-8 sequence): for keeping part of a value in
// an error without holding on to all of it.
func Prefix(s string) string {
	if len(s) <= MaxBytes {
		return s
	}
	return s[:cut(s, MaxBytes)]
}

// cut returns a prefix length of s at most n that does not end inside a
// valid multi-byte UTF-8 sequence of s.
func cut(s string, n int) int {
	// A sequence is at most utf8.UTFMax bytes: look back that far for the
	// start of the one that n falls into.
	for i := n; i > n-utf8.UTFMax && i > 0; i-- {
		if !utf8.RuneStart(s[i]) {
			continue
		}
		// s[i] starts a sequence: keep it only if it ends by n.
		if _, size := utf8.DecodeRuneInString(s[i:]); i+size > n && size > 1 {
			return i
		}
		return n
	}
	return n
}

// List quotes ss like fmt's %q of a []string, ["a" "b"], each value
// through Value; once the quoted values pass about 1000 bytes the rest is
// summarised as "… N more".
func List(ss []string) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, s := range ss {
		if b.Len() > maxListBytes {
			b.WriteString("… " + strconv.Itoa(len(ss)-i) + " more")
			break
		}
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(Value(s))
	}
	b.WriteByte(']')
	return b.String()
}
