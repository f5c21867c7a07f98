package model

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// This file holds what the covariate models (ParetoNBDCov, BGNBDCov)
// share: customers' time-invariant covariates, their encoding from
// attributes into numeric columns, the grouping of rows by covariate values
// that the likelihoods evaluate per group, and the likelihood-ratio test
// against the model without covariates.

// Covariates are time-invariant customer covariates for the two processes
// of a purchase model, one row of values per customer, in the order of the
// purchase rows they go with. The transaction process's and the lifetime
// (dropout) process's lists are separate and may differ; either may be
// empty.
type Covariates struct {
	TransNames []string  // the columns of Trans
	LifeNames  []string  // the columns of Life
	Trans      []float64 // row-major: customer i's values are Trans[i·len(TransNames) : (i+1)·len(TransNames)]
	Life       []float64 // likewise, with LifeNames
}

// TransRow returns customer i's transaction-process covariates.
func (c Covariates) TransRow(i int) []float64 {
	k := len(c.TransNames)
	return c.Trans[i*k : (i+1)*k : (i+1)*k]
}

// LifeRow returns customer i's lifetime-process covariates.
func (c Covariates) LifeRow(i int) []float64 {
	k := len(c.LifeNames)
	return c.Life[i*k : (i+1)*k : (i+1)*k]
}

// Validate checks that c holds n customers' finite values and that names
// are unique within each process.
func (c Covariates) Validate(n int) error {
	for _, p := range []struct {
		process string
		names   []string
		values  []float64
	}{{"transaction", c.TransNames, c.Trans}, {"lifetime", c.LifeNames, c.Life}} {
		if len(p.values) != n*len(p.names) {
			return fmt.Errorf("%s covariates: %d values for %d customers × %d columns", p.process, len(p.values), n, len(p.names))
		}
		for j, name := range p.names {
			if slices.Contains(p.names[:j], name) {
				return fmt.Errorf("%s covariates: column %q appears twice", p.process, name)
			}
		}
		for i, v := range p.values {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return &CovariateError{Row: i / len(p.names), Column: p.names[i%len(p.names)], Value: fmt.Sprint(v), Rule: "covariate values must be finite numbers"}
			}
		}
	}
	return nil
}

// CovariateError reports a bad covariate value. Row is the customer's
// index in the caller's slice, so callers name the customer.
type CovariateError struct {
	Row    int
	Column string // the attribute or covariate column
	Value  string
	Rule   string
}

func (e *CovariateError) Error() string {
	return fmt.Sprintf("covariate %s = %q: %s", e.Column, e.Value, e.Rule)
}

// Attribute is one customer attribute column: a value per customer, as
// text, in the order of the purchase rows.
type Attribute struct {
	Name   string
	Values []string
}

// EncodedColumn says where one covariate column came from.
type EncodedColumn struct {
	Name      string // "channel=email" for a level, "age" for a number
	Attribute string
	// Numeric is true for a numeric attribute's column of values.
	Numeric bool
	// Level is the attribute's level this 0/1 column indicates (it may be
	// ""); "" for a numeric attribute.
	Level string
	// Reference is the attribute's reference level (no column of its
	// own; its customers have 0 in every column of the attribute); "" for
	// a numeric attribute.
	Reference string
}

// EncodeCovariates turns attributes into covariate columns and returns the
// columns and the values, row-major (customer i's values at
// values[i·len(cols):]). An attribute whose every value parses as a finite
// number (strconv.ParseFloat, after trimming spaces) is numeric and gives
// one column of its values. Any other attribute is categorical with k
// levels and gives k − 1 columns of 0/1 indicators, "name=level", in
// sorted order of the level. Its reference level, the one without a
// column, is the most frequent level (ties go to the first in sorted
// order): each γ of the attribute then compares a level with the largest
// group of customers, whose estimate is the most precise, and a level's
// γ reads as "relative to the usual customer". An attribute with a single
// level cannot be estimated and is an error.
func EncodeCovariates(attrs []Attribute) ([]EncodedColumn, []float64, error) {
	if len(attrs) == 0 {
		return nil, nil, nil
	}
	n := len(attrs[0].Values)
	type enc struct {
		cols    []EncodedColumn
		numbers []float64 // numeric attribute: the values
		level   []int32   // categorical: per customer, column index or −1 for the reference
	}
	encs := make([]enc, len(attrs))
	var cols []EncodedColumn
	for a, at := range attrs {
		if len(at.Values) != n {
			return nil, nil, fmt.Errorf("attribute %q: %d values, want %d (one per customer)", at.Name, len(at.Values), n)
		}
		for _, prev := range attrs[:a] {
			if prev.Name == at.Name {
				return nil, nil, fmt.Errorf("attribute %q listed twice", at.Name)
			}
		}
		if nums, ok := parseNumbers(at.Values); ok {
			encs[a] = enc{cols: []EncodedColumn{{Name: at.Name, Attribute: at.Name, Numeric: true}}, numbers: nums}
			if n > 0 && slices.Min(nums) == slices.Max(nums) {
				return nil, nil, fmt.Errorf("attribute %q: every customer has the value %v: its covariate cannot be estimated", at.Name, nums[0])
			}
			cols = append(cols, encs[a].cols...)
			continue
		}
		counts := map[string]int{}
		for _, v := range at.Values {
			counts[v]++
		}
		levels := make([]string, 0, len(counts))
		for l := range counts {
			levels = append(levels, l)
		}
		slices.Sort(levels)
		if len(levels) < 2 {
			return nil, nil, fmt.Errorf("attribute %q has a single level (%q): its covariate cannot be estimated", at.Name, strings.Join(levels, ""))
		}
		ref := levels[0]
		for _, l := range levels[1:] {
			if counts[l] > counts[ref] {
				ref = l
			}
		}
		col := map[string]int32{ref: -1}
		var ec []EncodedColumn
		for _, l := range levels {
			if l == ref {
				continue
			}
			col[l] = int32(len(ec))
			ec = append(ec, EncodedColumn{Name: at.Name + "=" + l, Attribute: at.Name, Level: l, Reference: ref})
		}
		idx := make([]int32, n)
		for i, v := range at.Values {
			idx[i] = col[v]
		}
		encs[a] = enc{cols: ec, level: idx}
		cols = append(cols, ec...)
	}
	k := len(cols)
	values := make([]float64, n*k)
	off := 0
	for _, e := range encs {
		for i := range n {
			row := values[i*k+off : i*k+off+len(e.cols)]
			if e.numbers != nil {
				row[0] = e.numbers[i]
			} else if j := e.level[i]; j >= 0 {
				row[j] = 1
			}
		}
		off += len(e.cols)
	}
	return cols, values, nil
}

// parseNumbers parses every value as a finite number; ok is false if any
// does not parse (or there are no values).
func parseNumbers(vs []string) ([]float64, bool) {
	if len(vs) == 0 {
		return nil, false
	}
	out := make([]float64, len(vs))
	for i, v := range vs {
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, false
		}
		out[i] = f
	}
	return out, true
}

// ColumnNames returns the names of cols.
func ColumnNames(cols []EncodedColumn) []string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	return names
}

// CovGroup is the customers that share one covariate vector: their rows
// compressed (Compress) and the shared values.
type CovGroup struct {
	Trans, Life []float64
	Rows        []RFT
}

// GroupByCovariates groups rows by their customers' covariate values and
// compresses each group's rows: with covariates two customers are only
// interchangeable when (x, t_x, T) and every covariate agree. Groups are
// sorted by (Trans, Life) values, so the result does not depend on the
// input order. index[i] gives row i's group and its row within the group.
func GroupByCovariates(rows []RFT, cov Covariates) (groups []CovGroup, index [][2]int, err error) {
	if err := cov.Validate(len(rows)); err != nil {
		return nil, nil, err
	}
	kt, kl := len(cov.TransNames), len(cov.LifeNames)
	key := func(i int) []float64 {
		v := make([]float64, 0, kt+kl)
		v = append(v, cov.TransRow(i)...)
		return append(v, cov.LifeRow(i)...)
	}
	order := make([]int, len(rows))
	for i := range order {
		order[i] = i
	}
	keys := make([][]float64, len(rows))
	for i := range rows {
		keys[i] = key(i)
	}
	slices.SortStableFunc(order, func(a, b int) int { return compareFloats(keys[a], keys[b]) })
	index = make([][2]int, len(rows))
	for lo := 0; lo < len(order); {
		hi := lo + 1
		for hi < len(order) && compareFloats(keys[order[lo]], keys[order[hi]]) == 0 {
			hi++
		}
		members := make([]RFT, hi-lo)
		for j, i := range order[lo:hi] {
			members[j] = rows[i]
		}
		distinct, ix := CompressIndex(members)
		g := len(groups)
		k := keys[order[lo]]
		groups = append(groups, CovGroup{Trans: k[:kt:kt], Life: k[kt:], Rows: distinct})
		for j, i := range order[lo:hi] {
			index[i] = [2]int{g, ix[j]}
		}
		lo = hi
	}
	return groups, index, nil
}

// compareFloats orders equal-length vectors lexicographically; −0 and +0
// compare equal.
func compareFloats(a, b []float64) int {
	for i := range a {
		if c := cmp.Compare(a[i]+0, b[i]+0); c != 0 {
			return c
		}
	}
	return 0
}

// dot returns Σ aᵢbᵢ in index order.
func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// covNames returns the names of a covariate model's parameters: the base
// model's, then "trans:" and "life:" followed by each covariate's name.
func covNames(base []string, cov Covariates) []string {
	names := append([]string(nil), base...)
	for _, n := range cov.TransNames {
		names = append(names, "trans:"+n)
	}
	for _, n := range cov.LifeNames {
		names = append(names, "life:"+n)
	}
	return names
}

// sumGroups returns Σ f(g) over groups g = 0 .. n−1 for k sums at once: f
// adds group g's contributions into acc. Groups are evaluated in parallel
// in fixed chunks (sumRowsVec) and added in group order within a chunk and
// chunk order across them, so the totals do not depend on the machine.
func sumGroups(n, k int, f func(g int, acc []float64)) []float64 {
	return sumRowsVec(n, k, func(lo, hi int, acc []float64) {
		for g := lo; g < hi; g++ {
			f(g, acc)
		}
	})
}

// allRows returns every group's rows, one after another.
func allRows(groups []CovGroup) []RFT {
	var all []RFT
	for _, g := range groups {
		all = append(all, g.Rows...)
	}
	return all
}
