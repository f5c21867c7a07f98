package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/clvkit/clvkit/core/attr"
	"github.com/clvkit/clvkit/core/summary"
	"github.com/clvkit/clvkit/host/internal/atomicfile"
	"github.com/clvkit/clvkit/internal/quote"
)

// attributeColumns are the columns read as attributes: [attributes]
// columns, then acquisition.cost_column when set (read like an attribute,
// then split off as numbers by splitCost).
func (j *job) attributeColumns() []string {
	cols := slices.Clone(j.cfg.Attributes.Columns)
	if c := j.cfg.Acquisition.CostColumn; c != "" && len(cols) > 0 {
		cols = append(cols, c)
	}
	return cols
}

// attributeFiles are the customer table and the acquisition table, when
// set, as inputs no output may overwrite.
func (j *job) attributeFiles() []atomicfile.Named {
	var out []atomicfile.Named
	if p := j.cfg.Attributes.Path; p != "" {
		out = append(out, atomicfile.Named{What: "attributes.path", Path: j.cfg.Resolve(p)})
	}
	if p := j.cfg.Acquisition.Path; p != "" {
		out = append(out, atomicfile.Named{What: "acquisition.path", Path: j.cfg.Resolve(p)})
	}
	return out
}

// attributesFromLog tells whether the attributes come from the transaction log.
func (j *job) attributesFromLog() bool {
	return len(j.cfg.Attributes.Columns) > 0 && j.cfg.Attributes.Path == ""
}

// customerAttributes returns the customers' attributes (aligned with
// customers) and, with acquisition.cost_column, each customer's
// acquisition cost (NaN when unknown); nil, nil without attributes. s is
// the summary the customers came from (nil for a summary input): it holds
// the attributes read from the transaction log.
func (j *job) customerAttributes(e *env, customers []summary.Customer, s *summary.Summary) (*attr.Set, []float64, error) {
	a := j.cfg.Attributes
	if len(a.Columns) == 0 {
		return nil, nil, nil
	}
	var set *attr.Set
	var lookup func(id string) int // the customer table's line of an id, for errors
	if a.Path == "" {
		if s == nil || s.Attributes == nil {
			return nil, nil, &internalError{errors.New("attributes from the transaction log were not read")}
		}
		set = s.Attributes
	} else {
		path := j.cfg.Resolve(a.Path)
		f, err := os.Open(path)
		if err != nil {
			return nil, nil, configErr(j.cfg, "attributes.path", err)
		}
		defer f.Close()
		tab, err := attr.ReadTable(f, attr.TableOptions{Name: path, ID: a.ID, Columns: j.attributeColumns(), Delimiter: j.cfg.AttributeDelimiter()})
		if err != nil {
			return nil, nil, err
		}
		ids := make([]string, len(customers))
		for i, c := range customers {
			ids[i] = c.ID
		}
		set = tab.Join(ids)
		lookup = tab.Line
	}
	if j.cfg.Acquisition.CostColumn == "" {
		return set, nil, nil
	}
	return j.splitCost(set, customers, lookup)
}

// splitCost takes the cost column, the last attribute of set, off it and
// parses it: a customer's acquisition cost, NaN when unknown (blank, or
// not in the customer table). A cell that is not a number ≥ 0 is an error
// naming the file, line (customer table), column and customer.
func (j *job) splitCost(set *attr.Set, customers []summary.Customer, line func(string) int) (*attr.Set, []float64, error) {
	k := len(set.Names) - 1
	name := set.Names[k]
	costs := make([]float64, set.Len())
	for i := range costs {
		v := set.Value(k, i)
		if v == attr.Unknown {
			costs[i] = math.NaN()
			continue
		}
		c, err := strconv.ParseFloat(v, 64)
		if err != nil || !(c >= 0) || math.IsInf(c, 0) {
			where := j.input.displayName() + " (the customer's first purchase)"
			if line != nil {
				where = fmt.Sprintf("%s:%d", j.cfg.Resolve(j.cfg.Attributes.Path), line(customers[i].ID))
			}
			return nil, nil, fmt.Errorf("%s: customer %s: column %s (acquisition.cost_column): %s is not an amount ≥ 0 (write it as 12.50, no currency sign)",
				where, quote.Value(customers[i].ID), quote.Value(name), quote.Value(v))
		}
		costs[i] = c
	}
	out := &attr.Set{Names: set.Names[:k], Levels: set.Levels[:k], Codes: set.Codes[:k], Report: set.Report}
	if len(out.Report.Changed) > k {
		out.Report.Changed = out.Report.Changed[:k]
	}
	if len(out.Report.Blank) > k {
		out.Report.Blank = out.Report.Blank[:k]
	}
	return out, costs, nil
}

// maxLevelsShown is how many levels of an attribute the report lists.
const maxLevelsShown = 12

// reportAttributes tells where the attributes came from and what was
// unusual, on stderr.
func reportAttributes(w io.Writer, set *attr.Set) {
	if set == nil {
		return
	}
	for _, line := range set.Report.Lines(set.Names) {
		fmt.Fprintln(w, line)
	}
	for a, name := range set.Names {
		counts, _ := set.Counts(name)
		var parts []string
		for i, n := range counts {
			if i == maxLevelsShown {
				parts = append(parts, fmt.Sprintf("… %d more", len(counts)-i))
				break
			}
			parts = append(parts, fmt.Sprintf("%s %d", set.Levels[a][i], n))
		}
		fmt.Fprintf(w, "%s (%d levels): %s\n", name, len(counts), strings.Join(parts, ", "))
	}
}
