package wasm

import (
	"encoding/binary"
	"math"
	"unsafe"
)

// WebAssembly memory is little-endian. On a little-endian host with an
// 8-aligned view the columns are copied as memory; otherwise value by value.

var littleEndian = func() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}()

// putFloats writes src into dst as little-endian float64s.
func putFloats(dst []byte, src []float64) {
	if len(src) == 0 {
		return
	}
	if littleEndian && uintptr(unsafe.Pointer(&dst[0]))%8 == 0 {
		copy(unsafe.Slice((*float64)(unsafe.Pointer(&dst[0])), len(src)), src)
		return
	}
	for i, v := range src {
		binary.LittleEndian.PutUint64(dst[8*i:], math.Float64bits(v))
	}
}

// getFloats reads len(dst) little-endian float64s from src.
func getFloats(dst []float64, src []byte) {
	if len(dst) == 0 {
		return
	}
	if littleEndian && uintptr(unsafe.Pointer(&src[0]))%8 == 0 {
		copy(dst, unsafe.Slice((*float64)(unsafe.Pointer(&src[0])), len(dst)))
		return
	}
	for i := range dst {
		dst[i] = math.Float64frombits(binary.LittleEndian.Uint64(src[8*i:]))
	}
}

// getInt32s reads len(dst) little-endian int32s from src.
func getInt32s(dst []int32, src []byte) {
	for i := range dst {
		dst[i] = int32(binary.LittleEndian.Uint32(src[4*i:]))
	}
}

// nanBytes is a little-endian float64 NaN; noLabel is the int32 -1.
var (
	nanBytes = binary.LittleEndian.AppendUint64(nil, math.Float64bits(math.NaN()))
	noLabel  = []byte{0xff, 0xff, 0xff, 0xff}
)

// fill repeats pattern over dst (whose length is a multiple of it) by
// doubling copies.
func fill(dst, pattern []byte) {
	if len(dst) == 0 {
		return
	}
	n := copy(dst, pattern)
	for n < len(dst) {
		n += copy(dst[n:], dst[:n])
	}
}
