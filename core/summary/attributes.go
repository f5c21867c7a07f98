package summary

import (
	"fmt"
	"slices"
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
	names   []string
	levels  []attr.Levels
	slots   []int32
	scratch []int32 // Add's codes
}

// maxAttributes bounds the attributes of a transaction log (one flag bit
// each).
const maxAttributes = 30

func newAttrTracker(names []string) *attrTracker {
	return &attrTracker{names: names, levels: make([]attr.Levels, len(names))}
}

// observe records the attribute level codes of a kept row of the
// customer at position i (already stored by the Builder) of date day,
// a return or not. codes are provisional codes of t.levels (see intern).
func (t *attrTracker) observe(i int32, day int32, isRet bool, codes []int32) {
	stride := 2 + len(codes)
	ret := int32(0)
	if isRet {
		ret = 1
	}
	at := int(i) * stride
	if at == len(t.slots) { // a new customer: positions are dense
		t.slots = append(t.slots, day, ret)
		t.slots = append(t.slots, codes...)
		return
	}
	slot := t.slots[at : at+stride : at+stride]
	kept := slot[1] & 1
	earlier := ret < kept || ret == kept && day < slot[0]
	if earlier {
		slot[0] = day
		slot[1] = slot[1]&^1 | ret
	}
	for a, c := range codes {
		if c == slot[2+a] {
			continue
		}
		slot[1] |= 2 << a
		if earlier {
			slot[2+a] = c
		}
	}
}

// intern appends the provisional level codes of the cells vals to dst. A
// value new to its attribute must be valid UTF-8: else intern returns the
// attribute's name and an error. It runs on one goroutine at a time (the
// CSV reader's, or Add's caller's).
func (t *attrTracker) intern(dst []int32, vals []string) ([]int32, string, error) {
	for a, v := range vals {
		c, ok := t.levels[a].Lookup(v)
		if !ok {
			if !utf8.ValidString(v) {
				return dst, t.names[a], fmt.Errorf("attribute %s: value %s is not valid UTF-8 text (fix the file's encoding)", quote.Value(t.names[a]), quote.Value(strings.ToValidUTF8(v, "\uFFFD")))
			}
			c = t.levels[a].Code(v)
		}
		dst = append(dst, c)
	}
	return dst, "", nil
}

// attributes builds the Set of the summary's customers from the tracker.
func (b *Builder) attributes(customers []Customer) *attr.Set {
	t := b.attrs
	k := len(t.names)
	s := &attr.Set{Names: append([]string(nil), t.names...), Levels: make([][]string, k), Codes: make([][]int32, k),
		Report: attr.Report{Source: "transactions", Customers: len(customers), Changed: make([]int, k), Blank: make([]int, k)}}
	pos := make([]int32, len(customers))
	for j, c := range customers {
		pos[j] = b.customer(c.ID, keyOf(c.ID, &b.strs)) // present: every summarized customer was added
	}
	stride := int32(2 + k)
	for a := range k {
		codes := make([]int32, len(customers))
		used := make([]bool, t.levels[a].Len())
		for j, p := range pos {
			slot := t.slots[p*stride : (p+1)*stride]
			codes[j] = slot[2+a]
			used[codes[j]] = true
			if slot[1]&(2<<a) != 0 {
				s.Report.Changed[a]++
			}
		}
		// Only the levels of summarized customers (a value seen only on
		// rows the summary left out is no level), sorted.
		var lv attr.Levels
		remap := make([]int32, len(used))
		for c, u := range used {
			if u {
				remap[c] = lv.Code(t.levels[a].Name(int32(c)))
			}
		}
		for j, c := range codes {
			codes[j] = remap[c]
		}
		s.Levels[a] = lv.Finish(codes)
		s.Codes[a] = codes
		if u, ok := slices.BinarySearch(s.Levels[a], attr.Unknown); ok {
			for _, c := range codes {
				if c == int32(u) {
					s.Report.Blank[a]++
				}
			}
		}
	}
	return s
}
