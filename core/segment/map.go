package segment

import (
	"fmt"
	"slices"
)

// Map assigns segments by an ordered list of rules: the first rule whose
// condition matches a customer gives its segment; when none matches the
// customer gets the map's default label. Build one with NewMap or
// DefaultMap; check it with Lint. A Map is immutable and safe for
// concurrent use.
type Map struct {
	rules    []Rule
	conds    []condition
	fallback string
	columns  []string // named columns the rules read, sorted
	// text holds, per text column, the texts the rules name, sorted: a
	// value's code is its index + 1, any other value's 0.
	text map[string][]string
	// byCode is the winning rule per code index (-1 for none) when no rule
	// reads a named column, so that Assign is a table lookup.
	byCode []int
}

// NewMap compiles rules, in priority order, into a Map. defaultLabel is the
// segment of customers no rule matches (for example "Other"); it may be
// empty. An error is a *ParseError naming the rule and position.
func NewMap(rules []Rule, defaultLabel string) (*Map, error) {
	m := &Map{rules: slices.Clone(rules), fallback: defaultLabel}
	seen := map[string]bool{}
	for i, r := range rules {
		c, err := compileRule(i, r)
		if err != nil {
			return nil, err
		}
		m.conds = append(m.conds, c)
		for _, cmp := range c {
			if cmp.score == namedColumn && !seen[cmp.column] {
				seen[cmp.column] = true
				m.columns = append(m.columns, cmp.column)
			}
		}
	}
	slices.Sort(m.columns)
	if err := m.compileText(); err != nil {
		return nil, err
	}
	if len(m.columns) == 0 {
		m.byCode = make([]int, NumCodes)
		for _, c := range AllCodes() {
			m.byCode[c.Index()] = m.match(c, nil)
		}
	}
	return m, nil
}

// Rules returns a copy of the map's rules in priority order.
func (m *Map) Rules() []Rule { return slices.Clone(m.rules) }

// Default returns the label of customers no rule matches.
func (m *Map) Default() string { return m.fallback }

// Columns returns the named (caller-supplied) numeric columns the rules
// read, sorted; empty when the rules only test RFM scores and text.
func (m *Map) Columns() []string {
	var out []string
	for _, c := range m.columns {
		if _, text := m.text[c]; !text {
			out = append(out, c)
		}
	}
	return out
}

// TextColumns returns the text columns the rules read (compared with
// "..."), sorted. A caller gives Assign and Match their values as
// TextCodes.
func (m *Map) TextColumns() []string {
	var out []string
	for _, c := range m.columns {
		if _, text := m.text[c]; text {
			out = append(out, c)
		}
	}
	return out
}

// TextCodes turns the values of the text column name into the numbers
// Assign and Match compare: the position + 1 of each value among the texts
// the rules name, 0 for any other value.
func (m *Map) TextCodes(name string, values []string) []float64 {
	lits := m.text[name]
	out := make([]float64, len(values))
	for i, v := range values {
		if k, ok := slices.BinarySearch(lits, v); ok {
			out[i] = float64(k + 1)
		}
	}
	return out
}

// compileText numbers the texts of each text column and turns the text
// comparisons into intervals of those numbers. A column compared with
// both text and numbers is an error naming the rules.
func (m *Map) compileText() error {
	numeric := map[string]int{}
	for i, cond := range m.conds {
		for _, cmp := range cond {
			if cmp.score != namedColumn {
				continue
			}
			if cmp.text == nil {
				if _, ok := numeric[cmp.column]; !ok {
					numeric[cmp.column] = i
				}
				continue
			}
			if m.text == nil {
				m.text = map[string][]string{}
			}
			m.text[cmp.column] = append(m.text[cmp.column], cmp.text...)
		}
	}
	for name, lits := range m.text {
		slices.Sort(lits)
		m.text[name] = slices.Compact(lits)
		if i, ok := numeric[name]; ok {
			return &ParseError{Rule: i, Segment: m.rules[i].Segment, When: m.rules[i].When, Pos: 1,
				Msg: fmt.Sprintf("column %q is compared with a number here and with text in another rule", name)}
		}
	}
	for _, cond := range m.conds {
		for k := range cond {
			cmp := &cond[k]
			if cmp.text == nil {
				continue
			}
			codes := m.TextCodes(cmp.column, cmp.text)
			cmp.set = nil
			switch cmp.op {
			case "!=":
				cmp.set = notEqual(codes[0])
			default: // == and in{}
				for _, c := range codes {
					cmp.set = append(cmp.set, interval{lo: c, hi: c})
				}
			}
		}
	}
	return nil
}

// match returns the first rule matching code c, whose named columns are
// read through value, or -1. value is only called for named columns.
func (m *Map) match(c Code, value func(name string) float64) int {
	for i, cond := range m.conds {
		if cond.matches(c, value) {
			return i
		}
	}
	return -1
}

// matches reports whether every comparison accepts the customer. A NaN
// column value fails every comparison.
func (cond condition) matches(c Code, value func(name string) float64) bool {
	for _, cmp := range cond {
		var v float64
		if cmp.score == namedColumn {
			v = value(cmp.column)
		} else {
			v = cmp.score.value(c)
		}
		if !cmp.accepts(v) {
			return false
		}
	}
	return true
}

// Match returns the 0-based index of the first rule that matches a customer
// with code c, or -1 when none does. lookup returns the customer's value of
// a named column and whether it has one; it may be nil when the rules read
// no named columns. A missing column, or an invalid code, is an error.
func (m *Map) Match(c Code, lookup func(name string) (float64, bool)) (int, error) {
	if !c.Valid() {
		return -1, fmt.Errorf("segment: invalid RFM code %s: scores must be 1-5", c)
	}
	if m.byCode != nil {
		return m.byCode[c.Index()], nil
	}
	vals := make(map[string]float64, len(m.columns))
	for _, name := range m.columns {
		var v float64
		ok := false
		if lookup != nil {
			v, ok = lookup(name)
		}
		if !ok {
			return -1, fmt.Errorf("segment: the rules read column %q, which the customer does not have", name)
		}
		vals[name] = v
	}
	return m.match(c, func(name string) float64 { return vals[name] }), nil
}

// Segment returns the segment of one customer: the first matching rule's
// Segment, or the default label. See Match for lookup.
func (m *Map) Segment(c Code, lookup func(name string) (float64, bool)) (string, error) {
	i, err := m.Match(c, lookup)
	if err != nil {
		return "", err
	}
	if i < 0 {
		return m.fallback, nil
	}
	return m.rules[i].Segment, nil
}

// Assign returns the segment of every customer. codes holds their RFM codes;
// columns holds every named column the rules read (see Columns), each a
// slice parallel to codes, and may be nil when they read none. A NaN column
// value fails every comparison on it.
func (m *Map) Assign(codes []Code, columns map[string][]float64) ([]string, error) {
	cols := make(map[string][]float64, len(m.columns))
	for _, name := range m.columns {
		col, ok := columns[name]
		if !ok {
			return nil, fmt.Errorf("assign segments: the rules read column %q, which was not supplied", name)
		}
		if len(col) != len(codes) {
			return nil, fmt.Errorf("assign segments: column %q has %d values for %d customers", name, len(col), len(codes))
		}
		cols[name] = col
	}
	out := make([]string, len(codes))
	var row int
	value := func(name string) float64 { return cols[name][row] }
	for i, c := range codes {
		if !c.Valid() {
			return nil, fmt.Errorf("assign segments: row %d: invalid RFM code %s: scores must be 1-5", i, c)
		}
		var k int
		if m.byCode != nil {
			k = m.byCode[c.Index()]
		} else {
			row = i
			k = m.match(c, value)
		}
		if k < 0 {
			out[i] = m.fallback
		} else {
			out[i] = m.rules[k].Segment
		}
	}
	return out, nil
}
