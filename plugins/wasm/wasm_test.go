package wasm

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clvkit/clvkit/examples/plugins/contribution"
	"github.com/clvkit/clvkit/examples/plugins/valuematrix"
	"github.com/clvkit/clvkit/plugins"
)

// The modules the tests load, built by TestMain into a temporary directory.
var (
	wasmDir  string // the .wasm files
	cacheDir string // a compilation cache shared by the tests
)

// builds are the modules TestMain builds: name → package, and whether it is
// a reactor (-buildmode=c-shared).
var builds = []struct {
	name, pkg string
	reactor   bool
}{
	{"contribution", "github.com/clvkit/clvkit/examples/plugins/contribution/cmd/wasm", true},
	{"valuematrix", "github.com/clvkit/clvkit/examples/plugins/valuematrix/cmd/wasm", true},
	{"misbehave", "./testdata/misbehave", true},
	{"badabi", "./testdata/badabi", true},
	{"command", "./testdata/misbehave", false}, // a WASI command, not a reactor
	{"layout", "./testdata/layout", true},
	{"importer", "./testdata/importer", true}, // BenchmarkLayout
}

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "clv-wasm-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	wasmDir, cacheDir = filepath.Join(dir, "bin"), filepath.Join(dir, "cache")
	code := 1
	if err := buildAll(); err != nil {
		fmt.Fprintln(os.Stderr, err)
	} else {
		code = m.Run()
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

// buildAll builds the test modules in parallel with the go command that
// runs the tests.
func buildAll() error {
	goCmd := filepath.Join(os.Getenv("GOROOT"), "bin", "go")
	if os.Getenv("GOROOT") == "" {
		goCmd = "go"
	}
	var wg sync.WaitGroup
	errs := make([]error, len(builds))
	for i, b := range builds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			args := []string{"build", "-o", filepath.Join(wasmDir, b.name+".wasm")}
			if b.reactor {
				args = append(args, "-buildmode=c-shared")
			}
			cmd := exec.Command(goCmd, append(args, b.pkg)...)
			cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
			if out, err := cmd.CombinedOutput(); err != nil {
				errs[i] = fmt.Errorf("build %s: %v\n%s", b.name, err, out)
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// load loads a test module with the shared compilation cache.
func loadTest(t testing.TB, name string, cfg Config) *Plugin {
	t.Helper()
	if cfg.CacheDir == "" {
		cfg.CacheDir = cacheDir
	}
	p, err := Load(context.Background(), filepath.Join(wasmDir, name+".wasm"), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// column returns n values of f(i).
func column(n int, f func(i int) float64) []float64 {
	c := make([]float64, n)
	for i := range c {
		c[i] = f(i)
	}
	return c
}

func TestContribution(t *testing.T) {
	ctx := context.Background()
	p := loadTest(t, "contribution", Config{})
	native := &contribution.Formula{}

	got, err := p.Describe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := native.Describe(); !reflect.DeepEqual(got, want) {
		t.Fatalf("Describe:\n got %+v\nwant %+v", got, want)
	}
	given := plugins.Params{"margin": 0.42, "cost_per_order": 3.75} // return_rate: its default, 0.08
	if err := p.Configure(ctx, given); err != nil {
		t.Fatal(err)
	}
	resolved, err := native.Describe().Resolve(given)
	if err != nil {
		t.Fatal(err)
	}
	if err := native.Configure(resolved); err != nil {
		t.Fatal(err)
	}
	// Batches of several sizes, so the guest's buffer is resized and reused.
	for _, rows := range []int{1, 4096, 10000, 4096, 7} {
		in := [][]float64{
			column(rows, func(i int) float64 { return float64(i%17) * 0.37 }),    // expected_purchases
			column(rows, func(i int) float64 { return 10 + float64(i%101)*1.3 }), // expected_spend
		}
		got := [][]float64{make([]float64, rows), make([]float64, rows)}
		want := [][]float64{make([]float64, rows), make([]float64, rows)}
		if err := p.Compute(ctx, in, got); err != nil {
			t.Fatal(err)
		}
		if err := native.Compute(in, want); err != nil {
			t.Fatal(err)
		}
		if err := plugins.CheckBatch(native.Describe(), rows, got, nil); err != nil {
			t.Fatal(err)
		}
		// WebAssembly f64 arithmetic is IEEE 754 and the formula rounds
		// every product (no fused multiply-add), so the values match bit
		// for bit.
		for j := range want {
			for i := range want[j] {
				if math.Float64bits(got[j][i]) != math.Float64bits(want[j][i]) {
					t.Fatalf("rows %d: %s[%d] = %v, native %v", rows, got0(p, j), i, got[j][i], want[j][i])
				}
			}
		}
	}
	// A hand-checked row: 2 purchases of 50 at margin 0.42, returns 0.08,
	// 3.75 per order: revenue 100, contribution 100×0.34 − 7.5 = 26.5.
	out := [][]float64{{0}, {0}}
	if err := p.Compute(ctx, [][]float64{{2}, {50}}, out); err != nil {
		t.Fatal(err)
	}
	if out[0][0] != 100 || math.Abs(out[1][0]-26.5) > 1e-12 {
		t.Errorf("2 × 50: got revenue %v, contribution %v; want 100, 26.5", out[0][0], out[1][0])
	}
}

func got0(p *Plugin, j int) string { return p.desc.Outputs[j] }

func TestValueMatrix(t *testing.T) {
	ctx := context.Background()
	p := loadTest(t, "valuematrix", Config{})
	native := &valuematrix.Segmentation{}
	d, _ := p.Describe(ctx)
	if want := native.Describe(); !reflect.DeepEqual(d, want) {
		t.Fatalf("Describe:\n got %+v\nwant %+v", d, want)
	}
	if err := p.Configure(ctx, nil); err != nil { // the defaults: 50, 5, 0.5
		t.Fatal(err)
	}
	resolved, _ := d.Resolve(nil)
	native.Configure(resolved)
	for _, rows := range []int{3, 5000, 4096} {
		in := [][]float64{
			column(rows, func(i int) float64 { return float64(i%120) - 10 }), // clv
			column(rows, func(i int) float64 { return float64(i%11) / 10 }),  // p_alive
		}
		got, want := make([]int32, rows), make([]int32, rows)
		if err := p.Segment(ctx, in, got); err != nil {
			t.Fatal(err)
		}
		native.Segment(in, want)
		if err := plugins.CheckBatch(d, rows, nil, got); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("rows %d: labels differ from native", rows)
		}
	}
	// By hand: CLV 60 and P(alive) 0.9 is "High value, active" (0); CLV 10,
	// P(alive) 0.2 is "Mid value, at risk" (3); CLV 1, P(alive) 0.5 is "Low
	// value, active" (4).
	got := make([]int32, 3)
	if err := p.Segment(ctx, [][]float64{{60, 10, 1}, {0.9, 0.2, 0.5}}, got); err != nil {
		t.Fatal(err)
	}
	if want := []int32{0, 3, 4}; !reflect.DeepEqual(got, want) {
		t.Errorf("labels %v, want %v", got, want)
	}
}

// An error a plugin returns is reported with its message and leaves the
// instance usable; a kind or shape mistake by the host is refused before
// the guest is called.
var callErrorTests = []struct {
	name   string
	plugin string
	call   func(p *Plugin) error
	want   string
}{
	{"configure refused by the plugin", "valuematrix",
		func(p *Plugin) error { return p.Configure(context.Background(), plugins.Params{"low_value": 80}) },
		"plugin valuematrix: configure: low_value 80 is above high_value 50"},
	{"unknown parameter", "contribution",
		func(p *Plugin) error { return p.Configure(context.Background(), plugins.Params{"margn": 0.2}) },
		`plugin contribution: configure: plugin contribution has no parameter "margn"`},
	{"parameter out of bounds", "contribution",
		func(p *Plugin) error { return p.Configure(context.Background(), plugins.Params{"return_rate": 2}) },
		"plugin contribution: configure: plugin contribution: parameter return_rate = 2: want a number in [0, 1]"},
	{"NaN parameter", "contribution",
		func(p *Plugin) error { return p.Configure(context.Background(), plugins.Params{"margin": math.NaN()}) },
		"plugin contribution: configure: parameters: json: unsupported value: NaN"},
	{"error from compute", "misbehave",
		func(p *Plugin) error { return computeMode(p, fail) },
		"plugin misbehave: batch 1: the customer table is upside down"},
	{"Compute on a segmentation", "valuematrix",
		func(p *Plugin) error { return p.Compute(context.Background(), [][]float64{{1}, {1}}, [][]float64{{0}}) },
		"plugin valuematrix: is a segmentation plugin: call Segment, not Compute"},
	{"Segment on a formula", "contribution",
		func(p *Plugin) error { return p.Segment(context.Background(), [][]float64{{1}, {1}}, []int32{0}) },
		"plugin contribution: is a formula plugin: call Compute, not Segment"},
	{"missing input column", "contribution",
		func(p *Plugin) error { return p.Compute(context.Background(), [][]float64{{1}}, [][]float64{{0}, {0}}) },
		"plugin contribution: batch 1: 1 input columns, the plugin declares 2 ([expected_purchases expected_spend])"},
	{"ragged columns", "contribution",
		func(p *Plugin) error {
			return p.Compute(context.Background(), [][]float64{{1, 2}, {1}}, [][]float64{{0, 0}, {0, 0}})
		},
		"plugin contribution: batch 1: input column expected_spend has 1 rows, expected_purchases has 2"},
}

func TestCallErrors(t *testing.T) {
	for _, tt := range callErrorTests {
		t.Run(tt.name, func(t *testing.T) {
			p := loadTest(t, tt.plugin, Config{})
			err := tt.call(p)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("got error %v\nwant %s", err, tt.want)
			}
			// The instance is still usable.
			if tt.plugin == "misbehave" {
				if err := computeMode(p, double); err != nil {
					t.Errorf("after a returned error: %v", err)
				}
			}
		})
	}
}

// computeMode configures the misbehave plugin in a mode and computes one
// batch of 3 rows.
func computeMode(p *Plugin, mode int) error {
	return computeModeOut(p, mode, [][]float64{make([]float64, 3), make([]float64, 3)})
}

func computeModeOut(p *Plugin, mode int, out [][]float64) error {
	ctx := context.Background()
	if err := p.Configure(ctx, plugins.Params{"mode": float64(mode)}); err != nil {
		return err
	}
	return p.Compute(ctx, [][]float64{{1, 2, 3}}, out)
}

// The modes of testdata/misbehave (its constants).
const (
	double = iota
	crash
	hang
	hog
	nan
	readFile
	clock
	fail
	skip
	readPaths
	sleep
)

// A crash, a hang and running out of memory each end in a clear error and
// discard the instance.
var failureTests = []struct {
	name string
	mode int
	cfg  Config
	is   error
	want string // the error message, after "plugin misbehave: batch 1: "
}{
	{"crash", crash, Config{}, ErrTrap,
		"trapped: panic: runtime error: index out of range [3] with length 0"},
	{"hang", hang, Config{Timeout: 200 * time.Millisecond}, ErrTimeout,
		"timed out after 200ms"},
	{"memory", hog, Config{MemoryLimitMB: 64, Timeout: time.Minute}, ErrMemoryLimit,
		"exceeded its memory limit of 64 MB"},
}

func TestFailures(t *testing.T) {
	for _, tt := range failureTests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr strings.Builder
			tt.cfg.Stderr = &stderr
			p := loadTest(t, "misbehave", tt.cfg)
			start := time.Now()
			err := computeMode(p, tt.mode)
			if err == nil {
				t.Fatal("no error")
			}
			if want := "plugin misbehave: batch 1: " + tt.want; err.Error() != want {
				t.Errorf("error %q\nwant  %q", err, want)
			}
			if !errors.Is(err, tt.is) {
				t.Errorf("error %v is not %v", err, tt.is)
			}
			t.Logf("guest stderr: %.300q", stderr.String())
			if tt.mode == hang && time.Since(start) > 5*time.Second {
				t.Errorf("a 200ms timeout took %v", time.Since(start))
			}
			// The instance is gone: the next call says so.
			err = computeMode(p, double)
			if !errors.Is(err, ErrDiscarded) {
				t.Fatalf("the call after the failure: %v, want %v", err, ErrDiscarded)
			}
			if !strings.Contains(err.Error(), "load the plugin again") || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("the call after the failure: %v: should name the failure and the remedy", err)
			}
		})
	}
}

func TestFilesystemSandbox(t *testing.T) {
	dir := t.TempDir()
	secret := "twelve bytes"
	if err := os.WriteFile(filepath.Join(dir, "secret.txt"), []byte(secret), 0o600); err != nil {
		t.Fatal(err)
	}
	// No directory granted: the module has no filesystem.
	p := loadTest(t, "misbehave", Config{})
	err := computeMode(p, readFile)
	if err == nil || !strings.Contains(err.Error(), "open /data/secret.txt") {
		t.Errorf("reading an ungranted file: %v, want an error opening /data/secret.txt", err)
	}
	// Granted: it reads the file (read-only) at /data.
	p = loadTest(t, "misbehave", Config{AllowDir: dir})
	out := [][]float64{make([]float64, 3), make([]float64, 3)}
	if err := computeModeOut(p, readFile, out); err != nil {
		t.Fatal(err)
	}
	if out[0][0] != float64(len(secret)) {
		t.Errorf("read %v bytes, want %d", out[0][0], len(secret))
	}
}

func TestClock(t *testing.T) {
	// wazero's fake wall clock starts at 2022-01-01T00:00:00Z = Unix
	// 1640995200 and advances 1ms per reading, so a module reading it a
	// few times stays within that second.
	const fakeEpoch = 1640995200
	p := loadTest(t, "misbehave", Config{})
	out := [][]float64{make([]float64, 3), make([]float64, 3)}
	if err := computeModeOut(p, clock, out); err != nil {
		t.Fatal(err)
	}
	if out[0][0] != fakeEpoch {
		t.Errorf("time.Now() in the sandbox: Unix %v, want the fixed epoch %d", out[0][0], fakeEpoch)
	}
	p = loadTest(t, "misbehave", Config{RealClock: true})
	if err := computeModeOut(p, clock, out); err != nil {
		t.Fatal(err)
	}
	if now := float64(time.Now().Unix()); math.Abs(out[0][0]-now) > 60 {
		t.Errorf("time.Now() with RealClock: Unix %v, host %v", out[0][0], now)
	}
}

// A plugin that leaves NaN (or nothing, which the guest SDK fills with NaN)
// in an output is caught by plugins.CheckBatch, which the host calls after
// every batch.
func TestNaNCaughtByCheckBatch(t *testing.T) {
	p := loadTest(t, "misbehave", Config{})
	d, _ := p.Describe(context.Background())
	for _, mode := range []int{nan, skip} {
		out := [][]float64{make([]float64, 3), make([]float64, 3)}
		if err := computeModeOut(p, mode, out); err != nil {
			t.Fatal(err)
		}
		err := plugins.CheckBatch(d, 3, out, nil)
		if want := "column a: NaN is not a finite number"; err == nil || err.Error() != want {
			t.Errorf("mode %d: CheckBatch: %v, want %s", mode, err, want)
		}
	}
}

var loadErrorTests = []struct {
	name, file string
	want       string
}{
	{"wrong ABI version", "badabi", "plugin badabi: wrong ABI version 2 (host speaks 1)"},
	{"command module", "command", "plugin command: is a command module, not a reactor: build it with -buildmode=c-shared"},
	{"no such file", "nosuch", "plugin nosuch: open "},
	{"a host import beyond WASI", "importer", "plugin importer: imports env.socket: a plugin may import only wasi_snapshot_preview1"},
}

func TestLoadErrors(t *testing.T) {
	for _, tt := range loadErrorTests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Load(context.Background(), filepath.Join(wasmDir, tt.file+".wasm"), Config{CacheDir: cacheDir})
			if err == nil {
				p.Close()
				t.Fatal("loaded")
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error %q\nwant  %q", err, tt.want)
			}
		})
	}
	// Not WebAssembly at all.
	bad := filepath.Join(t.TempDir(), "text.wasm")
	os.WriteFile(bad, []byte("hello"), 0o600)
	if _, err := Load(context.Background(), bad, Config{}); err == nil || !strings.HasPrefix(err.Error(), "plugin text: compile: ") {
		t.Errorf("a text file: %v", err)
	}
	// A memory limit below what the module declares it needs at start
	// (43 pages, 2.7 MiB, for the Go contribution module).
	_, err := Load(context.Background(), filepath.Join(wasmDir, "contribution.wasm"), Config{MemoryLimitMB: 1, CacheDir: cacheDir})
	if want := "plugin contribution: exceeded its memory limit of 1 MB at start"; err == nil || !strings.HasPrefix(err.Error(), want) || !errors.Is(err, ErrMemoryLimit) {
		t.Errorf("a 1 MB limit: %v, want %s", err, want)
	}
}

// The compilation cache: a second Load finds the compiled code.
func TestCompilationCache(t *testing.T) {
	dir := t.TempDir()
	for range 2 {
		p := loadTest(t, "valuematrix", Config{CacheDir: dir})
		p.Close()
	}
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) == 0 {
		t.Fatalf("cache dir after two loads: %v entries, %v", len(entries), err)
	}
}

// Calls honour the caller's context as well as the timeout.
func TestCallerCancel(t *testing.T) {
	p := loadTest(t, "misbehave", Config{Timeout: time.Minute})
	if err := p.Configure(context.Background(), plugins.Params{"mode": hang}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	err := p.Compute(ctx, [][]float64{{1}}, [][]float64{{0}, {0}})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want the caller's deadline", err)
	}
}

// A call with a context already done is refused without discarding the
// instance.
func TestDoneContextKeepsInstance(t *testing.T) {
	p := loadTest(t, "valuematrix", Config{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := p.Configure(ctx, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want %v", err, context.Canceled)
	}
	if err := p.Configure(context.Background(), nil); err != nil {
		t.Fatalf("after a canceled call: %v", err)
	}
}
