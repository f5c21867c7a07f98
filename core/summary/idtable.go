package summary

import (
	"encoding/binary"
	"hash/maphash"
	"math/bits"
	"unsafe"
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
	mix   [3]uint64 // the short ids' hash seeds (see hash), from seed
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
func newIDTable() idTable {
	t := idTable{seed: maphash.MakeSeed()}
	for i := range t.mix {
		t.mix[i] = maphash.String(t.seed, string(rune('a'+i)))
	}
	return t
}

// hasher returns an empty table with t's seeds, whose hash is t's: the
// CSV reader's goroutine hashes with it.
func (t *idTable) hasher() *idTable { return &idTable{seed: t.seed, mix: t.mix} }

// hash returns the hash of id, whose packing is k0, k1 (packID; zeros for
// a long id), under the table's seed. A short id is hashed from its two
// packed words by two rounds of multiply-and-fold with the table's random
// seeds (wyhash's mixing, as the Go runtime hashes without AES), which
// costs a few nanoseconds; a long id by hash/maphash.
func (t *idTable) hash(id string, k0, k1 uint64) uint64 {
	if k1 == 0 {
		return maphash.String(t.seed, id)
	}
	return mum(mum(k0^t.mix[0], k1^t.mix[1])^t.mix[2], 0x9e3779b97f4a7c15)
}

// mum returns the xor of the two halves of x × y's 128-bit product.
func mum(x, y uint64) uint64 {
	hi, lo := bits.Mul64(x, y)
	return hi ^ lo
}

// packID returns the bytes of an id of 1 to 15 bytes packed into two words
// (bytes 0-7 in k0, 8-14 in k1, the length in k1's top byte) and true, or
// false for a longer id. Distinct short ids give distinct packings.
func packID(id string) (k0, k1 uint64, short bool) {
	n := len(id)
	if n == 0 || n > 15 {
		return 0, 0, false
	}
	// The little-endian words of id's bytes padded with zeros to 15
	// bytes, and the length: one load for the first 8 bytes, then a
	// byte at a time (copying into a 16-byte array costs a call).
	tail := id
	if n >= 8 {
		k0 = binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(id), 8))
		tail = id[8:]
	}
	var t uint64
	for i := len(tail) - 1; i >= 0; i-- {
		t = t<<8 | uint64(tail[i])
	}
	if n >= 8 {
		k1 = t
	} else {
		k0 = t
	}
	return k0, k1 | uint64(n)<<56, true
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

// grow doubles the table (or creates it) and moves the ids of the old
// slots into it. A short id is rehashed from its slot, a long one from the
// arena. The slots are moved a block at a time, the block's new slots
// touched first so that their cache misses overlap (see touchBlock).
func (t *idTable) grow(b *Builder) {
	old := t.slots
	t.slots = make([]idSlot, max(idTableMin, 2*len(old)))
	mask := uint64(len(t.slots) - 1)
	var hs [touchBlock]uint64
	var touched uint64
	for lo := 0; lo < len(old); lo += touchBlock {
		block := old[lo:min(lo+touchBlock, len(old))]
		for j, s := range block {
			if s.meta == 0 {
				continue
			}
			id := ""
			if s.k1 == 0 {
				id = b.id(int32(uint32(s.meta)) - 1)
			}
			hs[j] = t.hash(id, s.k0, s.k1)
			touched += t.slots[hs[j]&mask].meta
		}
		for j, s := range block {
			if s.meta == 0 {
				continue
			}
			h := hs[j]
			i := h & mask
			for t.slots[i].meta != 0 {
				i = (i + 1) & mask
			}
			t.slots[i] = idSlot{s.k0, s.k1, h>>32<<32 | s.meta&(1<<32-1)}
		}
	}
	b.touched += touched
}
