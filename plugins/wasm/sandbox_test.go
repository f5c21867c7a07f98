package wasm

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/clvkit/clvkit/plugins"
)

// sandboxTree builds, in a new temporary folder, a granted folder "data"
// with links that stay inside it and links that lead out of it, and a
// folder "outside" with a secret of another size; it returns the granted
// folder. The misbehave plugin's probes (testdata/misbehave) read these
// names.
func sandboxTree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	data, outside := filepath.Join(dir, "data"), filepath.Join(dir, "outside")
	for _, d := range []string{filepath.Join(data, "sub"), outside} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	files := map[string]string{
		filepath.Join(data, "secret.txt"):    "twelve bytes",            // 12 bytes
		filepath.Join(data, "sub/inner.txt"): "inner",                   // 5 bytes
		filepath.Join(outside, "secret.txt"): "the host's secret file!", // 23 bytes
	}
	for name, text := range files {
		if err := os.WriteFile(name, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	links := map[string]string{
		"inner-link": "sub/inner.txt",
		"up-link":    "../outside/secret.txt",
		"abs-link":   filepath.Join(outside, "secret.txt"),
		"dir-link":   outside,
		"root-link":  "/",
		// Inside, but absolute: os.Root refuses every absolute link.
		"abs-inner-link": filepath.Join(data, "secret.txt"),
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(data, name)); err != nil {
			t.Fatal(err)
		}
	}
	return data
}

// What each probe of the misbehave plugin reads in sandboxTree: bytes read
// (entries, for a listing), or -1 when the sandbox refuses. The outside
// secret has 23 bytes, so reading it shows as 23 rather than -1.
var sandboxProbeTests = []struct {
	name  string
	probe int // index into misbehave's probes
	want  float64
}{
	{"a file in the folder", 0, 12},
	{"a file in a subfolder", 1, 5},
	{"a relative link that stays inside", 2, 5},
	{"listing a subfolder", 9, 1},
	{"a relative link out (../outside/secret.txt)", 3, -1},
	{"an absolute link to a file outside", 4, -1},
	{"a file through a link to a folder outside", 5, -1},
	{"listing through a link to /", 6, -1},
	{"a raw path_open of ../outside/secret.txt", 7, -1},
	{"a raw path_open of sub/../../outside/secret.txt", 8, -1},
	{"an absolute link, even to a file inside", 11, -1},
}

// The granted folder is all the module can read: links and ".." that lead
// out of it fail, while its own files, subfolders and inside links read.
func TestFilesystemSandboxEscapes(t *testing.T) {
	p := loadTest(t, "misbehave", Config{AllowDir: sandboxTree(t)})
	in := make([]float64, len(sandboxProbeTests))
	for i, tt := range sandboxProbeTests {
		in[i] = float64(tt.probe)
	}
	out := [][]float64{make([]float64, len(in)), make([]float64, len(in))}
	ctx := context.Background()
	if err := p.Configure(ctx, plugins.Params{"mode": readPaths}); err != nil {
		t.Fatal(err)
	}
	if err := p.Compute(ctx, [][]float64{in}, out); err != nil {
		t.Fatal(err)
	}
	for i, tt := range sandboxProbeTests {
		t.Run(tt.name, func(t *testing.T) {
			if got := out[0][i]; got != tt.want {
				t.Errorf("probe %d: got %v, want %v", tt.probe, got, tt.want)
			}
		})
	}
}

// A module sleeping in a host call (WASI poll_oneoff, with the real clock
// granted) is stopped when the call's timeout or the caller's context
// ends, not when its sleep does: the guest asks for 30 s.
func TestTimeoutDuringSleep(t *testing.T) {
	tests := []struct {
		name     string
		timeout  time.Duration // Config.Timeout
		deadline time.Duration // the caller's context; 0: none
		is       error
	}{
		{"the plugin's timeout", time.Second, 0, ErrTimeout},
		{"the caller's deadline", time.Minute, 300 * time.Millisecond, context.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := loadTest(t, "misbehave", Config{RealClock: true, Timeout: tt.timeout})
			if err := p.Configure(context.Background(), plugins.Params{"mode": sleep}); err != nil {
				t.Fatal(err)
			}
			ctx, limit := context.Background(), tt.timeout
			if tt.deadline > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.deadline)
				defer cancel()
				limit = tt.deadline
			}
			start := time.Now()
			err := p.Compute(ctx, [][]float64{{1}}, [][]float64{{0}, {0}})
			elapsed := time.Since(start)
			if !errors.Is(err, tt.is) {
				t.Fatalf("got %v, want %v", err, tt.is)
			}
			t.Logf("a 30 s sleep under a %v limit returned after %v: %v", limit, elapsed, err)
			// The guest sleeps 30 s: returning within a few seconds of the
			// limit shows the sleep was cut short (the margin is wide so a
			// loaded CI machine does not fail it; speed is for benchmarks).
			if elapsed > limit+5*time.Second {
				t.Errorf("returned after %v, more than 5s past the %v limit: the 30 s sleep was not interrupted", elapsed, limit)
			}
		})
	}
}
