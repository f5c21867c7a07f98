package segment

import (
	"fmt"
	"math"
	"slices"
)

// Boundaries describes how Score split one column into the scores 1–5, so
// that the split can be reported and new values scored the same way.
// Index s-1 holds score s.
type Boundaries struct {
	// HigherIsBetter is the direction the column was scored in.
	HigherIsBetter bool
	// Count is the number of customers that received each score; it may
	// be 0 for some scores when values tie or there are fewer than five
	// distinct values.
	Count [5]int
	// Min and Max are the smallest and largest values that received each
	// score, NaN where Count is 0.
	Min, Max [5]float64
}

// Score scores one column 1–5 by tie-aware quintiles. With higherIsBetter
// (frequency, monetary value) larger values score higher; without it
// (the recency gap T − recency) smaller values score higher.
//
// The rule, for n values: the score of v is
//
//	1 + floor(5 · k / n)
//
// where k is the number of values strictly worse than v (strictly less
// than v when higherIsBetter, strictly greater otherwise). So a tie group
// is scored by the rank of its worst-placed member, equal values always get
// equal scores, and the result does not depend on row order. The score is
// at most 5 because k ≤ n − 1.
//
// Special cases are:
//
//	heavy ties: a tie group that spans several quintiles gets the score of
//	  the lowest one, and the scores it spans are skipped; with 60% of
//	  frequencies 0, every 0 scores 1 and the smallest positive value 4;
//	all values equal: everyone scores 1;
//	n < 5 distinct values: not every score is used; the worst value always
//	  scores 1 (n = 4 distinct gives 1, 2, 3, 4; n = 2 gives 1, 3);
//	n = 0: nil scores, zero Boundaries, no error;
//	NaN or ±Inf: an error naming the row.
func Score(values []float64, higherIsBetter bool) ([]int, Boundaries, error) {
	b := Boundaries{HigherIsBetter: higherIsBetter}
	for s := range b.Min {
		b.Min[s], b.Max[s] = math.NaN(), math.NaN()
	}
	n := len(values)
	if n == 0 {
		return nil, b, nil
	}
	for i, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, b, fmt.Errorf("score: row %d: value %v is not a finite number", i, v)
		}
	}
	// The score of v counts the quintile cut points c_j = ceil(j·n/5),
	// j = 1..4, that k reaches, and k ≥ c exactly when the c-th worst value
	// is strictly worse than v. So one sorted copy of the column and four
	// comparisons per value give every score: several times cheaper on a
	// million customers than ranking (value, row) pairs.
	sorted := slices.Clone(values)
	slices.Sort(sorted)
	var cut [4]float64 // the c_j-th worst value
	for j := range cut {
		c := (int64(j+1)*int64(n) + 4) / 5
		if higherIsBetter {
			cut[j] = sorted[c-1]
		} else {
			cut[j] = sorted[int64(n)-c]
		}
	}
	score := func(v float64) int {
		s := 1
		for _, c := range cut {
			if higherIsBetter && c < v || !higherIsBetter && c > v {
				s++
			}
		}
		return s
	}
	scores := make([]int, n)
	for i, v := range values {
		scores[i] = score(v)
	}
	// Scores rise with the value (fall, lower being better), so each
	// score's values are a run of the sorted column.
	for _, v := range sorted {
		j := score(v) - 1
		if b.Count[j] == 0 {
			b.Min[j], b.Max[j] = v, v
		}
		b.Min[j], b.Max[j] = min(b.Min[j], v), max(b.Max[j], v)
		b.Count[j]++
	}
	return scores, b, nil
}

// Score scores a new value against these boundaries: the best score whose
// group's worst value v reaches (Min for higher-is-better, Max otherwise),
// and 1 when v reaches none. For any value that was in the scored column it
// returns the score Score gave it. NaN scores 0 (invalid).
func (b Boundaries) Score(v float64) int {
	if math.IsNaN(v) {
		return 0
	}
	for s := 5; s >= 2; s-- {
		j := s - 1
		if b.Count[j] == 0 {
			continue
		}
		if b.HigherIsBetter && v >= b.Min[j] || !b.HigherIsBetter && v <= b.Max[j] {
			return s
		}
	}
	return 1
}

// String summarises the split, one score per line, for example
// "score 5: 200 customers, 7 to 31".
func (b Boundaries) String() string {
	out := ""
	for s := 5; s >= 1; s-- {
		j := s - 1
		if b.Count[j] == 0 {
			out += fmt.Sprintf("score %d: 0 customers\n", s)
			continue
		}
		out += fmt.Sprintf("score %d: %d customers, %g to %g\n", s, b.Count[j], b.Min[j], b.Max[j])
	}
	return out
}
