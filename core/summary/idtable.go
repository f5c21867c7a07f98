package summary

import (
	"encoding/binary"
	"hash/maphash"
)

// idTable maps the customer ids that are not keyed by integer value (see
// intKey) to their positions in the Builder's ids (Builder.id). It is an
// open-addressing hash table with linear probing whose slots hold no
// pointers for the collector to scan: the tag (high half of the id's
// hash), the position+1 (0: empty) and, for an id of at most 15 bytes, the
// id itself packed into two words (see packID). A probe compares the
// packed words, so looking up a short id reads one slot and never the id
// arena (a cache miss per row on a shuffled log); longer ids are compared
// with the stored id when the tags match. The seed is random per table, as
// for Go maps (a log crafted to collide cannot make the build quadratic);
// the layout affects speed only, never which position an id gets nor the
// output.
type idTable struct {
	seed  maphash.Seed
	slots []idSlot
	n     int // ids in the table
}

// idSlot is one slot: k0, k1 from packID (both 0 for a long id) and
// tag<<32 | position+1.
type idSlot struct {
	k0, k1 uint64
	meta   uint64
}

// idTableMin is the initial number of slots.
const idTableMin = 1 << 12

// newIDTable returns an empty table with a fresh random seed.
func newIDTable() idTable { return idTable{seed: maphash.MakeSeed()} }

// hash returns the hash of id under the table's seed.
func (t *idTable) hash(id string) uint64 { return maphash.String(t.seed, id) }

// packID returns the bytes of an id of 1 to 15 bytes packed into two words
// (bytes 0-7 in k0, 8-14 in k1, the length in k1's top byte) and true, or
// false for a longer id. Distinct short ids give distinct packings.
func packID(id string) (k0, k1 uint64, short bool) {
	n := len(id)
	if n == 0 || n > 15 {
		return 0, 0, false
	}
	var b [16]byte
	copy(b[:], id)
	b[15] = byte(n)
	return binary.LittleEndian.Uint64(b[:8]), binary.LittleEndian.Uint64(b[8:]), true
}

// customer returns the position of id, whose hash is h (t.hash(id)) and
// packing k0, k1 (packID; zeros for a long id), among b's ids, adding it
// (b.newCustomer) if new.
func (t *idTable) customer(b *Builder, id string, h, k0, k1 uint64) int32 {
	if 4*(t.n+1) > 3*len(t.slots) {
		t.grow(b)
	}
	tag := h >> 32
	mask := uint64(len(t.slots) - 1)
	for j := h & mask; ; j = (j + 1) & mask {
		s := &t.slots[j]
		if s.meta == 0 {
			i := b.newCustomer(id)
			*s = idSlot{k0, k1, tag<<32 | uint64(i+1)}
			t.n++
			return i
		}
		if s.meta>>32 != tag || s.k0 != k0 || s.k1 != k1 {
			continue
		}
		i := int32(uint32(s.meta)) - 1
		if k1 != 0 || b.id(i) == id { // a short id's packing is the id
			return i
		}
	}
}

// grow doubles the table (or creates it) and reinserts b's ids that
// belong in it.
func (t *idTable) grow(b *Builder) {
	t.slots = make([]idSlot, max(idTableMin, 2*len(t.slots)))
	mask := uint64(len(t.slots) - 1)
	for i := range b.numIDs() {
		id := b.id(int32(i))
		if _, intID := intKey(id); intID {
			continue
		}
		h := t.hash(id)
		k0, k1, _ := packID(id)
		j := h & mask
		for t.slots[j].meta != 0 {
			j = (j + 1) & mask
		}
		t.slots[j] = idSlot{k0, k1, h>>32<<32 | uint64(i+1)}
	}
}
