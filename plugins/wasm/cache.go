package wasm

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

// compile creates the plugin's runtime (p.rt, with WASI) and compiles code
// in it, with the compilation cache in cfg.CacheDir when it can.
//
// The cache only saves time, so it must not fail a plugin, but wazero
// fails when it cannot create the folder, and fails CompileModule when it
// cannot write an entry or read one back (truncated, or another file in
// its place), again on every later Load. So:
//
//   - a folder that cannot be created: compile without the cache;
//   - a compile that fails with the cache: compile again into an empty
//     scratch cache. If that fails too, the module itself is at fault and
//     its error is returned. Otherwise the scratch cache holds exactly one
//     entry, under wazero's key for this module on this CPU: it replaces
//     the bad entry in cfg.CacheDir (a corrupt entry is discarded and
//     rebuilt), or, when the folder cannot be written, the module runs as
//     compiled.
//
// Either way cfg.Warn hears of it once.
func (p *Plugin) compile(ctx context.Context, rc wazero.RuntimeConfig, code []byte, cfg Config) (wazero.CompiledModule, error) {
	warn := cfg.Warn
	if warn == nil {
		warn = func(error) {}
	}
	if cfg.CacheDir != "" {
		cache, err := wazero.NewCompilationCacheWithDir(cfg.CacheDir)
		if err != nil {
			warn(fmt.Errorf("compilation cache %s: %w; compiling without it", cfg.CacheDir, err))
		} else {
			p.cache = cache
		}
	}
	compiled, err := p.newRuntime(ctx, rc, code)
	if err == nil || p.cache == nil {
		return compiled, err
	}
	cacheErr := err
	p.closeRuntime(ctx)
	scratch, err := os.MkdirTemp("", "clv-wasm-cache-")
	if err != nil {
		// No scratch folder either: compile without a cache.
		compiled, err := p.newRuntime(ctx, rc, code)
		if err == nil {
			warn(fmt.Errorf("compilation cache %s: %v; compiled without it", cfg.CacheDir, cacheErr))
		}
		return compiled, err
	}
	defer os.RemoveAll(scratch)
	if p.cache, err = wazero.NewCompilationCacheWithDir(scratch); err != nil {
		p.cache = nil
	}
	compiled, err = p.newRuntime(ctx, rc, code)
	if err != nil {
		return nil, err // the module's fault, not the cache's
	}
	if p.cache == nil {
		warn(fmt.Errorf("compilation cache %s: %v; compiled without it", cfg.CacheDir, cacheErr))
		return compiled, nil
	}
	if rerr := replaceEntry(scratch, cfg.CacheDir); rerr != nil {
		warn(fmt.Errorf("compilation cache %s: %v; compiled without it (%v)", cfg.CacheDir, cacheErr, rerr))
	} else {
		warn(fmt.Errorf("compilation cache %s: discarded an entry wazero could not use (%v) and rebuilt it", cfg.CacheDir, cacheErr))
	}
	return compiled, nil
}

// newRuntime creates p.rt with p.cache (if any) and WASI, and compiles
// code in it.
func (p *Plugin) newRuntime(ctx context.Context, rc wazero.RuntimeConfig, code []byte) (wazero.CompiledModule, error) {
	if p.cache != nil {
		rc = rc.WithCompilationCache(p.cache)
	}
	p.rt = wazero.NewRuntimeWithConfig(ctx, rc)
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, p.rt); err != nil {
		return nil, fmt.Errorf("WASI: %w", err)
	}
	return p.rt.CompileModule(ctx, code)
}

// closeRuntime frees p.rt and p.cache before compiling again.
func (p *Plugin) closeRuntime(ctx context.Context) {
	if p.rt != nil {
		p.rt.Close(ctx)
		p.rt = nil
	}
	if p.cache != nil {
		p.cache.Close(ctx)
		p.cache = nil
	}
}

// replaceEntry copies the one entry of the cache folder scratch into the
// cache folder dir, under the same relative name, replacing what is there.
// It removes a file but not a folder in the entry's place, and writes the
// new entry to a temporary file renamed into place, as wazero does.
func replaceEntry(scratch, dir string) error {
	var entries []string
	err := filepath.WalkDir(scratch, func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			entries = append(entries, path)
		}
		return err
	})
	if err != nil {
		return err
	}
	if len(entries) != 1 {
		return fmt.Errorf("the fresh compilation left %d cache entries, want 1", len(entries))
	}
	rel, err := filepath.Rel(scratch, entries[0])
	if err != nil {
		return err
	}
	data, err := os.ReadFile(entries[0])
	if err != nil {
		return err
	}
	dst := filepath.Join(dir, rel)
	if err := os.Remove(dst); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("discard the old entry: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(dst), filepath.Base(dst)+".*.tmp")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), dst)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}
