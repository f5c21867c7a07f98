//go:build wasip1

package guest

import "unsafe"

// The exports of the clv plugin ABI (plugins/ABI.md). Pointers are offsets
// into the module's linear memory; a (pointer, length) pair is returned as
// one i64, pointer<<32 | length, 0 when there is none.

//go:wasmexport clv_abi_version
func clvABIVersion() int32 { return ABIVersion }

//go:wasmexport clv_alloc
func clvAlloc(size int32) uint32 { return addr(the.alloc(int(size))) }

//go:wasmexport clv_describe
func clvDescribe() uint64 {
	b, err := the.describe()
	if err != nil {
		the.fail(err)
		return 0
	}
	return pack(b)
}

//go:wasmexport clv_configure
func clvConfigure(ptr uint32, size int32) int32 {
	if ptr != addr(the.scratch) || int(size) > len(the.scratch) || size < 0 {
		return the.fail(errBadScratch)
	}
	return the.status(the.configure(the.scratch[:size]))
}

//go:wasmexport clv_batch
func clvBatch(rows, nIn, nOut int32) uint32 {
	buf, err := the.batch(int(rows), int(nIn), int(nOut))
	if err != nil {
		the.fail(err)
		return 0
	}
	return uint32(uintptr(unsafe.Pointer(&buf[0])))
}

//go:wasmexport clv_compute
func clvCompute(rows int32) int32 { return the.status(the.compute(int(rows))) }

//go:wasmexport clv_segment
func clvSegment(rows int32) int32 { return the.status(the.segment(int(rows))) }

//go:wasmexport clv_error
func clvError() uint64 { return pack(the.errMsg) }

// addr is the linear-memory offset of b's first byte, 0 for an empty b.
func addr(b []byte) uint32 {
	if len(b) == 0 {
		return 0
	}
	return uint32(uintptr(unsafe.Pointer(&b[0])))
}

// pack returns b as pointer<<32 | length.
func pack(b []byte) uint64 { return uint64(addr(b))<<32 | uint64(uint32(len(b))) }
