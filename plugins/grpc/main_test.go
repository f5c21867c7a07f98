package grpc_test

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clvkit/clvkit/plugins/grpc"
)

// binDir holds the plugin binaries TestMain builds: the two examples and
// the test programs under testdata/.
var binDir string

// testPlugins maps a binary name to the package it is built from.
var testPlugins = map[string]string{
	"contribution": "github.com/clvkit/clvkit/examples/plugins/contribution/cmd/grpc",
	"valuematrix":  "github.com/clvkit/clvkit/examples/plugins/valuematrix/cmd/grpc",
	"crash":        "./testdata/crash",
	"hang":         "./testdata/hang",
	"badanswer":    "./testdata/badanswer",
	"wrongversion": "./testdata/wrongversion",
	"stdout":       "./testdata/stdout",
}

// hostEnv, when set to a plugin path, makes the test binary act as a host
// for TestKilledHostLeavesNoPlugin: load the plugin, print its PID, wait.
const hostEnv = "CLVKIT_GRPC_TEST_HOST"

func TestMain(m *testing.M) {
	if path := os.Getenv(hostEnv); path != "" {
		os.Exit(actAsHost(path))
	}
	dir, err := os.MkdirTemp("", "clvkit-grpc-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	if err := buildPlugins(dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func buildPlugins(dir string) error {
	gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(gobin); err != nil {
		gobin = "go"
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(testPlugins))
	for name, pkg := range testPlugins {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := exec.Command(gobin, "build", "-o", filepath.Join(dir, name), pkg).CombinedOutput()
			if err != nil {
				errs <- fmt.Errorf("go build %s: %v\n%s", pkg, err, out)
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

func actAsHost(path string) int {
	if raw, ok := strings.CutPrefix(path, "raw:"); ok {
		return actAsRawHost(raw)
	}
	p, err := grpc.Load(context.Background(), path, grpc.Config{SHA256: sha256File(path)})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println(p.PID())
	time.Sleep(time.Minute)
	return 0
}

func bin(name string) string { return filepath.Join(binDir, name) }

func sha256File(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// load loads a test binary with its right checksum, closing it at the end
// of the test.
func load(t testing.TB, name string, cfg grpc.Config) *grpc.Plugin {
	t.Helper()
	cfg.SHA256 = sha256File(bin(name))
	if cfg.Stderr == nil && testing.Verbose() {
		cfg.Stderr = os.Stderr
	}
	p, err := grpc.Load(context.Background(), bin(name), cfg)
	if err != nil {
		t.Fatalf("Load %s: %v", name, err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// actAsRawHost starts the plugin without grpc.Load, so without Pdeathsig:
// only the plugin's parent watchdog can end it when this host dies. It
// waits for the handshake line, prints the plugin's PID and waits.
func actAsRawHost(path string) int {
	cmd := exec.Command(path)
	cmd.Env = append(os.Environ(), grpc.MagicCookieKey+"="+grpc.MagicCookieValue, "PLUGIN_PROTOCOL_VERSIONS=1")
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if _, err := bufio.NewReader(stdout).ReadString('\n'); err != nil {
		fmt.Fprintln(os.Stderr, "handshake:", err)
		return 1
	}
	fmt.Println(cmd.Process.Pid)
	time.Sleep(time.Minute)
	return 0
}
