package segment

import (
	"cmp"
	"slices"
)

// ranked is one value with its row, for sorting a column once and then
// walking its tie groups.
type ranked struct {
	v   float64
	row int
}

// forEachTieGroup sorts values ascending and calls fn once per group of
// equal values, in ascending order, with the group's value, the number of
// values below it (lo) and the rows holding it. values must hold no NaN.
func forEachTieGroup(values []float64, fn func(v float64, lo int, rows []ranked)) {
	r := make([]ranked, len(values))
	for i, v := range values {
		r[i] = ranked{v, i}
	}
	slices.SortFunc(r, func(a, b ranked) int { return cmp.Compare(a.v, b.v) })
	for lo := 0; lo < len(r); {
		hi := lo + 1
		for hi < len(r) && r[hi].v == r[lo].v {
			hi++
		}
		fn(r[lo].v, lo, r[lo:hi])
		lo = hi
	}
}
