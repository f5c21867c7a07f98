package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/clvkit/clvkit/core/score"
	"github.com/clvkit/clvkit/core/settings"
	"github.com/clvkit/clvkit/host/internal/config"
	"github.com/clvkit/clvkit/internal/quote"
	"github.com/clvkit/clvkit/plugins"
	grpcplugin "github.com/clvkit/clvkit/plugins/grpc"
	wasmplugin "github.com/clvkit/clvkit/plugins/wasm"
)

// pluginColumns runs a formula plugin as a score.Columner.
type pluginColumns struct {
	name   string
	client plugins.Client
	desc   plugins.Description
	batch  int
	calls  int
}

func (p *pluginColumns) Inputs() []string  { return p.desc.Inputs }
func (p *pluginColumns) Outputs() []string { return p.desc.Outputs }
func (p *pluginColumns) BatchSize() int    { return p.batch }

func (p *pluginColumns) Compute(ctx context.Context, in, out [][]float64) error {
	p.calls++
	rows := 0
	if len(in) > 0 {
		rows = len(in[0])
	}
	if err := p.client.Compute(ctx, in, out); err != nil {
		return fmt.Errorf("plugin %s: batch %d: %w", p.name, p.calls, err)
	}
	if err := plugins.CheckBatch(p.desc, rows, out, nil); err != nil {
		return batchError(p.name, p.calls, err)
	}
	return nil
}

// batchError wraps CheckBatch's error about a plugin's answer; an error
// about one row becomes a score.BatchRowError, which core/score turns into
// the customer's id.
func batchError(name string, call int, err error) error {
	var re *plugins.RowError
	if errors.As(err, &re) {
		return &score.BatchRowError{Row: re.Row, Err: fmt.Errorf("plugin %s: %w", name, re.Err)}
	}
	return fmt.Errorf("plugin %s: batch %d: %w", name, call, err)
}

// pluginSegmenter runs a segmentation plugin as a score.Segmenter.
type pluginSegmenter struct {
	name   string
	client plugins.Client
	desc   plugins.Description
	batch  int
	calls  int
	buf    []int32
}

func (p *pluginSegmenter) Inputs() []string { return p.desc.Inputs }
func (p *pluginSegmenter) Labels() []string { return p.desc.Labels }
func (p *pluginSegmenter) BatchSize() int   { return p.batch }

func (p *pluginSegmenter) Segment(ctx context.Context, in [][]float64, out []int) error {
	p.calls++
	if cap(p.buf) < len(out) {
		p.buf = make([]int32, len(out))
	}
	labels := p.buf[:len(out)]
	if err := p.client.Segment(ctx, in, labels); err != nil {
		return fmt.Errorf("plugin %s: batch %d: %w", p.name, p.calls, err)
	}
	if err := plugins.CheckBatch(p.desc, len(out), nil, labels); err != nil {
		return batchError(p.name, p.calls, err)
	}
	for i, k := range labels {
		out[i] = int(k)
	}
	return nil
}

// loadedPlugin is a configured plugin, loaded, described and configured.
type loadedPlugin struct {
	cfg    config.Plugin
	path   string
	sha256 string
	client plugins.Client
	desc   plugins.Description
}

// loadPlugin starts one configured plugin with its transport, checks its
// checksum and kind, and configures it with the parameters of its TOML
// table. The caller closes the client.
func loadPlugin(ctx context.Context, e *env, c *config.Config, p config.Plugin) (*loadedPlugin, error) {
	lp := &loadedPlugin{cfg: p, path: c.Resolve(p.Path)}
	timeout, err := time.ParseDuration(p.Timeout)
	if err != nil || timeout <= 0 {
		return nil, fmt.Errorf("plugin %s: timeout %s: want a duration such as 10s", p.Name, quote.Value(p.Timeout))
	}
	sum, err := fileSHA256(lp.path)
	if err != nil {
		return nil, fmt.Errorf("plugin %s: %w", p.Name, err)
	}
	lp.sha256 = sum
	if p.SHA256 != "" && !strings.EqualFold(p.SHA256, sum) {
		return nil, fmt.Errorf("plugin %s: checksum mismatch: config says %s, file %s has %s", p.Name, p.SHA256, lp.path, sum)
	}
	kind := plugins.Kind(p.Kind)
	switch p.Transport {
	case "grpc":
		// lp.path is relative to the config's folder (or absolute);
		// grpcplugin.Load runs it by its absolute path, never from $PATH.
		if p.SHA256 == "" {
			return nil, fmt.Errorf("plugin %s: a grpc plugin is native code and runs unsandboxed, so its sha256 is required in the config (the file's is %s)", p.Name, sum)
		}
		lp.client, err = grpcplugin.Load(ctx, lp.path, grpcplugin.Config{SHA256: p.SHA256, Timeout: timeout,
			Stderr: e.stderr, Name: p.Name, Kind: kind})
	case "wasm":
		cacheDir := ""
		if dir, err := os.UserCacheDir(); err == nil {
			cacheDir = filepath.Join(dir, "clvkit", "wasm")
		}
		allow := ""
		if p.AllowDir != "" {
			allow = c.Resolve(p.AllowDir)
		}
		// A cache that cannot be used costs time, not the run: one warning.
		warn := func(err error) {
			if !e.cacheWarned {
				e.cacheWarned = true
				fmt.Fprintf(e.stderr, "warning: plugin %s: %v\n", p.Name, err)
			}
		}
		lp.client, err = wasmplugin.Load(ctx, lp.path, wasmplugin.Config{MemoryLimitMB: p.MemoryMB, Timeout: timeout,
			AllowDir: allow, RealClock: p.Clock, CacheDir: cacheDir, Stderr: e.stderr, Warn: warn})
	default:
		return nil, fmt.Errorf("plugin %s: transport %s: want wasm or grpc", p.Name, quote.Value(p.Transport))
	}
	if err != nil {
		return nil, err
	}
	if lp.desc, err = lp.client.Describe(ctx); err != nil {
		lp.client.Close()
		return nil, err
	}
	if err := lp.desc.Validate(); err != nil {
		lp.client.Close()
		return nil, fmt.Errorf("plugin %s: %w", p.Name, err)
	}
	if lp.desc.Kind != kind {
		lp.client.Close()
		return nil, fmt.Errorf("plugin %s: %s is a %s plugin, configured as kind = %s", p.Name, lp.path, lp.desc.Kind, quote.Value(p.Kind))
	}
	params := plugins.Params{}
	for k, v := range p.Params {
		switch v := v.(type) {
		case float64:
			params[k] = v
		case int64:
			params[k] = float64(v)
		default:
			lp.client.Close()
			return nil, c.KeyError("plugins."+p.Name+".params."+k, fmt.Errorf("plugin %s: parameter %s: want a number, got %T", p.Name, k, v))
		}
	}
	resolved, err := lp.desc.Resolve(params)
	if err == nil {
		err = lp.client.Configure(ctx, resolved)
	}
	if err != nil {
		lp.client.Close()
		return nil, fmt.Errorf("plugin %s: configure: %w", p.Name, err)
	}
	return lp, nil
}

// loadPlugins loads every configured plugin and wires it into the job:
// formula plugins become columns (before the [[formulas]], so expressions
// can use their outputs), the segmentation plugin named by
// segmentation.plugin becomes the segmenter. It returns a function that
// closes them all.
func (j *job) loadPlugins(ctx context.Context, e *env) (func(), error) {
	var loaded []*loadedPlugin
	closeAll := func() {
		for _, lp := range loaded {
			lp.client.Close()
		}
	}
	var cols []score.Columner
	writer := map[string]string{} // column → the plugin that writes it
	for i, p := range j.cfg.Plugins {
		lp, err := loadPlugin(ctx, e, j.cfg, p)
		if err != nil {
			closeAll()
			return func() {}, err
		}
		loaded = append(loaded, lp)
		switch lp.desc.Kind {
		case plugins.KindFormula:
			if err := checkPluginColumns(j.cfg, i, lp.desc.Outputs, writer); err != nil {
				closeAll()
				return func() {}, err
			}
			cols = append(cols, &pluginColumns{name: p.Name, client: lp.client, desc: lp.desc, batch: p.BatchSize})
		case plugins.KindSegmentation:
			if j.cfg.Segmentation.Map == "plugin" && j.cfg.Segmentation.Plugin == p.Name {
				j.options.Segmenter = &pluginSegmenter{name: p.Name, client: lp.client, desc: lp.desc, batch: p.BatchSize}
			}
		}
	}
	j.options.Columns = append(cols, j.options.Columns...)
	j.plugins = loaded
	if err := settings.CheckColumns(j.options); err != nil {
		closeAll()
		return func() {}, configErr(j.cfg, "formulas", err)
	}
	return closeAll, nil
}

// checkPluginColumns checks, before any data is read, that the columns of
// the i-th configured plugin take no built-in column's name and no name of
// an earlier plugin's column (writer, which it extends) or of a
// [[formulas]] column. The error points at the [[plugins]] or [[formulas]]
// table that comes later in the run: formulas run after plugins.
func checkPluginColumns(cfg *config.Config, i int, outputs []string, writer map[string]string) error {
	name := cfg.Plugins[i].Name
	key := fmt.Sprintf("plugins[%d]", i)
	for _, col := range outputs {
		if err := score.CheckColumnName(col); err != nil {
			return configErr(cfg, key, fmt.Errorf("plugin %s: %w", name, err))
		}
		if other, ok := writer[col]; ok {
			return configErr(cfg, key, fmt.Errorf("plugin %s writes column %q, which plugin %s writes too", name, col, other))
		}
		writer[col] = name
		for k, f := range cfg.Formulas {
			if f.Name == col {
				return configErr(cfg, fmt.Sprintf("formulas[%d].name", k),
					fmt.Errorf("formula %q: plugin %s writes a column of that name; choose another name", col, name))
			}
		}
	}
	return nil
}
