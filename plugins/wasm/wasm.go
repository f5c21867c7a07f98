// Package wasm runs clv plugins compiled to WebAssembly, with wazero, in a
// sandbox: no filesystem unless a directory is granted (read-only, and
// nothing outside it: links that lead out of it are refused), no real clock
// unless granted (a deterministic fake one otherwise, so scores are
// reproducible), no network (WASI preview 1 has no sockets), a memory limit,
// and a timeout on every call that holds whatever the module is doing,
// sleeping in a host call included. The ABI a module must speak is documented in
// plugins/ABI.md; plugins/guest implements it for Go.
//
// A Plugin implements plugins.Client. A call that times out, traps or runs
// out of memory discards the instance: later calls fail with an error
// saying so, and the host loads the plugin again if it wants to retry.
// Errors name the plugin and the call ("plugin contribution: batch 3:
// timed out after 2s") and wrap ErrTimeout, ErrMemoryLimit, ErrTrap or
// ErrDiscarded for callers that branch on them.
//
// Before each batch the outputs are filled with NaN (labels with -1), so
// whatever a plugin leaves unwritten fails plugins.CheckBatch; checking the
// answer is the host's job, as for every transport.
package wasm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/clvkit/clvkit/plugins"
)

// ABIVersion is the version of plugins/ABI.md this host speaks; a module
// answering another from clv_abi_version is refused.
const ABIVersion = 1

// Defaults for the zero Config.
const (
	DefaultMemoryLimitMB = 256
	DefaultTimeout       = 30 * time.Second
	// DefaultBatchRows is the batch size this package's benchmarks found
	// best (see plugins/ABI.md); the host decides the batch size.
	DefaultBatchRows = 16384
	// GuestDataDir is where Config.AllowDir appears inside the sandbox.
	GuestDataDir = "/data"
)

// Config is a plugin's sandbox and runtime settings.
type Config struct {
	// MemoryLimitMB caps the module's linear memory, in MiB (0: the
	// default, 256). A module that needs more is stopped and discarded.
	MemoryLimitMB int
	// Timeout bounds each call into the module (0: the default, 30s; the
	// caller's context may end it sooner).
	Timeout time.Duration
	// AllowDir is a host directory the module may read, mounted read-only
	// at GuestDataDir ("/data"); "" gives the module no filesystem at all.
	// The module sees regular files and directories beneath AllowDir and
	// nothing else: a symbolic link that resolves outside it (or is
	// absolute), a ".." that climbs out of it, a device or a named pipe
	// fails to open (see os.Root).
	AllowDir string
	// RealClock gives the module the host's wall clock, monotonic clock
	// and sleep. Without it the module sees wazero's deterministic clock:
	// the wall clock starts at 2022-01-01T00:00:00Z and both clocks
	// advance 1ms per reading, and sleeping returns at once. A sleep
	// ends when the call's timeout (or its context) does.
	RealClock bool
	// CacheDir keeps compiled code across runs (wazero's compilation
	// cache); "" compiles on every Load. A folder that cannot be created
	// or written, or an entry that cannot be read, does not fail Load: the
	// module is compiled without the cache (an unreadable entry is
	// replaced by a good one when the folder is writable) and Warn says so.
	CacheDir string
	// Stderr receives what the module writes to stdout and stderr (nil:
	// discarded). The host's stdout is never written to.
	Stderr io.Writer
	// Warn, if not nil, receives what went wrong with the compilation
	// cache when Load worked around it: at most one warning per Load.
	Warn func(error)

	// unguarded turns off the timeout guard, for the benchmark that
	// measures what the guard costs; a hung call then never returns.
	unguarded bool
}

// Errors a caller can branch on with errors.Is; the messages add the
// plugin, the call and the figures.
var (
	// ErrTimeout: a call ran past Config.Timeout.
	ErrTimeout = errors.New("timed out")
	// ErrMemoryLimit: the module needed more than Config.MemoryLimitMB.
	ErrMemoryLimit = errors.New("exceeded its memory limit")
	// ErrTrap: the module trapped or exited (a panic in a Go guest).
	ErrTrap = errors.New("trapped")
	// ErrDiscarded: an earlier failure discarded the instance.
	ErrDiscarded = errors.New("instance discarded")
)

// Plugin is a loaded WebAssembly plugin: one instance of the module in its
// own wazero runtime. Its methods are safe to call from several goroutines
// but run one at a time.
type Plugin struct {
	mu        sync.Mutex
	name      string
	timeout   time.Duration
	limitMB   int
	rt        wazero.Runtime
	cache     wazero.CompilationCache
	root      *os.Root // AllowDir, open while the module may read it
	sleeper   sleeper  // the module's sleep, when RealClock is granted
	mod       api.Module
	mem       api.Memory
	desc      plugins.Description
	output    *tail
	broken    error // why the instance was discarded
	batches   int   // batches run, for error messages
	stack     [3]uint64
	batchPtr  uint32 // the guest's batch buffer, for batchRows rows
	batchRows int

	alloc, describe, configure, batch, compute, segment, lastError api.Function
}

var _ plugins.Client = (*Plugin)(nil)

// Load compiles the module at path (or takes it from the compilation
// cache), instantiates it in a sandbox set by cfg, checks its ABI version
// and reads its description.
func Load(ctx context.Context, path string, cfg Config) (*Plugin, error) {
	name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	code, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("plugin %s: %w", name, err)
	}
	p, err := load(ctx, name, code, cfg)
	if err != nil {
		return nil, fmt.Errorf("plugin %s: %w", name, err)
	}
	return p, nil
}

func load(ctx context.Context, name string, code []byte, cfg Config) (_ *Plugin, err error) {
	p := &Plugin{name: name, timeout: cfg.Timeout, limitMB: cfg.MemoryLimitMB, output: &tail{w: cfg.Stderr}}
	if p.timeout <= 0 {
		p.timeout = DefaultTimeout
	}
	if p.limitMB <= 0 {
		p.limitMB = DefaultMemoryLimitMB
	}
	if p.limitMB > 4096 {
		return nil, fmt.Errorf("memory limit %d MB: a 32-bit module addresses at most 4096 MB", p.limitMB)
	}
	rc := wazero.NewRuntimeConfig().
		WithCloseOnContextDone(!cfg.unguarded).
		WithMemoryLimitPages(uint32(p.limitMB) * 16) // 64 KiB pages
	defer func() {
		if err != nil {
			p.Close()
		}
	}()
	compiled, err := p.compile(ctx, rc, code, cfg)
	if err != nil {
		if strings.Contains(err.Error(), "section memory") && strings.Contains(err.Error(), "over limit") {
			return nil, fmt.Errorf("%w of %d MB at start (%v)", ErrMemoryLimit, p.limitMB, err)
		}
		return nil, fmt.Errorf("compile: %w", err)
	}
	if err := checkModule(compiled); err != nil {
		return nil, err
	}

	mc := wazero.NewModuleConfig().
		WithName(name).
		WithStartFunctions("_initialize").
		WithStdout(p.output).
		WithStderr(p.output)
	if cfg.RealClock {
		// Not WithSysNanosleep: time.Sleep would hold a call past its
		// timeout, since wazero checks the context only in guest code.
		mc = mc.WithSysWalltime().WithSysNanotime().WithNanosleep(p.sleeper.sleep)
	}
	if cfg.AllowDir != "" {
		if fi, err := os.Stat(cfg.AllowDir); err != nil || !fi.IsDir() {
			return nil, fmt.Errorf("allowed directory %s: not a directory", cfg.AllowDir)
		}
		fsc, root, err := mountReadOnly(cfg.AllowDir, GuestDataDir)
		if err != nil {
			return nil, fmt.Errorf("allowed directory %s: %w", cfg.AllowDir, err)
		}
		p.root = root
		mc = mc.WithFSConfig(fsc)
	}
	ictx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	p.sleeper.during(ictx)
	p.mod, err = p.rt.InstantiateModule(ictx, compiled, mc)
	if err != nil {
		return nil, fmt.Errorf("initialize: %w", p.classify(ctx, err))
	}
	p.mem = p.mod.Memory()
	f := p.mod.ExportedFunction
	p.alloc, p.describe, p.configure, p.batch = f("clv_alloc"), f("clv_describe"), f("clv_configure"), f("clv_batch")
	p.compute, p.segment, p.lastError = f("clv_compute"), f("clv_segment"), f("clv_error")

	v, err := p.call(ctx, "ABI version", f("clv_abi_version"))
	if err != nil {
		return nil, err
	}
	if int32(v) != ABIVersion {
		return nil, fmt.Errorf("wrong ABI version %d (host speaks %d)", int32(v), ABIVersion)
	}
	if err := checkExports(compiled.ExportedFunctions()); err != nil {
		return nil, err
	}
	packed, err := p.call(ctx, "describe", p.describe)
	if err != nil {
		return nil, err
	}
	js, err := p.bytes(packed)
	if err != nil {
		return nil, fmt.Errorf("describe: %w", err)
	}
	if packed == 0 {
		return nil, fmt.Errorf("describe: %w", p.guestError())
	}
	if p.desc, err = decodeDescription(js); err != nil {
		return nil, fmt.Errorf("describe: %w", err)
	}
	switch {
	case p.desc.Kind == plugins.KindFormula && p.compute == nil:
		return nil, errors.New("a formula plugin must export clv_compute")
	case p.desc.Kind == plugins.KindSegmentation && p.segment == nil:
		return nil, errors.New("a segmentation plugin must export clv_segment")
	}
	p.name = p.desc.Name
	return p, nil
}

// required are the exports every plugin has, with their signatures.
var required = []struct {
	name        string
	params, res []api.ValueType
}{
	{"clv_abi_version", nil, []api.ValueType{api.ValueTypeI32}},
	{"clv_alloc", []api.ValueType{api.ValueTypeI32}, []api.ValueType{api.ValueTypeI32}},
	{"clv_describe", nil, []api.ValueType{api.ValueTypeI64}},
	{"clv_configure", []api.ValueType{api.ValueTypeI32, api.ValueTypeI32}, []api.ValueType{api.ValueTypeI32}},
	{"clv_batch", []api.ValueType{api.ValueTypeI32, api.ValueTypeI32, api.ValueTypeI32}, []api.ValueType{api.ValueTypeI32}},
	{"clv_error", nil, []api.ValueType{api.ValueTypeI64}},
}

// optional are the kind-specific exports: one of them is required.
var optional = map[string][]api.ValueType{
	"clv_compute": {api.ValueTypeI32},
	"clv_segment": {api.ValueTypeI32},
}

// checkModule refuses a module that imports anything beyond WASI preview 1,
// is not a reactor, or lacks an export of the ABI, before running any of it.
func checkModule(m wazero.CompiledModule) error {
	for _, f := range m.ImportedFunctions() {
		mod, name, _ := f.Import()
		if mod != wasi_snapshot_preview1.ModuleName {
			return fmt.Errorf("imports %s.%s: a plugin may import only %s", mod, name, wasi_snapshot_preview1.ModuleName)
		}
	}
	exports := m.ExportedFunctions()
	if _, ok := exports["_initialize"]; !ok {
		if _, ok := exports["_start"]; ok {
			return errors.New("is a command module, not a reactor: build it with -buildmode=c-shared")
		}
		return errors.New("is not a reactor: no _initialize export")
	}
	if _, ok := exports["clv_abi_version"]; !ok {
		return errors.New("is not a clv plugin: no clv_abi_version export")
	}
	// The version is checked before the rest, so a module of another ABI
	// version gets that message rather than a missing export.
	if !sameTypes(exports["clv_abi_version"], nil, []api.ValueType{api.ValueTypeI32}) {
		return errors.New("clv_abi_version: wrong signature, want () -> i32")
	}
	return nil
}

// checkExports checks the signatures of the exports after the version is
// known to match.
func checkExports(defs map[string]api.FunctionDefinition) error {
	for _, r := range required {
		d, ok := defs[r.name]
		if !ok {
			return fmt.Errorf("is not a clv plugin: no %s export", r.name)
		}
		if !sameTypes(d, r.params, r.res) {
			return fmt.Errorf("%s: wrong signature %v -> %v, want %v -> %v", r.name, d.ParamTypes(), d.ResultTypes(), r.params, r.res)
		}
	}
	for name, params := range optional {
		if d, ok := defs[name]; ok && !sameTypes(d, params, []api.ValueType{api.ValueTypeI32}) {
			return fmt.Errorf("%s: wrong signature, want (i32) -> i32", name)
		}
	}
	return nil
}

func sameTypes(d api.FunctionDefinition, params, res []api.ValueType) bool {
	return bytes.Equal(d.ParamTypes(), params) && bytes.Equal(d.ResultTypes(), res)
}

// maxDescription bounds the description's JSON.
const maxDescription = 1 << 20

// decodeDescription decodes and validates a description, refusing unknown
// fields so a misspelt key is an error rather than silently dropped.
func decodeDescription(js []byte) (plugins.Description, error) {
	var d plugins.Description
	if len(js) > maxDescription {
		return d, fmt.Errorf("%d bytes of JSON, more than the %d allowed", len(js), maxDescription)
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return d, fmt.Errorf("decode JSON: %w", err)
	}
	if dec.More() {
		return d, errors.New("decode JSON: data after the description")
	}
	return d, d.Validate()
}

// unpack splits an i64 result into a pointer and a length.
func unpack(v uint64) (ptr, n uint32) { return uint32(v >> 32), uint32(v) }

// bytes copies the (pointer, length) the module returned out of its memory.
func (p *Plugin) bytes(packed uint64) ([]byte, error) {
	ptr, n := unpack(packed)
	b, ok := p.mem.Read(ptr, n)
	if !ok {
		return nil, fmt.Errorf("returned bytes %d..%d, beyond its memory of %d bytes", ptr, uint64(ptr)+uint64(n), p.mem.Size())
	}
	return bytes.Clone(b), nil
}

// guestError asks the module for its last error message.
func (p *Plugin) guestError() error {
	packed, err := p.rawCall(context.Background(), p.lastError)
	if err != nil {
		return fmt.Errorf("reading its error: %w", err)
	}
	b, err := p.bytes(packed)
	if err != nil {
		return fmt.Errorf("reading its error: %w", err)
	}
	if len(b) == 0 {
		return errors.New("failed without a message")
	}
	return errors.New(string(b))
}
