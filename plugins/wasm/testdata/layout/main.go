//go:build wasip1

// Command layout is a benchmark module that runs the contribution formula
// on a batch laid out column by column or row by row, to choose the ABI's
// layout by measurement (BenchmarkLayout; the figures are in plugins/ABI.md).
package main

import (
	"unsafe"

	"github.com/clvkit/clvkit/examples/plugins/contribution"
	"github.com/clvkit/clvkit/plugins"
)

var (
	f = func() *contribution.Formula {
		f := &contribution.Formula{}
		f.Configure(plugins.Params{"margin": 0.3, "return_rate": 0.08, "cost_per_order": 2.5})
		return f
	}()
	buf     []float64 // 2 inputs then 2 outputs, rows values each
	scratch []float64 // columns for the row-major path
)

//go:wasmexport layout_buf
func layoutBuf(rows int32) uint32 {
	buf = make([]float64, 4*rows)
	scratch = make([]float64, 4*rows)
	return uint32(uintptr(unsafe.Pointer(&buf[0])))
}

// layout_col: columns, as plugins/guest passes them (views, no copy).
//
//go:wasmexport layout_col
func layoutCol(rows int32) {
	n := int(rows)
	f.Compute([][]float64{buf[:n], buf[n : 2*n]}, [][]float64{buf[2*n : 3*n], buf[3*n:]})
}

// layout_row: rows (x0 y0 x1 y1 ...; then the outputs the same way),
// transposed to columns for the columnar plugins.Formula and back.
//
//go:wasmexport layout_row
func layoutRow(rows int32) {
	n := int(rows)
	for i := 0; i < n; i++ {
		scratch[i], scratch[n+i] = buf[2*i], buf[2*i+1]
	}
	f.Compute([][]float64{scratch[:n], scratch[n : 2*n]}, [][]float64{scratch[2*n : 3*n], scratch[3*n:]})
	out := buf[2*n:]
	for i := 0; i < n; i++ {
		out[2*i], out[2*i+1] = scratch[2*n+i], scratch[3*n+i]
	}
}

// layout_row_direct: rows, computed in place: the best row-major could do
// with a row-based contract.
//
//go:wasmexport layout_row_direct
func layoutRowDirect(rows int32) {
	n := int(rows)
	const margin, returnRate, costPerOrder = 0.3, 0.08, 2.5
	in, out := buf[:2*n], buf[2*n:]
	for i := 0; i < n; i++ {
		p, s := in[2*i], in[2*i+1]
		rev := float64(p * s)
		out[2*i], out[2*i+1] = rev, float64(rev*(margin-returnRate))-float64(p*costPerOrder)
	}
}

func main() {}
