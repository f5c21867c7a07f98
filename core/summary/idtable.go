package summary

import "hash/maphash"

// idTable maps the customer ids that are not keyed by integer value (see
// intKey) to their positions in the Builder's ids (Builder.id). It is an open-addressing hash
// table with linear probing whose slots are single words, tag<<32 |
// position+1 (0: empty), where the tag is the high half of the id's hash:
// a probe reads the stored id only when the tags match, so a new id
// usually costs one cache miss, and the table holds no pointers for the
// collector to scan. The seed is random per table, as for Go maps (a log
// crafted to collide cannot make the build quadratic); the layout affects
// speed only, never which position an id gets nor the output.
type idTable struct {
	seed  maphash.Seed
	slots []uint64
	n     int // ids in the table
}

// idTableMin is the initial number of slots.
const idTableMin = 1 << 12

// customer returns the position of id among b's ids, adding it
// (b.newCustomer) if new.
func (t *idTable) customer(b *Builder, id string) int32 {
	if 4*(t.n+1) > 3*len(t.slots) {
		t.grow(b)
	}
	h := maphash.String(t.seed, id)
	tag := h >> 32
	mask := uint64(len(t.slots) - 1)
	for j := h & mask; ; j = (j + 1) & mask {
		s := t.slots[j]
		if s == 0 {
			i := b.newCustomer(id)
			t.slots[j] = tag<<32 | uint64(i+1)
			t.n++
			return i
		}
		if s>>32 == tag {
			if i := int32(uint32(s)) - 1; b.id(i) == id {
				return i
			}
		}
	}
}

// grow doubles the table (or creates it) and reinserts b's ids that
// belong in it.
func (t *idTable) grow(b *Builder) {
	if t.slots == nil {
		t.seed = maphash.MakeSeed()
	}
	t.slots = make([]uint64, max(idTableMin, 2*len(t.slots)))
	mask := uint64(len(t.slots) - 1)
	for i := range b.numIDs() {
		id := b.id(int32(i))
		if _, intID := intKey(id); intID {
			continue
		}
		h := maphash.String(t.seed, id)
		j := h & mask
		for t.slots[j] != 0 {
			j = (j + 1) & mask
		}
		t.slots[j] = h>>32<<32 | uint64(i+1)
	}
}
