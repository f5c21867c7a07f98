package wasm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/sys"

	"github.com/clvkit/clvkit/plugins"
)

// call runs fn under the per-call timeout; a failure discards the instance
// and is returned as "plugin NAME: WHAT: what happened".
func (p *Plugin) call(ctx context.Context, what string, fn api.Function, args ...uint64) (uint64, error) {
	if p.broken != nil {
		return 0, fmt.Errorf("plugin %s: %s: %w after an earlier failure (%v); load the plugin again", p.name, what, ErrDiscarded, p.broken)
	}
	if err := ctx.Err(); err != nil {
		// Calling would close the module: wazero closes it on a done context.
		return 0, fmt.Errorf("plugin %s: %s: %w", p.name, what, err)
	}
	v, err := p.rawCall(ctx, fn, args...)
	if err != nil {
		err = fmt.Errorf("%s: %w", what, p.classify(ctx, err))
		p.discard(err)
		return 0, fmt.Errorf("plugin %s: %w", p.name, err)
	}
	return v, nil
}

// rawCall runs fn under the per-call timeout, without the bookkeeping.
func (p *Plugin) rawCall(ctx context.Context, fn api.Function, args ...uint64) (uint64, error) {
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	p.sleeper.during(ctx)
	p.output.reset()
	stack := p.stack[:]
	copy(stack, args)
	if err := fn.CallWithStack(ctx, stack); err != nil {
		return 0, err
	}
	return stack[0], nil
}

// discard closes the instance after a failure: after a timeout, a trap or
// running out of memory its state cannot be trusted.
func (p *Plugin) discard(why error) {
	if p.broken == nil {
		p.broken = why
	}
	if p.mod != nil {
		p.mod.Close(context.Background())
	}
}

// classify turns what wazero returned from a failed call into a message
// that says what happened.
func (p *Plugin) classify(parent context.Context, err error) error {
	var exit *sys.ExitError
	if errors.As(err, &exit) {
		switch exit.ExitCode() {
		case sys.ExitCodeDeadlineExceeded:
			if perr := parent.Err(); perr != nil {
				return perr // the caller's deadline, not ours
			}
			return fmt.Errorf("%w after %v", ErrTimeout, p.timeout)
		case sys.ExitCodeContextCanceled:
			if perr := parent.Err(); perr != nil {
				return perr
			}
			return err
		}
	}
	if p.outOfMemory() {
		return fmt.Errorf("%w of %d MB", ErrMemoryLimit, p.limitMB)
	}
	// A Go guest prints why it died ("panic: ...") before it traps or
	// exits: that says more than "unreachable".
	if why := p.output.panicMessage(); why != "" {
		return fmt.Errorf("%w: %s", ErrTrap, why)
	}
	if exit != nil {
		return fmt.Errorf("%w: exit code %d", ErrTrap, exit.ExitCode())
	}
	return fmt.Errorf("%w: %s", ErrTrap, firstLine(err.Error()))
}

// outOfMemory reports whether the failed call ran out of memory: a Go
// guest says so on stderr before it exits; any guest that failed with its
// memory within a growth step of the limit is taken to have hit it.
func (p *Plugin) outOfMemory() bool {
	if bytes.Contains(p.output.bytes(), []byte("out of memory")) {
		return true
	}
	if p.mem == nil {
		return false
	}
	limit := uint64(p.limitMB) << 20
	return uint64(p.mem.Size())+limit/16 >= limit
}

func firstLine(s string) string {
	if i := bytes.IndexByte([]byte(s), '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// Describe returns (a copy of) the description the module gave at Load.
func (p *Plugin) Describe(ctx context.Context) (plugins.Description, error) {
	d := p.desc
	d.Inputs = slices.Clone(d.Inputs)
	d.Outputs = slices.Clone(d.Outputs)
	d.Labels = slices.Clone(d.Labels)
	d.Params = slices.Clone(d.Params)
	return d, nil
}

// Configure sends the parameters as JSON. The guest SDK fills in defaults
// and checks bounds (plugins.Description.Resolve) before the plugin sees
// them.
func (p *Plugin) Configure(ctx context.Context, params plugins.Params) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if params == nil {
		params = plugins.Params{}
	}
	js, err := json.Marshal(params)
	if err != nil {
		return fmt.Errorf("plugin %s: configure: parameters: %w", p.name, err)
	}
	ptr, err := p.call(ctx, "configure", p.alloc, uint64(len(js)))
	if err != nil {
		return err
	}
	if !p.mem.Write(uint32(ptr), js) {
		return p.fail("configure", fmt.Errorf("clv_alloc returned %d, beyond its memory of %d bytes", uint32(ptr), p.mem.Size()))
	}
	rc, err := p.call(ctx, "configure", p.configure, ptr, uint64(len(js)))
	if err != nil {
		return err
	}
	if int32(rc) != 0 {
		return fmt.Errorf("plugin %s: configure: %w", p.name, p.guestError())
	}
	return nil
}

// fail discards the instance for a broken ABI contract and says so.
func (p *Plugin) fail(what string, err error) error {
	err = fmt.Errorf("%s: %w", what, err)
	p.discard(err)
	return fmt.Errorf("plugin %s: %w", p.name, err)
}

// Compute runs a formula plugin on one batch: in and out are columns in
// the order of the description's Inputs and Outputs, all of one length.
// It does not call plugins.CheckBatch; the host does, for every transport.
func (p *Plugin) Compute(ctx context.Context, in, out [][]float64) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.desc.Kind != plugins.KindFormula {
		return fmt.Errorf("plugin %s: is a %s plugin: call Segment, not Compute", p.name, p.desc.Kind)
	}
	p.batches++
	what := fmt.Sprintf("batch %d", p.batches)
	rows, err := p.shape(in, len(out))
	if err != nil {
		return fmt.Errorf("plugin %s: %s: %w", p.name, what, err)
	}
	for j, col := range out {
		if len(col) != rows {
			return fmt.Errorf("plugin %s: %s: output column %s has %d rows, the inputs %d", p.name, what, p.desc.Outputs[j], len(col), rows)
		}
	}
	if rows == 0 {
		return nil
	}
	ptr, err := p.prepare(ctx, what, in, len(out))
	if err != nil {
		return err
	}
	rc, err := p.call(ctx, what, p.compute, uint64(rows))
	if err != nil {
		return err
	}
	if int32(rc) != 0 {
		return fmt.Errorf("plugin %s: %s: %w", p.name, what, p.guestError())
	}
	// Read the memory again: the call may have grown it.
	outPtr := ptr + uint32(8*rows*len(in))
	view, ok := p.mem.Read(outPtr, uint32(8*rows*len(out)))
	if !ok {
		return p.fail(what, fmt.Errorf("the batch buffer at %d is beyond its memory of %d bytes", ptr, p.mem.Size()))
	}
	for j, col := range out {
		getFloats(col, view[8*rows*j:])
	}
	return nil
}

// Segment runs a segmentation plugin on one batch: in are columns in the
// order of the description's Inputs, out receives one label index per row.
// It does not call plugins.CheckBatch; the host does, for every transport.
func (p *Plugin) Segment(ctx context.Context, in [][]float64, out []int32) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.desc.Kind != plugins.KindSegmentation {
		return fmt.Errorf("plugin %s: is a %s plugin: call Compute, not Segment", p.name, p.desc.Kind)
	}
	p.batches++
	what := fmt.Sprintf("batch %d", p.batches)
	rows, err := p.shape(in, 1)
	if err != nil {
		return fmt.Errorf("plugin %s: %s: %w", p.name, what, err)
	}
	if len(out) != rows {
		return fmt.Errorf("plugin %s: %s: %d labels for %d rows", p.name, what, len(out), rows)
	}
	if rows == 0 {
		return nil
	}
	ptr, err := p.prepare(ctx, what, in, 1)
	if err != nil {
		return err
	}
	rc, err := p.call(ctx, what, p.segment, uint64(rows))
	if err != nil {
		return err
	}
	if int32(rc) != 0 {
		return fmt.Errorf("plugin %s: %s: %w", p.name, what, p.guestError())
	}
	view, ok := p.mem.Read(ptr+uint32(8*rows*len(in)), uint32(4*rows))
	if !ok {
		return p.fail(what, fmt.Errorf("the batch buffer at %d is beyond its memory of %d bytes", ptr, p.mem.Size()))
	}
	getInt32s(out, view)
	return nil
}

// shape checks the input columns and returns the number of rows.
func (p *Plugin) shape(in [][]float64, nOut int) (int, error) {
	if len(in) != len(p.desc.Inputs) {
		return 0, fmt.Errorf("%d input columns, the plugin declares %d (%v)", len(in), len(p.desc.Inputs), p.desc.Inputs)
	}
	if p.desc.Kind == plugins.KindFormula && nOut != len(p.desc.Outputs) {
		return 0, fmt.Errorf("%d output columns, the plugin declares %d (%v)", nOut, len(p.desc.Outputs), p.desc.Outputs)
	}
	rows := len(in[0])
	for k, col := range in {
		if len(col) != rows {
			return 0, fmt.Errorf("input column %s has %d rows, %s has %d", p.desc.Inputs[k], len(col), p.desc.Inputs[0], rows)
		}
	}
	const maxRows = 1 << 24 // keeps 8*rows*columns well inside 32 bits for any sane column count
	if rows > maxRows {
		return 0, fmt.Errorf("%d rows in one batch: at most %d", rows, maxRows)
	}
	return rows, nil
}

// prepare sizes the guest's batch buffer (when the row count changes) and
// writes the input columns into it.
func (p *Plugin) prepare(ctx context.Context, what string, in [][]float64, nOut int) (uint32, error) {
	rows := len(in[0])
	if rows != p.batchRows {
		v, err := p.call(ctx, what, p.batch, uint64(rows), uint64(len(in)), uint64(nOut))
		if err != nil {
			return 0, err
		}
		if uint32(v) == 0 {
			return 0, fmt.Errorf("plugin %s: %s: %w", p.name, what, p.guestError())
		}
		p.batchPtr, p.batchRows = uint32(v), rows
	}
	size := uint64(8*rows) * uint64(len(in))
	view, ok := p.mem.Read(p.batchPtr, uint32(size))
	if !ok || size > uint64(^uint32(0)) {
		return 0, p.fail(what, fmt.Errorf("clv_batch returned %d, beyond its memory of %d bytes", p.batchPtr, p.mem.Size()))
	}
	for k, col := range in {
		putFloats(view[8*rows*k:], col)
	}
	// Fill the outputs with NaN (labels with -1), so a value the plugin
	// leaves unwritten fails plugins.CheckBatch instead of passing with the
	// previous batch's number.
	outSize := uint64(8*rows) * uint64(nOut)
	pattern := nanBytes
	if p.desc.Kind == plugins.KindSegmentation {
		outSize, pattern = uint64(4*rows), noLabel
	}
	outView, ok := p.mem.Read(p.batchPtr+uint32(size), uint32(outSize))
	if !ok || size+outSize > uint64(^uint32(0)) {
		return 0, p.fail(what, fmt.Errorf("clv_batch returned %d, beyond its memory of %d bytes", p.batchPtr, p.mem.Size()))
	}
	fill(outView, pattern)
	return p.batchPtr, nil
}

// Close ends the instance and frees the runtime.
func (p *Plugin) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	ctx := context.Background()
	var err error
	if p.rt != nil {
		err = p.rt.Close(ctx)
		p.rt = nil
	}
	if p.cache != nil {
		if cerr := p.cache.Close(ctx); err == nil {
			err = cerr
		}
		p.cache = nil
	}
	if p.root != nil {
		if cerr := p.root.Close(); err == nil {
			err = cerr
		}
		p.root = nil
	}
	if p.broken == nil {
		p.broken = errors.New("closed")
	}
	return err
}

// tail forwards the module's output to w and keeps the last bytes of it
// written since the last reset, for error messages.
type tail struct {
	mu  sync.Mutex
	w   io.Writer
	buf []byte
}

const tailSize = 4096

func (t *tail) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.w != nil {
		t.w.Write(b) // a failing log writer must not fail the plugin
	}
	t.buf = append(t.buf, b...)
	if len(t.buf) > tailSize {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-tailSize:]...)
	}
	return len(b), nil
}

func (t *tail) reset() {
	t.mu.Lock()
	t.buf = t.buf[:0]
	t.mu.Unlock()
}

func (t *tail) bytes() []byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	return bytes.Clone(t.buf)
}

// panicMessage is the line of the output that says why a Go guest died
// ("panic: ..." or "fatal error: ..."), or "".
func (t *tail) panicMessage() string {
	out := string(t.bytes())
	for _, line := range bytes.Split([]byte(out), []byte("\n")) {
		s := string(bytes.TrimSpace(line))
		if strings.HasPrefix(s, "panic: ") || strings.HasPrefix(s, "fatal error: ") {
			return s
		}
	}
	return ""
}
