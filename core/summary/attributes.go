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
// customer's first purchase (see core/attr for the rule). Each customer
// has one slot of 2+k int32 in slots, so a row touches one cache line:
//
//	[0]     the day of the row the values were taken from
//	[1]     flags: bit 0 that row is a return; bit 1+a another row held a
//	        different value of attribute a
//	[2+a]   the provisional level code of attribute a
//
// A row that is earlier (a purchase before a return, then the earlier
// day) replaces the values; each row is compared with the values kept so
// far, so a customer with two or more distinct values is flagged whatever
// the row order.
type attrTracker struct {
	names  []string
	levels []attr.Levels
	slots  []int32
}

// maxAttributes bounds the attributes of a transaction log (one flag bit
// each).
const maxAttributes = 30

func newAttrTracker(names []string) *attrTracker {
	return &attrTracker{names: names, levels: make([]attr.Levels, len(names))}
}

// observe records the attribute values vals of a kept row of the
// customer at position i (already stored by the Builder) of date day; a
// negative amount (−0 included) is a return.
func (t *attrTracker) observe(i int32, day int32, amount float64, vals []string) {
	stride := 2 + len(vals)
	ret := int32(0)
	if math.Signbit(amount) {
		ret = 1
	}
	at := int(i) * stride
	if at == len(t.slots) { // a new customer: positions are dense
		t.slots = append(t.slots, day, ret)
		for a, v := range vals {
			t.slots = append(t.slots, t.levels[a].Code(v))
		}
		return
	}
	slot := t.slots[at : at+stride : at+stride]
	kept := slot[1] & 1
	earlier := ret < kept || ret == kept && day < slot[0]
	if earlier {
		slot[0] = day
		slot[1] = slot[1]&^1 | ret
	}
	for a, v := range vals {
		if sameValue(v, t.levels[a].Name(slot[2+a])) {
			continue
		}
		slot[1] |= 2 << a
		if earlier {
			slot[2+a] = t.levels[a].Code(v)
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
	stride := int32(2 + k)
	for a := range k {
		codes := make([]int32, len(customers))
		unknown := int32(-1)
		for j, p := range pos {
			slot := t.slots[p*stride : (p+1)*stride]
			codes[j] = slot[2+a]
			if slot[1]&(2<<a) != 0 {
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
