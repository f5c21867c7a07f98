package summary

import (
	"slices"
	"strings"
)

// IsIntegerID reports whether id is a non-empty run of ASCII digits
// (leading zeros allowed: "0001" is an integer id).
func IsIntegerID(id string) bool {
	if id == "" {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] < '0' || id[i] > '9' {
			return false
		}
	}
	return true
}

// AllIntegerIDs reports whether every id is an integer id (IsIntegerID).
// It is true for an empty list.
func AllIntegerIDs(ids []string) bool {
	for _, id := range ids {
		if !IsIntegerID(id) {
			return false
		}
	}
	return true
}

// CompareIDs compares customer ids a and b, returning -1, 0 or +1.
//
// With numeric set (use it only when AllIntegerIDs holds for the whole set)
// ids compare by integer value, any length, leading zeros ignored; ids of
// equal value ("7" and "007") then compare bytewise, so the order is total.
// Without numeric, ids compare bytewise (strings.Compare).
func CompareIDs(a, b string, numeric bool) int {
	if !numeric {
		return strings.Compare(a, b)
	}
	ta := strings.TrimLeft(a, "0")
	tb := strings.TrimLeft(b, "0")
	if len(ta) != len(tb) {
		if len(ta) < len(tb) {
			return -1
		}
		return 1
	}
	if c := strings.Compare(ta, tb); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

// SortIDs sorts ids in the order the summary uses for customers:
// numerically when every id is an integer (see CompareIDs), else bytewise.
func SortIDs(ids []string) {
	numeric := AllIntegerIDs(ids)
	slices.SortFunc(ids, func(a, b string) int { return CompareIDs(a, b, numeric) })
}
