package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/clvkit/clvkit/host/internal/config"
	"github.com/clvkit/clvkit/internal/quote"
	"github.com/clvkit/clvkit/plugins"
)

func pluginsCommand() command {
	return command{
		name:    "plugins",
		summary: "list configured plugins, or inspect a plugin file",
		usage: `Usage: clv plugins list --config FILE [--json]
       clv plugins inspect PATH [--transport wasm|grpc] [--trust-sha256 HEX] [--json]

list loads every plugin in the config's [[plugins]] tables, checks its
checksum and kind, and prints what it declares: name, version, kind, the
columns it reads, the columns or labels it gives, and its parameters with
the values the config sets.

inspect loads one plugin file and prints the same, plus its sha256 to put
in the config. The transport is taken from the file name when not given
(.wasm is wasm, anything else grpc).

grpc plugins are native programs: they run with your permissions, trusted
by the sha256 in the config, not sandboxed. So inspect never runs one on
its own: without --trust-sha256 it prints the file's sha256 and stops
(exit 1); check that checksum against the one the plugin's author
published, then inspect again with --trust-sha256 set to it. wasm plugins
run sandboxed (no files, network or real clock unless the config grants
them) and are inspected without it.

Examples:
  clv plugins list --config examples/plugins/clv.toml
  clv plugins inspect bin/plugins/contribution.wasm
  clv plugins inspect bin/plugins/contribution-grpc       # prints its sha256; runs nothing
  clv plugins inspect --trust-sha256 HEX bin/plugins/contribution-grpc`,
		flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
			cfgPath := fs.String("config", "", "config whose plugins to list")
			transport := fs.String("transport", "", "inspect: wasm or grpc (default: from the file name)")
			trust := fs.String("trust-sha256", "", "inspect: the sha256 of a native (grpc) plugin you trust to run; without it inspect runs none")
			asJSON := fs.Bool("json", false, "print JSON")
			return func(ctx context.Context, e *env, args []string) error {
				if len(args) == 0 {
					return errors.New("give a subcommand: list or inspect (see clv plugins --help)")
				}
				switch args[0] {
				case "list":
					if *cfgPath == "" || len(args) != 1 {
						return errors.New("usage: clv plugins list --config FILE")
					}
					cfg, err := loadConfig(e, *cfgPath, nil)
					if err != nil {
						return err
					}
					var out []pluginInfo
					for _, p := range cfg.Plugins {
						lp, err := loadPlugin(ctx, e, cfg, p)
						if err != nil {
							return err
						}
						lp.client.Close()
						out = append(out, lp.info())
					}
					return printPlugins(e.stdout, out, *asJSON)
				case "inspect":
					if len(args) != 2 {
						return errors.New("usage: clv plugins inspect PATH")
					}
					path := args[1]
					t := *transport
					if t == "" {
						t = "grpc"
						if strings.HasSuffix(path, ".wasm") {
							t = "wasm"
						}
					}
					sum, err := fileSHA256(path)
					if err != nil {
						return err
					}
					if err := trustToRun(path, t, sum, *trust); err != nil {
						return err
					}
					// Inspecting a file the user holds: its own checksum is the
					// one to trust, and the kind is whatever it declares.
					var lp *loadedPlugin
					for _, kind := range []string{"formula", "segmentation"} {
						p := config.Plugin{Name: baseName(path), Kind: kind, Transport: t, Path: absPath(path), SHA256: sum, Timeout: "10s"}
						lp, err = loadPlugin(ctx, e, &config.Config{}, p)
						if err == nil || !strings.Contains(err.Error(), "configured as kind") {
							break
						}
					}
					if err != nil {
						return err
					}
					lp.client.Close()
					return printPlugins(e.stdout, []pluginInfo{lp.info()}, *asJSON)
				}
				return fmt.Errorf("unknown subcommand %s: want list or inspect", quote.Value(args[0]))
			}
		},
	}
}

// trustToRun decides whether inspect may load the file at path, whose
// sha256 is sum: a wasm module runs sandboxed, a native (grpc) program
// only when --trust-sha256 gives its checksum. A checksum that is given
// must match, whatever the transport.
func trustToRun(path, transport, sum, trusted string) error {
	switch {
	case trusted != "" && !strings.EqualFold(trusted, sum):
		return fmt.Errorf("%s: checksum mismatch: --trust-sha256 says %s, the file has %s; not run", path, trusted, sum)
	case trusted == "" && transport == "grpc":
		return fmt.Errorf("%s is a native program (sha256 %s), not run: it would run with your permissions, unsandboxed; "+
			"if that checksum is the one its author published, inspect it with: clv plugins inspect --trust-sha256 %s %s", path, sum, sum, path)
	}
	return nil
}

func baseName(path string) string {
	b := path[strings.LastIndexAny(path, `/\`)+1:]
	if i := strings.IndexByte(b, '.'); i > 0 {
		b = b[:i]
	}
	return b
}

// pluginInfo is what list and inspect print.
type pluginInfo struct {
	Name        string              `json:"name"`
	Transport   string              `json:"transport"`
	Path        string              `json:"path"`
	SHA256      string              `json:"sha256"`
	Sandboxed   bool                `json:"sandboxed"`
	Description plugins.Description `json:"description"`
	Params      map[string]float64  `json:"params"`
}

func (lp *loadedPlugin) info() pluginInfo {
	params := map[string]float64{}
	for _, p := range lp.desc.Params {
		params[p.Name] = p.Default
	}
	for k, v := range lp.cfg.Params {
		switch v := v.(type) {
		case float64:
			params[k] = v
		case int64:
			params[k] = float64(v)
		}
	}
	return pluginInfo{Name: lp.cfg.Name, Transport: lp.cfg.Transport, Path: lp.path, SHA256: lp.sha256,
		Sandboxed: lp.cfg.Transport == "wasm", Description: lp.desc, Params: params}
}

func printPlugins(w io.Writer, list []pluginInfo, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(list)
	}
	if len(list) == 0 {
		fmt.Fprintln(w, "no plugins configured")
	}
	for i, p := range list {
		if i > 0 {
			fmt.Fprintln(w)
		}
		d := p.Description
		trust := "sandboxed WebAssembly"
		if !p.Sandboxed {
			trust = "native process, trusted by checksum, not sandboxed"
		}
		fmt.Fprintf(w, "%s: %s %s, a %s plugin (%s, %s)\n", p.Name, d.Name, d.Version, d.Kind, p.Transport, trust)
		fmt.Fprintf(w, "  file    %s\n  sha256  %s\n  reads   %s\n", p.Path, p.SHA256, strings.Join(d.Inputs, ", "))
		if d.Kind == plugins.KindFormula {
			fmt.Fprintf(w, "  gives   %s\n", strings.Join(d.Outputs, ", "))
		} else {
			fmt.Fprintf(w, "  labels  %s\n", strings.Join(d.Labels, " | "))
		}
		for _, prm := range d.Params {
			fmt.Fprintf(w, "  param   %s = %v  (%s; default %v)\n", prm.Name, p.Params[prm.Name], prm.Description, prm.Default)
		}
	}
	return nil
}
