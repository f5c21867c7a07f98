package main

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// markerScript writes an executable shell script at path that creates the
// file marker when it runs, and returns its sha256.
func markerScript(t *testing.T, path, marker string) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("shell scripts are not programs on Windows")
	}
	text := "#!/bin/sh\ntouch '" + marker + "'\n"
	if err := os.WriteFile(path, []byte(text), 0o755); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:])
}

// ran reports whether the marker file exists.
func ran(marker string) bool {
	_, err := os.Stat(marker)
	return err == nil
}

// clv plugins inspect runs a native program only when --trust-sha256 gives
// its checksum: a script that touches a marker file must not run
// otherwise, whatever its name or the transport flag.
func TestInspectDoesNotRunPrograms(t *testing.T) {
	tests := []struct {
		name      string
		file      string   // the script's file name
		flags     []string // before the path; "SUM" is replaced by the script's sha256
		wantRun   bool
		wantInErr []string
	}{
		{"a program", "plugin", nil, false, []string{"is a native program (sha256 ", "not run", "--trust-sha256 "}},
		{"a program with a script's name", "plugin.sh", nil, false, []string{"not run"}},
		{"a .wasm name with --transport grpc", "plugin.wasm", []string{"--transport", "grpc"}, false, []string{"not run"}},
		{"another checksum", "plugin", []string{"--trust-sha256", strings.Repeat("ab", 32)}, false, []string{"checksum mismatch", "not run"}},
		{"a .wasm name, sandboxed", "plugin.wasm", nil, false, []string{"compile"}},
		// Trusted: it runs (and, not being a plugin, fails the handshake).
		{"its checksum given", "plugin", []string{"--trust-sha256", "SUM"}, true, []string{"plugin"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			marker := filepath.Join(dir, "it-ran")
			script := filepath.Join(dir, tc.file)
			sum := markerScript(t, script, marker)
			args := []string{"plugins", "inspect"}
			for _, f := range tc.flags {
				args = append(args, strings.ReplaceAll(f, "SUM", sum))
			}
			r := clv(t, append(args, script)...)
			if r.code != 1 {
				t.Errorf("exit %d, want 1; stderr:\n%s", r.code, r.stderr)
			}
			for _, w := range tc.wantInErr {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr %q lacks %q", r.stderr, w)
				}
			}
			if !tc.wantRun && strings.Contains(r.stderr, "not run") && !strings.Contains(r.stderr, sum) {
				t.Errorf("stderr %q does not give the file's sha256 %s", r.stderr, sum)
			}
			if got := ran(marker); got != tc.wantRun {
				t.Errorf("the script ran: %v, want %v", got, tc.wantRun)
			}
		})
	}
}

// A go-plugin path relative to the config is the file in the config's
// folder, run by its absolute path, never a program of that name in $PATH
// (decoys there touch a marker file), whatever the working directory.
func TestPluginPathNotFromPATH(t *testing.T) {
	examplePlugins(t)
	dir := t.TempDir()
	sums := map[string]string{}
	for _, name := range []string{"contribution-grpc", "valuematrix-grpc"} {
		b := readFile(t, filepath.Join(repoRoot, "bin/plugins", name))
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o755); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		sums[name] = hex.EncodeToString(sum[:])
	}
	decoys := t.TempDir()
	marker := filepath.Join(t.TempDir(), "decoy-ran")
	for name := range sums {
		markerScript(t, filepath.Join(decoys, name), marker)
	}
	base := string(readFile(t, filepath.Join(repoRoot, "bin/plugins/clv-grpc.toml")))
	base = strings.Replace(base, `path = "../../examples/cdnow/transactions.csv"`,
		`path = "`+filepath.ToSlash(filepath.Join(repoRoot, "examples/cdnow/transactions.csv"))+`"`, 1)
	tests := []struct {
		name   string
		prefix string // before the plugin's file name in path = "..."
		cwd    string // "": the config's folder, run with --config clv.toml
	}{
		{"bare name", "", ""},
		{"./name", "./", ""},
		{"bare name, run from elsewhere", "", repoRoot},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			text := base
			for name := range sums {
				text = strings.Replace(text, `path = "`+name+`"`, `path = "`+tc.prefix+name+`"`, 1)
			}
			cfg := filepath.Join(dir, "clv.toml")
			writeFile(t, cfg, text)
			inv := invocation{dir: dir, args: []string{"score", "--config", "clv.toml"},
				env: []string{"PATH=" + decoys + string(os.PathListSeparator) + os.Getenv("PATH")}}
			if tc.cwd != "" {
				inv.dir, inv.args[2] = tc.cwd, cfg
			}
			out := filepath.Join(t.TempDir(), "scores.csv")
			inv.args = append(inv.args, "--out", out, "--quiet")
			inv.exec(t).mustOK(t, "score with relative plugin paths")
			if ran(marker) {
				t.Fatal("a program of the plugin's name in $PATH ran")
			}
			if !strings.Contains(string(readFile(t, out)), `"High value, active"`) {
				t.Error("no customer got the segmentation plugin's label")
			}
		})
	}
}

// A compilation cache that cannot be written (a read-only home in CI)
// costs time, not the run: one warning for the two WebAssembly plugins,
// and the scores are those of a run with a working cache.
func TestUnwritableCacheOneWarning(t *testing.T) {
	examplePlugins(t)
	want := filepath.Join(t.TempDir(), "want.csv")
	clv(t, "score", "--config", "examples/plugins/clv.toml", "--out", want, "--quiet").mustOK(t, "score with the cache")

	tmp := t.TempDir()
	notADir := filepath.Join(tmp, "a-file")
	writeFile(t, notADir, "")
	readOnly := filepath.Join(tmp, "read-only")
	if err := os.MkdirAll(readOnly, 0o555); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		cache string // XDG_CACHE_HOME
	}{
		{"a file where the folder should be", notADir},
		{"a read-only folder", readOnly},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.cache == readOnly {
				if f, err := os.CreateTemp(readOnly, "probe"); err == nil {
					f.Close()
					os.Remove(f.Name())
					t.Skip("a 0555 folder is writable here (running as root); the case above covers an unwritable cache")
				}
			}
			out := filepath.Join(t.TempDir(), "scores.csv")
			r := invocation{args: []string{"score", "--config", "examples/plugins/clv.toml", "--out", out, "--quiet"},
				env: []string{"XDG_CACHE_HOME=" + tc.cache, "HOME=" + tc.cache}}.exec(t).mustOK(t, "score with an unwritable cache")
			if n := strings.Count(r.stderr, "warning:"); n != 1 || !strings.Contains(r.stderr, "compilation cache") {
				t.Errorf("stderr has %d warnings, want one about the compilation cache:\n%s", n, r.stderr)
			}
			if string(readFile(t, out)) != string(readFile(t, want)) {
				t.Error("the scores differ from a run with a working cache")
			}
		})
	}
}
