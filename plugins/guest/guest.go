// Package guest is the SDK a WebAssembly plugin is written with: a plugin
// registers its plugins.Formula or plugins.Segmentation in an init function
// and this package exports the functions of the clv plugin ABI
// (plugins/ABI.md) around it.
//
//	//go:build wasip1
//
//	package main
//
//	import (
//		"github.com/clvkit/clvkit/examples/plugins/contribution"
//		"github.com/clvkit/clvkit/plugins/guest"
//	)
//
//	func init() { guest.Formula(&contribution.Formula{}) }
//
//	func main() {}
//
// Build it as a WASI reactor:
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o contribution.wasm ./cmd/wasm
//
// With -buildmode=c-shared, the module's _initialize export runs the
// package init functions (so the registration) and main is never called;
// the host then calls the clv_* exports. The exports are defined in this
// package under GOOS=wasip1 (//go:wasmexport works in any package linked
// into the module); on other systems the package holds only the
// registration and the transport-independent logic, so it builds and tests
// natively.
//
// The module holds one plugin: its state (the registered plugin and the
// buffers the host writes into) is the instance's state, which is why this
// package keeps it in a package-level variable.
package guest

import (
	"encoding/json"
	"errors"
	"fmt"
	"unsafe"

	"github.com/clvkit/clvkit/plugins"
)

// ABIVersion is the version of the WebAssembly ABI (plugins/ABI.md) this
// SDK exports from clv_abi_version. It changes when the exports or the
// memory layout change, independently of plugins.ProtocolVersion.
const ABIVersion = 1

// Formula registers f as the module's plugin. Call it once, from an init
// function; it panics if a plugin is already registered.
func Formula(f plugins.Formula) {
	if f == nil {
		panic("guest.Formula: nil formula")
	}
	the.register(f, nil)
}

// Segmentation registers s as the module's plugin. Call it once, from an
// init function; it panics if a plugin is already registered.
func Segmentation(s plugins.Segmentation) {
	if s == nil {
		panic("guest.Segmentation: nil segmentation")
	}
	the.register(nil, s)
}

// the is the instance's one plugin and its buffers.
var the module

// module is the transport-independent half of the ABI: the exports in
// exports_wasip1.go convert between its slices and linear-memory pointers.
type module struct {
	formula      plugins.Formula
	segmentation plugins.Segmentation

	described bool
	desc      plugins.Description
	descJSON  []byte

	scratch []byte // clv_alloc's buffer: the parameters' JSON

	// The batch buffer: nIn input columns of rows float64, then nOut output
	// columns of rows float64 (a formula) or rows int32 labels (a
	// segmentation). Allocated as []float64 so every column is 8-aligned.
	buf             []float64
	rows, nIn, nOut int
	in, out         [][]float64
	labels          []int32

	errMsg []byte // the last error, for clv_error
}

func (m *module) register(f plugins.Formula, s plugins.Segmentation) {
	if m.formula != nil || m.segmentation != nil {
		panic("guest: a plugin is already registered; a module holds one plugin")
	}
	m.formula, m.segmentation = f, s
}

// errNoPlugin is what every call answers when init registered nothing.
var errNoPlugin = errors.New("no plugin registered: call guest.Formula or guest.Segmentation from an init function")

// description returns the plugin's description, asking it once.
func (m *module) description() (plugins.Description, error) {
	if m.described {
		return m.desc, nil
	}
	var d plugins.Description
	switch {
	case m.formula != nil:
		d = m.formula.Describe()
	case m.segmentation != nil:
		d = m.segmentation.Describe()
	default:
		return d, errNoPlugin
	}
	if err := d.Validate(); err != nil {
		return d, err
	}
	if d.Kind == plugins.KindFormula && m.formula == nil || d.Kind == plugins.KindSegmentation && m.segmentation == nil {
		return d, fmt.Errorf("plugin %s: describes itself as a %s plugin but was registered as the other kind", d.Name, d.Kind)
	}
	b, err := json.Marshal(d)
	if err != nil {
		return d, fmt.Errorf("plugin %s: encode description: %w", d.Name, err)
	}
	m.desc, m.descJSON, m.described = d, b, true
	return d, nil
}

// describe answers clv_describe: the description as JSON.
func (m *module) describe() ([]byte, error) {
	if _, err := m.description(); err != nil {
		return nil, err
	}
	return m.descJSON, nil
}

// alloc answers clv_alloc: a buffer of n bytes the host writes into, valid
// until the next alloc.
func (m *module) alloc(n int) []byte {
	if n <= 0 {
		n = 1 // a valid, non-nil address even for an empty write
	}
	if cap(m.scratch) < n {
		m.scratch = make([]byte, n)
	}
	m.scratch = m.scratch[:n]
	return m.scratch
}

// configure answers clv_configure: params is the JSON object of parameter
// values. Defaults are filled in and bounds checked (plugins.Description
// Resolve) before the plugin sees them, whatever the host did.
func (m *module) configure(params []byte) error {
	d, err := m.description()
	if err != nil {
		return err
	}
	var given plugins.Params
	if err := json.Unmarshal(params, &given); err != nil {
		return fmt.Errorf("parameters: %w", err)
	}
	p, err := d.Resolve(given)
	if err != nil {
		return err
	}
	if m.formula != nil {
		return m.formula.Configure(p)
	}
	return m.segmentation.Configure(p)
}

// batch answers clv_batch: it sizes the batch buffer for rows customers,
// checking nIn and nOut against the description, and returns it.
func (m *module) batch(rows, nIn, nOut int) ([]float64, error) {
	d, err := m.description()
	if err != nil {
		return nil, err
	}
	wantOut := len(d.Outputs)
	if d.Kind == plugins.KindSegmentation {
		wantOut = 1
	}
	switch {
	case rows <= 0:
		return nil, fmt.Errorf("batch of %d rows: want at least 1", rows)
	case nIn != len(d.Inputs):
		return nil, fmt.Errorf("batch with %d input columns: plugin %s declares %d", nIn, d.Name, len(d.Inputs))
	case nOut != wantOut:
		return nil, fmt.Errorf("batch with %d output columns: plugin %s has %d", nOut, d.Name, wantOut)
	}
	n := nIn * rows
	if d.Kind == plugins.KindFormula {
		n += nOut * rows
	} else {
		n += (rows + 1) / 2 // rows int32 labels
	}
	if cap(m.buf) < n {
		m.buf = make([]float64, n)
	}
	m.buf = m.buf[:n]
	m.rows, m.nIn, m.nOut = rows, nIn, nOut
	m.in = columns(m.in, m.buf, nIn, rows)
	if d.Kind == plugins.KindFormula {
		m.out = columns(m.out, m.buf[nIn*rows:], nOut, rows)
		m.labels = nil
	} else {
		m.out = nil
		m.labels = unsafe.Slice((*int32)(unsafe.Pointer(&m.buf[nIn*rows])), rows)
	}
	return m.buf, nil
}

// columns cuts buf into n columns of rows values, reusing dst.
func columns(dst [][]float64, buf []float64, n, rows int) [][]float64 {
	dst = dst[:0]
	for j := 0; j < n; j++ {
		dst = append(dst, buf[j*rows:(j+1)*rows:(j+1)*rows])
	}
	return dst
}

// checkRows checks that a compute or segment call matches the last batch.
func (m *module) checkRows(rows int) error {
	if m.rows == 0 {
		return errors.New("no batch: call clv_batch first")
	}
	if rows != m.rows {
		return fmt.Errorf("%d rows: the batch buffer holds %d (call clv_batch again)", rows, m.rows)
	}
	return nil
}

// compute answers clv_compute. (The host fills the output columns with
// NaN before the call, so a value the plugin leaves unwritten is caught by
// plugins.CheckBatch rather than leaking from the previous batch; doing it
// here would cost a loop iteration per value, and a loop iteration is what
// a host's timeout guard makes expensive.)
func (m *module) compute(rows int) error {
	if m.formula == nil {
		if _, err := m.description(); err != nil {
			return err
		}
		return errors.New("clv_compute called on a segmentation plugin")
	}
	if err := m.checkRows(rows); err != nil {
		return err
	}
	return m.formula.Compute(m.in, m.out)
}

// segment answers clv_segment. (The host fills the labels with -1 before
// the call, as compute explains.)
func (m *module) segment(rows int) error {
	if m.segmentation == nil {
		if _, err := m.description(); err != nil {
			return err
		}
		return errors.New("clv_segment called on a formula plugin")
	}
	if err := m.checkRows(rows); err != nil {
		return err
	}
	return m.segmentation.Segment(m.in, m.labels)
}

// fail records err for clv_error and returns the status code 1.
func (m *module) fail(err error) int32 {
	msg := err.Error()
	if msg == "" {
		msg = "unknown error"
	}
	m.errMsg = append(m.errMsg[:0], msg...)
	return 1
}

// status turns an error into a status code: 0 for nil.
func (m *module) status(err error) int32 {
	if err != nil {
		return m.fail(err)
	}
	return 0
}

// errBadScratch is clv_configure's answer to a pointer clv_alloc did not
// return or a length beyond it.
var errBadScratch = errors.New("clv_configure: the parameters must be written into the buffer clv_alloc returned, within its size")
