package summary

import (
	"fmt"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/clvkit/clvkit/core/attr"
	"github.com/clvkit/clvkit/internal/quote"
)

// attrTracker keeps, per customer position, the attribute values of the
// customer's first purchase (see core/attr for the rule): the rank of the
// row they were taken from, the values' provisional level codes, and
// whether another row held a different value.
type attrTracker struct {
	names  []string
	levels []attr.Levels
	rank   []int64   // by customer position: the day, + returnRank for a return
	codes  [][]int32 // codes[a][position]
	// changed[a][position]: a row held a value other than the current
	// first one. Each row is compared with the value kept so far, so a
	// customer with two or more distinct values is always caught whatever
	// the row order.
	changed [][]bool
}

// returnRank puts every return after every purchase in the rank order
// (days are int32).
const returnRank = 1 << 33

func newAttrTracker(names []string) *attrTracker {
	k := len(names)
	return &attrTracker{names: names, levels: make([]attr.Levels, k), codes: make([][]int32, k), changed: make([][]bool, k)}
}

// observe records the attribute values vals of a kept row of the
// customer at position i (already stored by the Builder) of date day; a
// negative amount (−0 included) is a return.
func (t *attrTracker) observe(i int32, day int32, amount float64, vals []string) {
	rank := int64(day)
	if math.Signbit(amount) {
		rank += returnRank
	}
	if int(i) == len(t.rank) { // a new customer: positions are dense
		t.rank = append(t.rank, rank)
		for a, v := range vals {
			t.codes[a] = append(t.codes[a], t.levels[a].Code(v))
			t.changed[a] = append(t.changed[a], false)
		}
		return
	}
	earlier := rank < t.rank[i]
	if earlier {
		t.rank[i] = rank
	}
	for a, v := range vals {
		cur := t.levels[a].Name(t.codes[a][i])
		if sameValue(v, cur) {
			continue
		}
		t.changed[a][i] = true
		if earlier {
			t.codes[a][i] = t.levels[a].Code(v)
		}
	}
}

// sameValue tells whether the raw cell v is the level name cur, without
// allocating (a blank cell is attr.Unknown).
func sameValue(v, cur string) bool {
	v = attr.Trim(v)
	if v == "" {
		return cur == attr.Unknown
	}
	return v == cur
}

// checkAttributes returns an error for an attribute value that is not
// valid UTF-8 (output formats could not hold it), else nil.
func checkAttributes(names, vals []string) (string, error) {
	for a, v := range vals {
		if !utf8.ValidString(v) {
			return names[a], fmt.Errorf("attribute %s: value %s is not valid UTF-8 text (fix the file's encoding)", quote.Value(names[a]), quote.Value(strings.ToValidUTF8(v, "\uFFFD")))
		}
	}
	return "", nil
}

// attributes builds the Set of the summary's customers from the tracker.
func (b *Builder) attributes(customers []Customer) *attr.Set {
	t := b.attrs
	k := len(t.names)
	s := &attr.Set{Names: append([]string(nil), t.names...), Levels: make([][]string, k), Codes: make([][]int32, k),
		Report: attr.Report{Source: "transactions", Customers: len(customers), Changed: make([]int, k), Blank: make([]int, k)}}
	pos := make([]int32, len(customers))
	for j, c := range customers {
		key, intID := intKey(c.ID)
		pos[j] = b.customer(c.ID, key, intID) // present: every summarized customer was added
	}
	for a := range k {
		codes := make([]int32, len(customers))
		unknown := int32(-1)
		for j, p := range pos {
			codes[j] = t.codes[a][p]
			if t.changed[a][p] {
				s.Report.Changed[a]++
			}
			if unknown < 0 && t.levels[a].Name(codes[j]) == attr.Unknown {
				unknown = codes[j]
			}
			if codes[j] == unknown {
				s.Report.Blank[a]++
			}
		}
		s.Levels[a] = t.levels[a].Finish(codes)
		s.Codes[a] = codes
	}
	return s
}
