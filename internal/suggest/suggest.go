// Package suggest finds the known name a mistyped one was meant to be, for
// the "did you mean" hints of the clv binary's config errors and the page's
// settings errors.
package suggest

import "strings"

// Closest returns the name in known that key differs from only by case
// (caseOnly is then true) or, failing that, the nearest within two
// single-byte insertions, deletions or substitutions, compared in lower
// case (the first of equally near names). ok is false when no name is that
// close; a key is never close to a name shorter than the distance.
func Closest(key string, known []string) (name string, caseOnly, ok bool) {
	for _, k := range known {
		if strings.EqualFold(k, key) {
			return k, true, true
		}
	}
	best, bestD := "", 3
	for _, k := range known {
		if d := Distance(strings.ToLower(key), strings.ToLower(k)); d < bestD && d < len(k) {
			best, bestD = k, d
		}
	}
	return best, false, best != ""
}

// Distance is the Levenshtein distance between a and b, in bytes.
func Distance(a, b string) int {
	prev, cur := make([]int, len(b)+1), make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			sub := prev[j-1]
			if a[i-1] != b[j-1] {
				sub++
			}
			cur[j] = min(sub, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
