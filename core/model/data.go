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

// RowError reports an invalid input row of a model (an RFT, SpendRow or
// BGBBRow). Its message names the field, the value and the rule, not the
// position: Row is an index into the caller's slice, which means nothing
// to the caller's user, so callers branch on it with errors.As and name
// what the user knows instead (core/score the customer id, clv fit the
// file's line).
type RowError struct {
	Row   int    // index in the slice passed in
	Field string // "X", "TX", "T", "N", "Frequency", "MeanSpend" or "Weight"
	Value float64
	Rule  string // what the value violates
}

func (e *RowError) Error() string {
	return fmt.Sprintf("%s = %v: %s", e.Field, e.Value, e.Rule)
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
	switch {
	case a.X != b.X:
		return cmp.Compare(a.X, b.X)
	case a.T != b.T:
		return cmp.Compare(a.T, b.T)
	default:
		return cmp.Compare(a.TX, b.TX)
	}
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
	var c Compressor
	first := make([]int32, len(rows))
	for i, r := range rows {
		first[i] = c.add(r)
	}
	distinct, newPos := c.sorted(true)
	index = make([]int, len(rows))
	for i, j := range first {
		index[i] = int(newPos[j])
	}
	return distinct, index
}

// Compressor merges rows with identical (X, TX, T) as they are added, so a
// caller reading a large summary need not hold every row: Add each row,
// then Rows gives what Compress would have given for the rows in the order
// added, bit for bit (weights are summed in that order). The zero value is
// ready to use.
type Compressor struct {
	// blocks hold the distinct rows in order of first appearance,
	// compressorBlock rows each: a single growing slice would copy every
	// row about five times over (append grows large slices by 1.25×), and
	// fresh memory is most of the cost of merging a million rows.
	blocks [][]RFT
	n      int
	// slots is an open-addressing hash table of indices into the rows
	// (stored +1, 0 is empty), linear probing; a built-in map with a
	// 24-byte float key costs several times more per row.
	slots []int32
	mask  uint64
}

const (
	compressorShift = 12
	compressorBlock = 1 << compressorShift
)

// Add merges r into the rows seen so far.
func (c *Compressor) Add(r RFT) { c.add(r) }

// Len returns the number of distinct rows so far.
func (c *Compressor) Len() int { return c.n }

// Rows returns the distinct rows, with their weights summed, sorted by X,
// then T, then TX, as Compress. The Compressor must not be used after.
func (c *Compressor) Rows() []RFT {
	out, _ := c.sorted(false)
	c.blocks, c.slots, c.n = nil, nil, 0
	return out
}

// row returns the j-th distinct row.
func (c *Compressor) row(j int32) *RFT {
	return &c.blocks[j>>compressorShift][j&(compressorBlock-1)]
}

// add merges r and returns the index of its row in order of first
// appearance.
func (c *Compressor) add(r RFT) int32 {
	if c.slots == nil {
		c.slots = make([]int32, 1<<10)
		c.mask = uint64(len(c.slots) - 1)
	}
	h := hashRFT(r) & c.mask
	for {
		s := c.slots[h]
		if s == 0 {
			j := int32(c.n)
			if c.n&(compressorBlock-1) == 0 {
				// The first block grows as needed, so that small inputs
				// stay small; later ones are allocated whole.
				if c.n == 0 {
					c.blocks = append(c.blocks, make([]RFT, 0, 64))
				} else {
					c.blocks = append(c.blocks, make([]RFT, 0, compressorBlock))
				}
			}
			last := &c.blocks[len(c.blocks)-1]
			*last = append(*last, RFT{X: r.X, TX: r.TX, T: r.T, Weight: r.Weight})
			c.n++
			c.slots[h] = j + 1
			if 2*c.n > len(c.slots) {
				c.rehash(2 * len(c.slots))
			}
			return j
		}
		if d := c.row(s - 1); d.X == r.X && d.TX == r.TX && d.T == r.T {
			d.Weight += r.Weight
			return s - 1
		}
		h = (h + 1) & c.mask
	}
}

// rehash rebuilds the hash table with size slots.
func (c *Compressor) rehash(size int) {
	slots := make([]int32, size)
	mask := uint64(size - 1)
	for bi, b := range c.blocks {
		for k, d := range b {
			h := hashRFT(d) & mask
			for slots[h] != 0 {
				h = (h + 1) & mask
			}
			slots[h] = int32(bi<<compressorShift+k) + 1
		}
	}
	c.slots, c.mask = slots, mask
}

// sorted returns the distinct rows sorted by X, then T, then TX
// (compareRFT) and, if withPos, for each row's index in order of first
// appearance, its new one. X and T take few values even on a million rows
// (whole numbers; ages on a day or week grid), so rows are bucketed by the
// pair of ranks (X, T) with a counting sort and only each bucket is sorted
// by TX: several times cheaper than comparison-sorting every row on all
// three keys, with the same result (the order is total over distinct
// rows). When T takes so many values that the (X, T) buckets would
// outnumber the rows, the buckets are by X alone, sorted by T, then TX.
func (c *Compressor) sorted(withPos bool) ([]RFT, []int32) {
	n := c.n
	col := make([]float64, n)
	fillCol := func(get func(r *RFT) float64) {
		i := 0
		for _, b := range c.blocks {
			for k := range b {
				col[i] = get(&b[k])
				i++
			}
		}
	}
	fillCol(func(r *RFT) float64 { return r.X })
	xs, bucket := distinctIndex(col)
	fillCol(func(r *RFT) float64 { return r.T })
	ts, tr := distinctIndex(col)
	col = nil
	nt := len(ts)
	if len(xs)*nt > 2*n+1024 {
		nt = 1 // buckets by X; T is compared within them
	}
	if nt > 1 {
		for i, t := range tr {
			bucket[i] = bucket[i]*int32(nt) + t
		}
	}
	tr = nil
	nb := len(xs) * nt
	start := make([]int32, nb+1)
	for _, b := range bucket {
		start[b+1]++
	}
	for b := range nb {
		start[b+1] += start[b]
	}
	fill := append([]int32(nil), start[:nb]...)
	out := make([]RFT, n)
	i := 0
	for _, blk := range c.blocks {
		for _, d := range blk {
			b := bucket[i]
			out[fill[b]] = d
			fill[b]++
			i++
		}
	}
	cmpRows := func(a, b RFT) int { return cmp.Compare(a.TX, b.TX) } // one T per bucket
	if nt == 1 {
		cmpRows = func(a, b RFT) int {
			if c := cmp.Compare(a.T, b.T); c != 0 {
				return c
			}
			return cmp.Compare(a.TX, b.TX)
		}
	}
	for b := range nb {
		if seg := out[start[b]:start[b+1]]; len(seg) > 1 {
			slices.SortFunc(seg, cmpRows)
		}
	}
	if !withPos {
		return out, nil
	}
	// Rows are distinct, so each one's new place is found by binary
	// search in its sorted bucket.
	newPos := make([]int32, n)
	for i := range newPos {
		b := bucket[i]
		j, _ := slices.BinarySearchFunc(out[start[b]:start[b+1]], *c.row(int32(i)), cmpRows)
		newPos[i] = start[b] + int32(j)
	}
	return out, newPos
}

// hashRFT mixes the bits of (X, TX, T); ±0 hash alike because 0 + 0 = +0.
func hashRFT(r RFT) uint64 {
	h := math.Float64bits(r.X+0)*0x9e3779b97f4a7c15 ^ math.Float64bits(r.TX+0)*0xc2b2ae3d27d4eb4f ^ math.Float64bits(r.T+0)*0x165667b19e3779f9
	h ^= h >> 29
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 32
	return h
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
	s.distinctHist = min(len(rows), 1)
	for _, r := range rows {
		s.customers += r.Weight
		s.meanX += r.Weight * r.X
		s.meanT += r.Weight * r.T
		if r.X > 0 {
			s.repeatBuyers += r.Weight
		}
		if f := rows[0]; r.X != f.X || r.TX != f.TX || r.T != f.T {
			s.distinctHist = 2
		}
	}
	if s.customers > 0 {
		s.meanX /= s.customers
		s.meanT /= s.customers
	}
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
