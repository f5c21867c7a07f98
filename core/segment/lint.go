package segment

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// FindingKind classifies a lint Finding.
type FindingKind uint8

// The kinds of finding, in the order Lint reports them for a rule.
const (
	// Unsatisfiable: no customer can satisfy the rule's condition at all,
	// for example "r > 5" or "clv > 10 && clv < 5".
	Unsatisfiable FindingKind = iota + 1
	// Unreachable: customers satisfy the condition, but every one of them is
	// already taken by earlier rules, so the rule never assigns its segment.
	Unreachable
	// Overlap: some customers the rule matches are taken by an earlier rule
	// (which wins, being first); the rule still assigns others. A catch-all
	// rule ("true") is never reported as overlapping.
	Overlap
	// Gap: customers no rule matches; they get the map's default label.
	Gap
	// NotChecked: the rule reads named columns whose regions were too many to
	// enumerate, so it was not checked, and the gap check was skipped.
	NotChecked
)

// String returns the kind's name in lower case, for example "unreachable".
func (k FindingKind) String() string {
	switch k {
	case Unsatisfiable:
		return "unsatisfiable"
	case Unreachable:
		return "unreachable"
	case Overlap:
		return "overlap"
	case Gap:
		return "gap"
	case NotChecked:
		return "not checked"
	}
	return "FindingKind(" + strconv.Itoa(int(k)) + ")"
}

// Finding is one problem Lint found in a Map.
type Finding struct {
	// Kind is what was found.
	Kind FindingKind
	// Rule is the 0-based index of the rule the finding is about, -1 for a
	// Gap. Messages count rules from 1.
	Rule int
	// Segment is that rule's segment name ("" for a Gap).
	Segment string
	// By lists the earlier rules (0-based) that take the customers: all of
	// them for Unreachable, the one earlier rule for Overlap.
	By []int
	// BySegments are the segment names of By.
	BySegments []string
	// Codes are the RFM codes involved, ascending: the codes the rule loses
	// (Unreachable, Overlap) or that no rule matches (Gap). All 125 when the
	// finding does not depend on the RFM code.
	Codes []Code
	// Where describes, in the rules' own named columns, the values where
	// the finding holds (Overlap, Gap), for example "clv < 400" or
	// "0.3 <= p_alive <= 0.5"; several regions are joined with "or". It is
	// empty when the rules read only RFM scores or the finding holds for
	// every value of the columns. A column the finding does not depend on
	// is not named.
	Where string
}

// String returns a one-line, readable description of the finding.
func (f Finding) String() string {
	rule := fmt.Sprintf("rule %d (%q)", f.Rule+1, f.Segment)
	// Whom the finding is about: the codes, the region of the named
	// columns, or both.
	whom := codeList(f.Codes)
	switch {
	case len(f.Codes) == NumCodes && f.Where != "":
		whom = "customers where " + f.Where + ", whatever their RFM code"
	case f.Where != "":
		whom += " where " + f.Where
	}
	by := make([]string, len(f.By))
	for i, r := range f.By {
		by[i] = fmt.Sprintf("rule %d (%q)", r+1, f.BySegments[i])
	}
	switch f.Kind {
	case Unsatisfiable:
		return rule + ": unsatisfiable: no customer can meet its condition"
	case Unreachable:
		return fmt.Sprintf("%s: unreachable: every customer it matches (%s) is taken first by %s",
			rule, codeList(f.Codes), strings.Join(by, ", "))
	case Overlap:
		return fmt.Sprintf("%s: overlap: %s comes first and takes %s", rule, strings.Join(by, ", "), whom)
	case Gap:
		return fmt.Sprintf("gap: no rule matches %s; they get the default label", whom)
	case NotChecked:
		return rule + ": not checked: too many regions of its named columns to enumerate"
	}
	return rule + ": " + f.Kind.String()
}

// codeList prints at most 8 codes, then how many there are in all.
func codeList(cs []Code) string {
	const show = 8
	parts := make([]string, 0, show+1)
	for i, c := range cs {
		if i == show {
			parts = append(parts, "...")
			break
		}
		parts = append(parts, c.String())
	}
	noun := "codes"
	if len(cs) == 1 {
		noun = "code"
	}
	return fmt.Sprintf("%d %s: %s", len(cs), noun, strings.Join(parts, " "))
}

// maxLintPoints bounds the (code, column region) points Lint enumerates.
const maxLintPoints = 2_000_000

// region is one piece of a named column that Lint checks with a single
// value: a number a rule compares the column with, or the open interval
// between two such numbers (or beyond the outermost).
type region struct {
	rep            float64 // the value checked
	lo, hi         float64 // the region's bounds (±Inf at the ends)
	loOpen, hiOpen bool
}

// lintColumn is a named column cut into regions, in ascending order.
type lintColumn struct {
	name    string
	regions []region
	// text, for a text column, are the texts the rules name: region 0 is
	// every other value, region k the text text[k-1].
	text []string
}

// codeSet is a set of RFM codes by Code.Index, comparable so that it can
// key a map.
type codeSet [2]uint64

func (s *codeSet) add(i int)       { s[i/64] |= 1 << (i % 64) }
func (s codeSet) has(i int) bool   { return s[i/64]&(1<<(i%64)) != 0 }
func (s *codeSet) union(o codeSet) { s[0], s[1] = s[0]|o[0], s[1]|o[1] }
func (s codeSet) codes(all []Code) []Code {
	var out []Code
	for i, c := range all {
		if s.has(i) {
			out = append(out, c)
		}
	}
	return out
}

// cellCodes records, for each RFM code (by Code.Index), the cells
// (combinations of one region per column, by their mixed-radix number,
// ascending) where a finding holds for it.
type cellCodes struct {
	cells [NumCodes][]int
}

func (c *cellCodes) add(cell, code int) {
	if l := c.cells[code]; len(l) == 0 || l[len(l)-1] != cell {
		c.cells[code] = append(l, cell)
	}
}

// all returns the codes the finding holds for somewhere.
func (c *cellCodes) all() codeSet {
	var u codeSet
	for i, l := range c.cells {
		if len(l) > 0 {
			u.add(i)
		}
	}
	return u
}

// groups puts together the codes for which the finding holds in the same
// cells, in code order, and describes each group's cells in the columns'
// terms: rules over p_alive alone give one group of all 125 codes.
func (c *cellCodes) groups(cols []lintColumn) []cellGroup {
	index := map[string]int{}
	var out []cellGroup
	var cells [][]int
	for i, l := range c.cells {
		if len(l) == 0 {
			continue
		}
		key := fmt.Sprint(l)
		g, ok := index[key]
		if !ok {
			g = len(out)
			index[key] = g
			out = append(out, cellGroup{})
			cells = append(cells, l)
		}
		out[g].codes.add(i)
	}
	for g := range out {
		out[g].where = describeCells(cols, cells[g])
	}
	return out
}

// cellGroup is codes for which a finding holds in the same cells, and
// those cells described.
type cellGroup struct {
	codes codeSet
	where string
}

// box is a block of cells: for each column, a range of region indices.
type box struct{ lo, hi []int }

// maxWhereBoxes bounds the regions a Finding's Where lists.
const maxWhereBoxes = 4

// describeCells describes a set of cells in the columns' own terms: cells
// that differ in one column only and are adjacent in it are merged (until
// nothing merges), so "p_alive == 0.3", "0.3 < p_alive < 0.5" and
// "p_alive == 0.5" read as "0.3 <= p_alive <= 0.5", and a column a block
// spans whole is not named. "" means every value of every column.
func describeCells(cols []lintColumn, cells []int) string {
	if len(cols) == 0 {
		return ""
	}
	boxes := make([]box, len(cells))
	for k, cell := range cells {
		b := box{lo: make([]int, len(cols)), hi: make([]int, len(cols))}
		for ci := range cols {
			b.lo[ci] = cell % len(cols[ci].regions)
			b.hi[ci] = b.lo[ci]
			cell /= len(cols[ci].regions)
		}
		boxes[k] = b
	}
	for merged := true; merged; {
		merged = false
		for d := range cols {
			var n int
			boxes, n = mergeAlong(boxes, d)
			merged = merged || n > 0
		}
	}
	slices.SortFunc(boxes, func(a, b box) int {
		for ci := range a.lo {
			if c := cmpInt(a.lo[ci], b.lo[ci]); c != 0 {
				return c
			}
		}
		return 0
	})
	var parts []string
	for _, b := range boxes {
		var terms []string
		for ci, c := range cols {
			if b.lo[ci] == 0 && b.hi[ci] == len(c.regions)-1 {
				continue // every value of this column
			}
			terms = append(terms, c.interval(b.lo[ci], b.hi[ci]))
		}
		if len(terms) == 0 {
			return "" // one block is everything
		}
		parts = append(parts, strings.Join(terms, " && "))
	}
	if len(parts) == 1 {
		return parts[0]
	}
	more := ""
	if len(parts) > maxWhereBoxes {
		more = fmt.Sprintf(" or %d more regions", len(parts)-maxWhereBoxes)
		parts = parts[:maxWhereBoxes]
	}
	for i, p := range parts {
		if strings.Contains(p, " && ") {
			parts[i] = "(" + p + ")"
		}
	}
	return strings.Join(parts, " or ") + more
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// mergeAlong merges boxes equal in every column but d whose ranges in d
// are adjacent, and returns the boxes and how many merges it made.
func mergeAlong(boxes []box, d int) ([]box, int) {
	key := func(b box) string {
		var sb strings.Builder
		for ci := range b.lo {
			if ci != d {
				fmt.Fprintf(&sb, "%d-%d,", b.lo[ci], b.hi[ci])
			}
		}
		return sb.String()
	}
	groups := map[string][]box{}
	var keys []string
	for _, b := range boxes {
		k := key(b)
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], b)
	}
	out := make([]box, 0, len(boxes))
	n := 0
	for _, k := range keys {
		g := groups[k]
		slices.SortFunc(g, func(a, b box) int { return cmpInt(a.lo[d], b.lo[d]) })
		cur := g[0]
		for _, b := range g[1:] {
			if b.lo[d] == cur.hi[d]+1 {
				cur.hi = slices.Clone(cur.hi)
				cur.hi[d] = b.hi[d]
				n++
				continue
			}
			out = append(out, cur)
			cur = b
		}
		out = append(out, cur)
	}
	return out, n
}

// interval describes the union of regions i..j (adjacent, so one
// interval) as a condition on the column.
func (c lintColumn) interval(i, j int) string {
	if c.text != nil {
		return c.textRegions(i, j)
	}
	lo, hi := c.regions[i], c.regions[j]
	num := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	op := func(open bool) string {
		if open {
			return "<"
		}
		return "<="
	}
	switch {
	case !lo.loOpen && !hi.hiOpen && lo.lo == hi.hi:
		return c.name + " == " + num(lo.lo)
	case math.IsInf(lo.lo, -1):
		return c.name + " " + op(hi.hiOpen) + " " + num(hi.hi)
	case math.IsInf(hi.hi, 1):
		return c.name + " " + strings.NewReplacer("<", ">").Replace(op(lo.loOpen)) + " " + num(lo.lo)
	}
	return num(lo.lo) + " " + op(lo.loOpen) + " " + c.name + " " + op(hi.hiOpen) + " " + num(hi.hi)
}

// textRegions describes regions i..j of a text column.
func (c lintColumn) textRegions(i, j int) string {
	quoted := func(ts []string) string {
		parts := make([]string, len(ts))
		for k, t := range ts {
			parts[k] = `"` + t + `"`
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	if i == 0 && j == 0 {
		return c.name + " not in " + quoted(c.text)
	}
	if i == j {
		return c.name + " == " + `"` + c.text[i-1] + `"`
	}
	if i == 0 {
		return c.name + " not in " + quoted(c.text[j:])
	}
	return c.name + " in " + quoted(c.text[i-1:j])
}

// Lint checks the map's rules exactly and returns what it finds, rules in
// order, then gaps; nil means every rule assigns some customers, no rule
// shadows another, and every customer gets a rule's segment.
//
// How: RFM conditions are checked on all 125 codes. A named column (clv,
// p_alive, ...) is split at every number the rules compare it with into
// points and the open intervals between them; on each such region every
// comparison is constant, so checking one value per region is exact. Lint
// enumerates every code in every combination of regions, unless that is
// more than 2,000,000 points; then the rules that read named columns are
// reported NotChecked, the remaining rules are checked among themselves
// only, and gaps are not checked. NaN column values, which fail every
// comparison, are not considered.
//
// Overlaps and gaps are reported per set of codes they hold for, with the
// regions where they hold merged into intervals of the rules' columns
// (Finding.Where); one that does not depend on the RFM code lists all 125.
func (m *Map) Lint() []Finding {
	cols := make([]lintColumn, len(m.columns))
	colIndex := map[string]int{}
	points := NumCodes
	for ci, name := range m.columns {
		colIndex[name] = ci
		if lits, ok := m.text[name]; ok {
			// Every other value, then each text the rules name.
			c := &cols[ci]
			c.name, c.text = name, lits
			for k := range len(lits) + 1 {
				c.regions = append(c.regions, region{rep: float64(k), lo: float64(k), hi: float64(k)})
			}
			if points <= maxLintPoints {
				points *= len(c.regions)
			}
			continue
		}
		var bps []float64
		for _, cond := range m.conds {
			for _, cmp := range cond {
				if cmp.column != name || cmp.score != namedColumn {
					continue
				}
				for _, iv := range cmp.set {
					for _, v := range []float64{iv.lo, iv.hi} {
						if !math.IsInf(v, 0) {
							bps = append(bps, v)
						}
					}
				}
			}
		}
		slices.Sort(bps)
		bps = slices.Compact(bps)
		inf := math.Inf(1)
		c := &cols[ci]
		c.name = name
		c.regions = append(c.regions, region{rep: math.Nextafter(bps[0], -inf), lo: -inf, hi: bps[0], loOpen: true, hiOpen: true})
		for i, b := range bps {
			c.regions = append(c.regions, region{rep: b, lo: b, hi: b})
			if i+1 < len(bps) {
				if r := math.Nextafter(b, inf); r < bps[i+1] {
					c.regions = append(c.regions, region{rep: r, lo: b, hi: bps[i+1], loOpen: true, hiOpen: true})
				}
			}
		}
		last := bps[len(bps)-1]
		c.regions = append(c.regions, region{rep: math.Nextafter(last, inf), lo: last, hi: inf, loOpen: true, hiOpen: true})
		if points <= maxLintPoints {
			points *= len(c.regions)
		}
	}

	// Which rules to check: all, or only those reading no named column.
	checked := make([]bool, len(m.conds))
	exhaustive := points <= maxLintPoints
	for i, cond := range m.conds {
		checked[i] = exhaustive || !cond.readsNamed()
	}
	if !exhaustive {
		cols = nil
	}

	n := len(m.conds)
	matched := make([]bool, n)
	won := make([]bool, n)
	shadow := make([]map[int]*cellCodes, n) // shadow[j][i]: where i took customers j matches
	var gap cellCodes

	cells := 1
	for _, c := range cols {
		cells *= len(c.regions)
	}
	idx := make([]int, len(cols))
	value := func(name string) float64 {
		ci := colIndex[name]
		return cols[ci].regions[idx[ci]].rep
	}
	codes := AllCodes()
	for cell := 0; cell < cells; cell++ {
		rest := cell // mixed-radix decode of the region of each column
		for ci := range cols {
			idx[ci] = rest % len(cols[ci].regions)
			rest /= len(cols[ci].regions)
		}
		for ki, code := range codes {
			first := -1
			for j, cond := range m.conds {
				if !checked[j] || !cond.matches(code, value) {
					continue
				}
				matched[j] = true
				if first < 0 {
					first, won[j] = j, true
					continue
				}
				if shadow[j] == nil {
					shadow[j] = map[int]*cellCodes{}
				}
				l := shadow[j][first]
				if l == nil {
					l = &cellCodes{}
					shadow[j][first] = l
				}
				l.add(cell, ki)
			}
			if first < 0 {
				gap.add(cell, ki)
			}
		}
	}

	var findings []Finding
	for j := range m.conds {
		f := Finding{Rule: j, Segment: m.rules[j].Segment}
		switch {
		case !checked[j]:
			f.Kind = NotChecked
			findings = append(findings, f)
		case !matched[j]:
			f.Kind = Unsatisfiable
			findings = append(findings, f)
		case !won[j]:
			f.Kind = Unreachable
			var all codeSet
			for _, i := range sortedKeys(shadow[j]) {
				f.By = append(f.By, i)
				f.BySegments = append(f.BySegments, m.rules[i].Segment)
				all.union(shadow[j][i].all())
			}
			f.Codes = all.codes(codes)
			findings = append(findings, f)
		case len(m.conds[j]) == 0:
			// A catch-all ("true") overlaps earlier rules by design.
		default:
			for _, i := range sortedKeys(shadow[j]) {
				for _, g := range shadow[j][i].groups(cols) {
					o := f
					o.Kind = Overlap
					o.By, o.BySegments = []int{i}, []string{m.rules[i].Segment}
					o.Codes = g.codes.codes(codes)
					o.Where = g.where
					findings = append(findings, o)
				}
			}
		}
	}
	if exhaustive {
		for _, g := range gap.groups(cols) {
			findings = append(findings, Finding{Kind: Gap, Rule: -1, Codes: g.codes.codes(codes), Where: g.where})
		}
	}
	return findings
}

// readsNamed reports whether the condition reads a caller-supplied column.
func (cond condition) readsNamed() bool {
	for _, cmp := range cond {
		if cmp.score == namedColumn {
			return true
		}
	}
	return false
}

func sortedKeys[V any](m map[int]V) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
