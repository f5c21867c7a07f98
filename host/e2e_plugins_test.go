package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var (
	pluginsOnce sync.Once
	pluginsErr  error
)

// examplePlugins builds the example plugins into bin/plugins (WebAssembly
// and go-plugin) and renders bin/plugins/clv-grpc.toml, exactly as `make
// plugins` does, once per test run.
func examplePlugins(t *testing.T) {
	t.Helper()
	pluginsOnce.Do(func() {
		cmd := exec.Command("make", "--no-print-directory", "plugins")
		cmd.Dir = repoRoot
		if out, err := cmd.CombinedOutput(); err != nil {
			pluginsErr = &buildError{err: err, out: string(out)}
		}
	})
	if pluginsErr != nil {
		t.Fatal(pluginsErr)
	}
}

type buildError struct {
	err error
	out string
}

func (b *buildError) Error() string { return "make plugins: " + b.err.Error() + "\n" + b.out }

// TestPluginsBothTransports scores the demo with the example plugins as
// sandboxed WebAssembly and as go-plugin programs: same bytes, and the
// manifest records the plugins so verify reproduces the run.
func TestPluginsBothTransports(t *testing.T) {
	examplePlugins(t)
	tmp := t.TempDir()
	wasmOut, grpcOut := filepath.Join(tmp, "wasm.csv"), filepath.Join(tmp, "grpc.csv")
	clv(t, "score", "--config", "examples/plugins/clv.toml", "--out", wasmOut, "--quiet").mustOK(t, "score wasm")
	clv(t, "score", "--config", "bin/plugins/clv-grpc.toml", "--out", grpcOut, "--quiet").mustOK(t, "score grpc")
	a, b := readFile(t, wasmOut), readFile(t, grpcOut)
	if !bytes.Equal(a, b) {
		t.Fatal("the WebAssembly and go-plugin runs differ")
	}
	header := strings.SplitN(string(a), "\n", 2)[0]
	for _, col := range []string{"predicted_revenue", "contribution_clv", "contribution_share", "segment"} {
		if !strings.Contains(header, col) {
			t.Errorf("header %q lacks %s", header, col)
		}
	}
	if !strings.Contains(string(a), `"High value, active"`) {
		t.Error("no customer got the plugin's label \"High value, active\"")
	}
	man := string(readFile(t, wasmOut+".manifest.json"))
	if !strings.Contains(man, `"name": "contribution"`) || !strings.Contains(man, `"name": "valuematrix"`) {
		t.Errorf("manifest does not record the plugins:\n%s", man)
	}
	clv(t, "verify", wasmOut+".manifest.json").mustOK(t, "verify")
}

// TestPluginFailures: each mistake names the plugin and exits 1, with no
// output written.
func TestPluginFailures(t *testing.T) {
	examplePlugins(t)
	base, err := os.ReadFile(filepath.Join(repoRoot, "bin/plugins/clv-grpc.toml"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		edit      func(string) string
		wantInErr []string
	}{
		{"checksum mismatch", func(s string) string {
			i := strings.Index(s, `sha256 = "`) + len(`sha256 = "`)
			return s[:i] + "00" + s[i+2:]
		}, []string{"plugin contribution", "checksum mismatch"}},
		{"missing file", func(s string) string {
			return strings.Replace(s, `path = "contribution-grpc"`, `path = "no-such-plugin"`, 1)
		}, []string{"plugin contribution", "no-such-plugin"}},
		{"wrong kind", func(s string) string {
			return strings.Replace(s, `kind = "formula"`, `kind = "segmentation"`, 1)
		}, []string{"contribution", "formula plugin"}},
		{"unknown parameter", func(s string) string {
			return strings.Replace(s, "return_rate = 0.08", "retrun_rate = 0.08", 1)
		}, []string{"plugin contribution", `"retrun_rate"`}},
		{"no checksum for a native plugin", func(s string) string {
			i := strings.Index(s, "sha256 = ")
			j := i + strings.IndexByte(s[i:], '\n')
			return s[:i] + s[j+1:]
		}, []string{"plugin contribution", "sha256 is required"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := filepath.Join(repoRoot, "bin/plugins", "bad-"+strings.ReplaceAll(tc.name, " ", "-")+".toml")
			if err := os.WriteFile(cfg, []byte(tc.edit(string(base))), 0o644); err != nil {
				t.Fatal(err)
			}
			defer os.Remove(cfg)
			out := filepath.Join(t.TempDir(), "scores.csv")
			r := clv(t, "score", "--config", cfg, "--out", out, "--quiet")
			if r.code != 1 {
				t.Fatalf("exit %d, want 1; stderr:\n%s", r.code, r.stderr)
			}
			for _, w := range tc.wantInErr {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr %q lacks %q", r.stderr, w)
				}
			}
			if strings.Contains(r.stderr, "goroutine ") {
				t.Errorf("stack trace in stderr:\n%s", r.stderr)
			}
			if _, err := os.Stat(out); err == nil {
				t.Error("an output file was written")
			}
		})
	}
}

func TestPluginsInspect(t *testing.T) {
	examplePlugins(t)
	r := clv(t, "plugins", "inspect", "bin/plugins/valuematrix.wasm").mustOK(t, "inspect")
	for _, w := range []string{"valuematrix 1.0.0", "segmentation", "sandboxed", "sha256", "at_risk_below"} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("inspect output lacks %q:\n%s", w, r.stdout)
		}
	}
	sum, err := fileSHA256(filepath.Join(repoRoot, "bin/plugins/contribution-grpc"))
	if err != nil {
		t.Fatal(err)
	}
	r = clv(t, "plugins", "inspect", "--trust-sha256", sum, "bin/plugins/contribution-grpc").mustOK(t, "inspect grpc")
	if !strings.Contains(r.stdout, "not sandboxed") {
		t.Errorf("inspect of a native plugin does not say it is not sandboxed:\n%s", r.stdout)
	}
}
