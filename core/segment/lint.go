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
	// (Unreachable, Overlap) or that no rule matches (Gap).
	Codes []Code
	// Where describes one region of the named columns where the finding
	// holds, for example "clv <= 1000"; empty when the rules read only
	// RFM scores or the finding holds everywhere.
	Where string
}

// String returns a one-line, readable description of the finding.
func (f Finding) String() string {
	rule := fmt.Sprintf("rule %d (%q)", f.Rule+1, f.Segment)
	where := ""
	if f.Where != "" {
		where = " where " + f.Where
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
		return fmt.Sprintf("%s: overlap: %s comes first and takes %s%s", rule, strings.Join(by, ", "), codeList(f.Codes), where)
	case Gap:
		return fmt.Sprintf("gap: no rule matches %s%s; they get the default label", codeList(f.Codes), where)
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
func (m *Map) Lint() []Finding {
	type column struct {
		reps  []float64
		descs []string
	}
	cols := make([]column, len(m.columns))
	colIndex := map[string]int{}
	points := NumCodes
	for ci, name := range m.columns {
		colIndex[name] = ci
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
		num := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
		c := &cols[ci]
		c.reps = append(c.reps, math.Nextafter(bps[0], math.Inf(-1)))
		c.descs = append(c.descs, name+" < "+num(bps[0]))
		for i, b := range bps {
			c.reps = append(c.reps, b)
			c.descs = append(c.descs, name+" == "+num(b))
			if i+1 < len(bps) {
				if r := math.Nextafter(b, math.Inf(1)); r < bps[i+1] {
					c.reps = append(c.reps, r)
					c.descs = append(c.descs, num(b)+" < "+name+" < "+num(bps[i+1]))
				}
			}
		}
		last := bps[len(bps)-1]
		c.reps = append(c.reps, math.Nextafter(last, math.Inf(1)))
		c.descs = append(c.descs, name+" > "+num(last))
		if points <= maxLintPoints {
			points *= len(c.reps)
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

	type lost struct {
		codes [NumCodes]bool
		where string
	}
	n := len(m.conds)
	matched := make([]bool, n)
	won := make([]bool, n)
	shadow := make([]map[int]*lost, n) // shadow[j][i]: i took customers j matches
	var gap lost
	gapAny := false

	cells := 1
	for _, c := range cols {
		cells *= len(c.reps)
	}
	idx := make([]int, len(cols))
	value := func(name string) float64 {
		ci := colIndex[name]
		return cols[ci].reps[idx[ci]]
	}
	where := func() string {
		parts := make([]string, len(cols))
		for ci := range cols {
			parts[ci] = cols[ci].descs[idx[ci]]
		}
		return strings.Join(parts, " && ")
	}
	codes := AllCodes()
	for cell := 0; cell < cells; cell++ {
		rest := cell // mixed-radix decode of the region of each column
		for ci := range cols {
			idx[ci] = rest % len(cols[ci].reps)
			rest /= len(cols[ci].reps)
		}
		for _, code := range codes {
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
					shadow[j] = map[int]*lost{}
				}
				l := shadow[j][first]
				if l == nil {
					l = &lost{where: where()}
					shadow[j][first] = l
				}
				l.codes[code.Index()] = true
			}
			if first < 0 {
				if !gapAny {
					gap.where = where()
				}
				gapAny = true
				gap.codes[code.Index()] = true
			}
		}
	}

	codeSet := func(set *[NumCodes]bool) []Code {
		var out []Code
		for i, c := range codes {
			if set[i] {
				out = append(out, c)
			}
		}
		return out
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
			var all [NumCodes]bool
			for _, i := range sortedKeys(shadow[j]) {
				f.By = append(f.By, i)
				f.BySegments = append(f.BySegments, m.rules[i].Segment)
				for k, ok := range shadow[j][i].codes {
					all[k] = all[k] || ok
				}
			}
			f.Codes = codeSet(&all)
			findings = append(findings, f)
		case len(m.conds[j]) == 0:
			// A catch-all ("true") overlaps earlier rules by design.
		default:
			for _, i := range sortedKeys(shadow[j]) {
				o := f
				o.Kind = Overlap
				o.By, o.BySegments = []int{i}, []string{m.rules[i].Segment}
				o.Codes = codeSet(&shadow[j][i].codes)
				o.Where = shadow[j][i].where
				findings = append(findings, o)
			}
		}
	}
	if gapAny && exhaustive {
		findings = append(findings, Finding{Kind: Gap, Rule: -1, Codes: codeSet(&gap.codes), Where: gap.where})
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
