package model

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// RFT is one customer's (or one group of identical customers') purchase
// history summarised for the continuous-time purchase models.
//
// All times are in the data's own time unit (weeks for the CDNOW data, days
// for a daily log); the models' scale parameters (Alpha, Beta) are then in the
// same unit, and so are the horizons passed to the predictions.
type RFT struct {
	// X is the number of repeat purchases (purchase occasions after the
	// first; lifetimes' "frequency"). A non-negative whole number.
	X float64
	// TX is the recency t_x: the time of the last purchase, measured from the
	// first purchase. 0 when X = 0.
	TX float64
	// T is the customer's age: the time from the first purchase to the end of
	// the observation period. TX ≤ T.
	T float64
	// Weight is the number of customers sharing this row (1 for raw data).
	Weight float64
}

// RowError reports an invalid RFT row. Callers can branch on it with
// errors.As to point a user at the offending record.
type RowError struct {
	Row   int    // index in the slice passed in
	Field string // "X", "TX", "T" or "Weight"
	Value float64
	Rule  string // what the value violates
}

func (e *RowError) Error() string {
	return fmt.Sprintf("row %d: %s = %v: %s", e.Row, e.Field, e.Value, e.Rule)
}

// ValidateRFT checks every row: X a finite non-negative whole number,
// 0 ≤ TX ≤ T finite, TX = 0 when X = 0, and Weight finite and > 0. It returns
// a *RowError naming the first bad row and field.
func ValidateRFT(rows []RFT) error {
	for i, r := range rows {
		switch {
		case !(r.X >= 0) || math.IsInf(r.X, 0):
			return &RowError{i, "X", r.X, "repeat purchases must be finite and ≥ 0"}
		case r.X != math.Trunc(r.X):
			return &RowError{i, "X", r.X, "repeat purchases must be a whole number"}
		case !(r.T >= 0) || math.IsInf(r.T, 0):
			return &RowError{i, "T", r.T, "age must be finite and ≥ 0"}
		case !(r.TX >= 0) || r.TX > r.T:
			return &RowError{i, "TX", r.TX, fmt.Sprintf("recency must lie in [0, T = %v]", r.T)}
		case r.X == 0 && r.TX != 0:
			return &RowError{i, "TX", r.TX, "recency must be 0 when X = 0 (no repeat purchase)"}
		case !(r.Weight > 0) || math.IsInf(r.Weight, 0):
			return &RowError{i, "Weight", r.Weight, "weight must be finite and > 0"}
		}
	}
	return nil
}

// compareRFT orders rows by X, then T, then TX. Rows with the same (X, T) are
// adjacent, which the batch predictions use: the part of the conditional
// expectation that does not depend on TX is computed once per (X, T).
func compareRFT(a, b RFT) int {
	if c := cmp.Compare(a.X, b.X); c != 0 {
		return c
	}
	if c := cmp.Compare(a.T, b.T); c != 0 {
		return c
	}
	return cmp.Compare(a.TX, b.TX)
}

// Compress merges rows with identical (X, TX, T), summing their weights.
// The result is sorted by X, then T, then TX, so it is the same for any
// order of the input. The input is not modified.
func Compress(rows []RFT) []RFT {
	out, _ := CompressIndex(rows)
	return out
}

// CompressIndex is Compress that also returns, for each input row, the index
// of its merged row in the output, so per-row results can be broadcast back
// to customers: perCustomer[i] = perRow[index[i]].
func CompressIndex(rows []RFT) (distinct []RFT, index []int) {
	type key struct{ x, tx, t float64 }
	pos := make(map[key]int, len(rows)/4+16)
	index = make([]int, len(rows))
	for i, r := range rows {
		k := key{r.X, r.TX, r.T}
		j, ok := pos[k]
		if !ok {
			j = len(distinct)
			pos[k] = j
			distinct = append(distinct, RFT{X: r.X, TX: r.TX, T: r.T})
		}
		distinct[j].Weight += r.Weight
		index[i] = j
	}
	// Sort the distinct rows and remap the index through the permutation.
	perm := make([]int, len(distinct))
	for i := range perm {
		perm[i] = i
	}
	slices.SortFunc(perm, func(i, j int) int { return compareRFT(distinct[i], distinct[j]) })
	sorted := make([]RFT, len(distinct))
	newPos := make([]int, len(distinct))
	for n, old := range perm {
		sorted[n] = distinct[old]
		newPos[old] = n
	}
	for i, j := range index {
		index[i] = newPos[j]
	}
	return sorted, index
}

// summary holds the weighted counts that decide whether a purchase model is
// identifiable from the data.
type summary struct {
	rows         int
	customers    float64
	repeatBuyers float64
	meanX, meanT float64
	distinctHist int // distinct (X, TX, T) patterns
}

func summarize(rows []RFT) summary {
	s := summary{rows: len(rows)}
	seen := map[[3]float64]struct{}{}
	for _, r := range rows {
		s.customers += r.Weight
		s.meanX += r.Weight * r.X
		s.meanT += r.Weight * r.T
		if r.X > 0 {
			s.repeatBuyers += r.Weight
		}
		seen[[3]float64{r.X, r.TX, r.T}] = struct{}{}
	}
	if s.customers > 0 {
		s.meanX /= s.customers
		s.meanT /= s.customers
	}
	s.distinctHist = len(seen)
	return s
}

// checkIdentifiable validates rows and refuses data from which a
// four-parameter purchase model cannot be estimated: empty data, fewer than
// two customers, no repeat buyers, or everyone with the same history.
func checkIdentifiable(model string, rows []RFT) (summary, error) {
	if len(rows) == 0 {
		return summary{}, fmt.Errorf("fit %s: no data rows", model)
	}
	if err := ValidateRFT(rows); err != nil {
		return summary{}, fmt.Errorf("fit %s: %w", model, err)
	}
	s := summarize(rows)
	switch {
	case s.customers < 2:
		return s, fmt.Errorf("fit %s: %v customer(s): need at least two customers with different histories", model, s.customers)
	case s.repeatBuyers == 0:
		return s, fmt.Errorf("fit %s: no customer made a repeat purchase (all X = 0): purchase rate and dropout cannot be told apart", model)
	case s.distinctHist < 2:
		return s, fmt.Errorf("fit %s: all %v customers have the same history (X, TX, T): the model is not identifiable", model, s.customers)
	case s.meanT == 0:
		return s, fmt.Errorf("fit %s: every customer has age T = 0", model)
	}
	return s, nil
}
