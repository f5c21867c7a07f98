package core_test

import (
	"os"
	"os/exec"
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
