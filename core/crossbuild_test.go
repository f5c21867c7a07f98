package core_test

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// TestCoreBuildsForWasm proves the core stays portable: pure Go, no cgo and no
// I/O beyond io.Reader/io.Writer, so it compiles for the browser (js/wasm)
// and for WASI (wasip1/wasm).
func TestCoreBuildsForWasm(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-compiles the core; skipped with -short")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to cross-compile: %v", err)
	}
	for _, target := range []struct{ goos, goarch string }{
		{"js", "wasm"},
		{"wasip1", "wasm"},
	} {
		t.Run(target.goos+"_"+target.goarch, func(t *testing.T) {
			cmd := exec.Command(gobin, "build", "./...")
			cmd.Env = append(os.Environ(), "GOOS="+target.goos, "GOARCH="+target.goarch, "CGO_ENABLED=0")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("GOOS=%s GOARCH=%s go build ./core/...: %v\n%s", target.goos, target.goarch, err, out)
			}
		})
	}
}

// TestParetoNBDCrossPlatform scores the CDNOW sample with the Pareto/NBD
// (testdata/paretoscore, through core/score) as a native build, as an arm64
// build under qemu-user and as a js/wasm build under Node.js, and requires
// the same CSV bytes and the fitted parameters equal to 1e-12 (relative).
// arm64 fuses multiply-adds, gonum has amd64 assembly and js/wasm has
// neither, so the optimiser's path differs in rounding; the fit's Newton
// finish on the analytic gradient is what makes the results agree. A
// platform whose runner (qemu-aarch64, node) is not installed is skipped.
func TestParetoNBDCrossPlatform(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-compiles and runs under emulators; skipped with -short")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to cross-compile: %v", err)
	}
	data, err := filepath.Abs("model/testdata/CDNOW_sample.txt")
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	run := func(t *testing.T, env []string, wrap func(bin string) []string) (csv []byte, params []float64) {
		t.Helper()
		bin := filepath.Join(tmp, strings.ReplaceAll(strings.Join(env, "_"), "=", "-")+"paretoscore")
		cmd := exec.Command(gobin, "build", "-o", bin, "./testdata/paretoscore")
		cmd.Env = append(os.Environ(), env...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build %v: %v\n%s", env, err, out)
		}
		argv := append(wrap(bin), data)
		var stdout, stderr bytes.Buffer
		cmd = exec.Command(argv[0], argv[1:]...)
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("%v: %v\n%s", argv, err, stderr.String())
		}
		for _, f := range strings.Fields(stderr.String()) {
			v, err := strconv.ParseFloat(f, 64)
			if err != nil {
				t.Fatalf("%v: parameters %q: %v", argv, stderr.String(), err)
			}
			params = append(params, v)
		}
		if len(params) != 4 {
			t.Fatalf("%v: want 4 parameters on stderr, got %q", argv, stderr.String())
		}
		return stdout.Bytes(), params
	}
	native, np := run(t, []string{"CGO_ENABLED=0"}, func(bin string) []string { return []string{bin} })
	if n := bytes.Count(native, []byte("\n")); n != 2358 {
		t.Fatalf("native run: %d lines, want 2358 (header + 2,357 customers)", n)
	}
	others := []struct {
		name, runner string
		env          []string
		wrap         func(runner, bin string) []string
	}{
		{"linux_arm64", "qemu-aarch64", []string{"GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0"},
			func(runner, bin string) []string { return []string{runner, bin} }},
		{"js_wasm", "node", []string{"GOOS=js", "GOARCH=wasm"},
			func(runner, bin string) []string {
				return []string{runner, filepath.Join(runtime.GOROOT(), "lib", "wasm", "wasm_exec_node.js"), bin}
			}},
	}
	for _, o := range others {
		t.Run(o.name, func(t *testing.T) {
			if runtime.GOOS+"_"+runtime.GOARCH == o.name {
				t.Skip("the native build")
			}
			runner, err := exec.LookPath(o.runner)
			if err != nil {
				t.Skipf("%s is not installed", o.runner)
			}
			got, gp := run(t, o.env, func(bin string) []string { return o.wrap(runner, bin) })
			if !bytes.Equal(got, native) {
				t.Errorf("scores differ from the native build's: %s", firstDiff(native, got))
			}
			for i, name := range []string{"r", "alpha", "s", "beta"} {
				if d := math.Abs(gp[i]-np[i]) / np[i]; !(d <= 1e-12) {
					t.Errorf("%s = %.17g, native %.17g (%.2g relative)", name, gp[i], np[i], d)
				}
			}
		})
	}
}

// firstDiff describes the first line where a and b differ.
func firstDiff(a, b []byte) string {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			return fmt.Sprintf("line %d: %q vs %q", i+1, la[i], lb[i])
		}
	}
	return fmt.Sprintf("%d vs %d lines", len(la), len(lb))
}
