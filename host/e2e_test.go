package main

// End-to-end tests of the real clv binary: TestMain builds it once with
// go build, and every test runs it with os/exec, as a user or a CI job
// would. Golden files live in testdata/golden and are rewritten only by
//
//	go test ./host -run TestGolden -update

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden from the binary's output")

var (
	// clvBin is the clv binary built by TestMain.
	clvBin string
	// buildDir is TestMain's temporary folder (binaries).
	buildDir string
	// repoRoot is the repository root (tests run in host/).
	repoRoot string
)

// buildFlags are the go build flags of every binary the tests build: a
// fixed version string, so manifests do not depend on the checkout.
var buildFlags = []string{"-trimpath", "-ldflags", "-X main.version=e2e-test"}

func TestMain(m *testing.M) { os.Exit(testMain(m)) }

func testMain(m *testing.M) int {
	flag.Parse()
	var err error
	if repoRoot, err = filepath.Abs(".."); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if buildDir, err = os.MkdirTemp("", "clv-e2e-"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(buildDir)
	defer pgServer.Stop() // started by the first database test, if any
	clvBin = filepath.Join(buildDir, "clv")
	if err := goBuild(clvBin, ".", nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}

// goBuild builds the package pkg (relative to host/) into out with extra
// environment variables such as GOARCH=arm64.
func goBuild(out, pkg string, env []string) error {
	args := append([]string{"build"}, buildFlags...)
	args = append(args, "-o", out, pkg)
	cmd := exec.Command("go", args...)
	cmd.Env = append(os.Environ(), env...)
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s %v: %v\n%s", pkg, env, err, b)
	}
	return nil
}

// result is one finished run of the binary.
type result struct {
	code           int
	stdout, stderr string
	maxRSSKB       int64
	elapsed        time.Duration
}

// invocation is one run of the binary: arguments, working directory (default the
// repository root), extra environment and stdin.
type invocation struct {
	args  []string
	dir   string
	env   []string
	stdin string
	bin   string // default clvBin
	wrap  []string
}

func (r invocation) exec(t testing.TB) result {
	t.Helper()
	bin := r.bin
	if bin == "" {
		bin = clvBin
	}
	argv := append(append(append([]string(nil), r.wrap...), bin), r.args...)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = r.dir
	if cmd.Dir == "" {
		cmd.Dir = repoRoot
	}
	cmd.Env = append(os.Environ(), r.env...)
	cmd.Stdin = strings.NewReader(r.stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	begin := time.Now()
	err := cmd.Run()
	res := result{stdout: stdout.String(), stderr: stderr.String(), elapsed: time.Since(begin)}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		res.code = ee.ExitCode()
	default:
		t.Fatalf("clv %s: %v", strings.Join(r.args, " "), err)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		res.maxRSSKB = ru.Maxrss
	}
	return res
}

// clv runs the binary from the repository root and returns its result.
func clv(t testing.TB, args ...string) result {
	t.Helper()
	return invocation{args: args}.exec(t)
}

// mustOK fails the test unless the run exited 0.
func (r result) mustOK(t testing.TB, what string) result {
	t.Helper()
	if r.code != 0 {
		t.Fatalf("%s: exit code %d, want 0\nstderr:\n%s", what, r.code, r.stderr)
	}
	return r
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeFile(t testing.TB, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// golden compares got with testdata/golden/name, or rewrites the file with
// -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("updated %s", path)
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./host -run TestGolden -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file: %s\n(if the change is intended: go test ./host -run TestGolden -update)", name, firstLineDiff(want, got))
	}
}

// firstLineDiff describes the first line where two texts differ.
func firstLineDiff(want, got []byte) string {
	a, b := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	for i := 0; i < max(len(a), len(b)); i++ {
		var la, lb string
		if i < len(a) {
			la = a[i]
		}
		if i < len(b) {
			lb = b[i]
		}
		if la != lb {
			return fmt.Sprintf("line %d:\n  want %q\n  got  %q", i+1, la, lb)
		}
	}
	return "no line differs (line endings?)"
}

// cdnowConfig is the demo config, relative to the repository root.
const cdnowConfig = "examples/cdnow/clv.toml"

// scoreCDNOW scores the demo into dir/name with extra flags and returns the
// output bytes and the run.
func scoreCDNOW(t *testing.T, dir, name string, env []string, extra ...string) ([]byte, result) {
	t.Helper()
	out := filepath.Join(dir, name)
	args := append([]string{"score", "--config", cdnowConfig, "--out", out}, extra...)
	r := invocation{args: args, env: env}.exec(t).mustOK(t, "clv "+strings.Join(args, " "))
	return readFile(t, out), r
}

// TestGoldenCDNOW scores the bundled demo and compares the CSV and the
// stderr report with the golden files.
func TestGoldenCDNOW(t *testing.T) {
	tmp := t.TempDir()
	out, r := scoreCDNOW(t, tmp, "scores.csv", nil)
	golden(t, "cdnow_scores.csv", out)
	golden(t, "cdnow_report.txt", []byte(strings.ReplaceAll(r.stderr, tmp, "$TMP")))
	// The same scores on stdout, and nothing but the report on stderr.
	r = clv(t, "score", "--config", cdnowConfig, "--out", "-", "--quiet").mustOK(t, "score --out -")
	if r.stdout != string(out) {
		t.Errorf("score --out - prints other bytes than score --out FILE writes: %s", firstLineDiff(out, []byte(r.stdout)))
	}
	if r.stderr != "" {
		t.Errorf("score --quiet wrote to stderr: %q", r.stderr)
	}
}

// shuffledCDNOW writes the demo transactions with the data rows shuffled
// (header first) and the demo config pointing at them into dir, and
// returns the config's path.
func shuffledCDNOW(t *testing.T, dir string, seed uint64) string {
	t.Helper()
	lines := strings.SplitAfter(string(readFile(t, filepath.Join(repoRoot, "examples/cdnow/transactions.csv"))), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	body := lines[1:]
	rand.New(rand.NewPCG(seed, 0)).Shuffle(len(body), func(i, j int) { body[i], body[j] = body[j], body[i] })
	writeFile(t, filepath.Join(dir, "transactions.csv"), lines[0]+strings.Join(body, ""))
	cfg := filepath.Join(dir, "clv.toml")
	writeFile(t, cfg, string(readFile(t, filepath.Join(repoRoot, cdnowConfig))))
	return cfg
}

// TestDeterminism checks that GOMAXPROCS and the order of the input rows
// do not change a byte of the output, in every output format.
func TestDeterminism(t *testing.T) {
	tmp := t.TempDir()
	shuffled := shuffledCDNOW(t, filepath.Join(tmp), 7)
	for _, format := range []string{"csv", "jsonl", "parquet"} {
		t.Run(format, func(t *testing.T) {
			runs := []struct {
				name   string
				config string
				env    []string
			}{
				{"GOMAXPROCS=1", cdnowConfig, []string{"GOMAXPROCS=1"}},
				{"GOMAXPROCS=2", cdnowConfig, []string{"GOMAXPROCS=2"}},
				{"GOMAXPROCS=2 again", cdnowConfig, []string{"GOMAXPROCS=2"}},
				{"shuffled rows, GOMAXPROCS=1", shuffled, []string{"GOMAXPROCS=1"}},
				{"shuffled rows, GOMAXPROCS=2", shuffled, []string{"GOMAXPROCS=2"}},
			}
			var first []byte
			for i, c := range runs {
				out := filepath.Join(tmp, fmt.Sprintf("%s-%d.%s", format, i, format))
				invocation{args: []string{"score", "--config", c.config, "--out", out, "--quiet"}, env: c.env}.exec(t).mustOK(t, c.name)
				got := readFile(t, out)
				if i == 0 {
					first = got
					if len(got) == 0 {
						t.Fatal("empty output")
					}
					continue
				}
				if !bytes.Equal(got, first) {
					t.Errorf("%s: output differs from %s (%d vs %d bytes)", c.name, runs[0].name, len(got), len(first))
				}
			}
			if format == "csv" && !*update {
				if want := readFile(t, filepath.Join("testdata", "golden", "cdnow_scores.csv")); !bytes.Equal(first, want) {
					t.Errorf("csv output differs from the golden file: %s", firstLineDiff(want, first))
				}
			}
		})
	}
}

// qemuFor returns the qemu-user emulator for goarch, or "" if it is not
// installed.
func qemuFor(goarch string) string {
	names := map[string][]string{
		"arm64": {"qemu-aarch64-static", "qemu-aarch64"},
		"amd64": {"qemu-x86_64-static", "qemu-x86_64"},
	}[goarch]
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	return ""
}

// TestCrossArch cross-compiles clv for the other 64-bit architecture
// (arm64 on amd64, amd64 on arm64), runs the demo under qemu-user and
// requires the same bytes: arm64 fuses x*y+z into FMA instructions and
// gonum uses assembly only on amd64, so this catches results that depend
// on rounding. It fails, not skips, when qemu is missing; CI installs it
// with apt-get install -y qemu-user. Set CLV_SKIP_QEMU=1 to skip on purpose
// (for example on macOS).
func TestCrossArch(t *testing.T) {
	if os.Getenv("CLV_SKIP_QEMU") != "" {
		t.Skip("CLV_SKIP_QEMU is set")
	}
	if runtime.GOOS != "linux" {
		t.Fatalf("the cross-architecture check needs linux and qemu-user (GOOS is %s); set CLV_SKIP_QEMU=1 to skip it", runtime.GOOS)
	}
	other := map[string]string{"amd64": "arm64", "arm64": "amd64"}[runtime.GOARCH]
	if other == "" {
		t.Skipf("no cross-architecture check from GOARCH=%s", runtime.GOARCH)
	}
	qemu := qemuFor(other)
	if qemu == "" {
		t.Fatalf("qemu-user is not installed, so the %s build cannot be checked: apt-get install -y qemu-user (or set CLV_SKIP_QEMU=1 to skip on purpose)", other)
	}
	bin := filepath.Join(buildDir, "clv-"+other)
	if err := goBuild(bin, ".", []string{"GOOS=linux", "GOARCH=" + other, "CGO_ENABLED=0"}); err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	native, nr := scoreCDNOW(t, tmp, "native.csv", nil)
	out := filepath.Join(tmp, "cross.csv")
	cr := invocation{bin: bin, wrap: []string{qemu}, args: []string{"score", "--config", cdnowConfig, "--out", out}}.exec(t).mustOK(t, other+" under "+qemu)
	if !strings.Contains(invocation{bin: bin, wrap: []string{qemu}, args: []string{"version"}}.exec(t).stdout, "linux/"+other) {
		t.Fatalf("the cross-built binary does not report linux/%s", other)
	}
	cross := readFile(t, out)
	if !bytes.Equal(native, cross) {
		t.Errorf("%s output differs from %s: %s", other, runtime.GOARCH, firstLineDiff(native, cross))
	}
	norm := func(s, path string) string { return strings.ReplaceAll(s, path, "OUT") }
	if a, b := norm(nr.stderr, filepath.Join(tmp, "native.csv")), norm(cr.stderr, out); a != b {
		t.Errorf("%s report differs from %s: %s", other, runtime.GOARCH, firstLineDiff([]byte(a), []byte(b)))
	}
}

// copyCDNOW copies the demo config and data into dir and returns the
// config's path.
func copyCDNOW(t *testing.T, dir string) string {
	t.Helper()
	for _, f := range []string{"clv.toml", "transactions.csv"} {
		writeFile(t, filepath.Join(dir, f), string(readFile(t, filepath.Join(repoRoot, "examples/cdnow", f))))
	}
	return filepath.Join(dir, "clv.toml")
}

// TestVerify scores, verifies, then edits the output and the input and
// checks that verify fails naming what changed.
func TestVerify(t *testing.T) {
	tmp := t.TempDir()
	cfg := copyCDNOW(t, tmp)
	out := filepath.Join(tmp, "scores.csv")
	man := out + ".manifest.json"
	clv(t, "score", "--config", cfg, "--out", out, "--quiet").mustOK(t, "score")
	r := clv(t, "verify", man).mustOK(t, "verify right after score")
	if !strings.Contains(r.stderr, "verified") {
		t.Errorf("verify stderr = %q, want it to say verified", r.stderr)
	}

	// Edit one value of the output: row 3 is customer 0003; change its clv.
	orig := readFile(t, out)
	lines := strings.Split(string(orig), "\n")
	header := strings.Split(lines[0], ",")
	col := -1
	for i, h := range header {
		if h == "clv" {
			col = i
		}
	}
	if col < 0 {
		t.Fatalf("no clv column in %q", lines[0])
	}
	fields := strings.Split(lines[3], ",")
	fields[col] = "999.000000"
	lines[3] = strings.Join(fields, ",")
	writeFile(t, out, strings.Join(lines, "\n"))
	r = clv(t, "verify", man)
	if r.code != 1 {
		t.Fatalf("verify after editing the output: exit %d, want 1\n%s", r.code, r.stderr)
	}
	for _, want := range []string{"row 3", "column clv", "scores.csv", "999.000000"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("verify after editing the output: stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	writeFile(t, out, string(orig))
	clv(t, "verify", man).mustOK(t, "verify after restoring the output")

	// Edit the input: drop the last transaction.
	in := filepath.Join(tmp, "transactions.csv")
	data := strings.TrimSuffix(string(readFile(t, in)), "\n")
	writeFile(t, in, data[:strings.LastIndexByte(data, '\n')+1])
	r = clv(t, "verify", man)
	if r.code != 1 {
		t.Fatalf("verify after editing the input: exit %d, want 1\n%s", r.code, r.stderr)
	}
	for _, want := range []string{"input transactions.csv changed"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("verify after editing the input: stderr lacks %q:\n%s", want, r.stderr)
		}
	}
}

// badInputTests are mistakes a user makes; each must give exit code 1 and a
// message naming the problem, never a stack trace. edit turns the demo
// config into the bad one; data, when set, replaces transactions.csv.
var badInputTests = []struct {
	name     string
	edit     func(cfg string) string
	data     func(csv string) string
	validate bool // clv validate must catch it too (it reads no data rows)
	want     []string
}{
	{
		name:     "missing observation_end",
		edit:     replace(`observation_end = "1997-09-30"`, ""),
		validate: true,
		want:     []string{"clv.toml", "time.observation_end", "missing"},
	},
	{
		name:     "unknown key",
		edit:     replace("margin = 0.30", "margin = 0.30\nmargn = 0.3"),
		validate: true,
		want:     []string{"clv.toml:26", "model.margn", "unknown key"},
	},
	{
		name:     "wrong type",
		edit:     replace("horizon_months = 12", `horizon_months = "twelve"`),
		validate: true,
		want:     []string{"clv.toml:23", "model.horizon_months", "type"},
	},
	{
		name:     "unknown formula",
		edit:     replace(`expr = "clv - 0.3 * 2.5 * expected_purchases"`, `builtin = "no_such_formula"`),
		validate: true,
		want:     []string{"clv.toml:28", "formulas[0]", `"no_such_formula"`},
	},
	{
		name:     "formula reads an unknown column",
		edit:     replace(`expr = "clv - 0.3 * 2.5 * expected_purchases"`, `expr = "clv - shipping_cost"`),
		validate: true,
		want:     []string{"clv.toml:", "formulas", `"shipping_cost"`, "contribution"},
	},
	{
		name:     "bad segment rule",
		edit:     replace(`map = "default"`, "map = \"rules\"\n[[segmentation.rules]]\nsegment = \"VIP\"\nwhen = \"clv >> 3\""),
		validate: true,
		want:     []string{"clv.toml:", "segmentation.rules", "VIP", "clv >> 3"},
	},
	{
		name:     "missing column",
		edit:     replace(`amount = "amount"`, `amount = "order_value"`),
		validate: true,
		want:     []string{"transactions.csv", `"order_value"`},
	},
	{
		name:     "nonexistent input file",
		edit:     replace(`path = "transactions.csv"`, `path = "no_such_orders.csv"`),
		validate: true,
		want:     []string{"no_such_orders.csv", "no such file"},
	},
	{
		name: "unparsable date",
		data: replaceLine(100, "0035,1997-13-45,1,11.77"),
		want: []string{"transactions.csv", "line 100", `field "date"`, "1997-13-45"},
	},
	{
		name: "bad amount",
		data: replaceLine(101, "0035,1997-07-11,2,12x.5"),
		want: []string{"transactions.csv", "line 101", `field "amount"`, "12x.5"},
	},
	{
		name: "BG/BB with fractional recency",
		edit: replace(`purchase = "bgnbd"`, `purchase = "bgbb"`),
		want: []string{"BG/BB", "whole purchase opportunities", "grain"},
	},
}

// replace returns an edit that replaces old (which must occur) with new.
func replace(old, new string) func(string) string {
	return func(s string) string {
		if !strings.Contains(s, old) {
			panic(fmt.Sprintf("the demo config has no %q", old))
		}
		return strings.Replace(s, old, new, 1)
	}
}

// replaceLine returns an edit that replaces line n (1-based) of a file.
func replaceLine(n int, text string) func(string) string {
	return func(s string) string {
		lines := strings.Split(s, "\n")
		lines[n-1] = text
		return strings.Join(lines, "\n")
	}
}

func TestBadInput(t *testing.T) {
	for _, tt := range badInputTests {
		t.Run(tt.name, func(t *testing.T) {
			tmp := t.TempDir()
			cfg := copyCDNOW(t, tmp)
			if tt.edit != nil {
				writeFile(t, cfg, tt.edit(string(readFile(t, cfg))))
			}
			if tt.data != nil {
				in := filepath.Join(tmp, "transactions.csv")
				writeFile(t, in, tt.data(string(readFile(t, in))))
			}
			out := filepath.Join(tmp, "scores.csv")
			cmds := [][]string{{"score", "--config", cfg, "--out", out}}
			if tt.validate {
				cmds = append(cmds, []string{"validate", "--config", cfg})
			}
			for _, args := range cmds {
				r := invocation{args: args, dir: tmp}.exec(t)
				if r.code != 1 {
					t.Errorf("clv %s: exit code %d, want 1\nstderr:\n%s", args[0], r.code, r.stderr)
				}
				if strings.Contains(r.stderr, "goroutine ") {
					t.Errorf("clv %s printed a stack trace:\n%s", args[0], r.stderr)
				}
				for _, w := range tt.want {
					if !strings.Contains(r.stderr, w) {
						t.Errorf("clv %s: stderr lacks %q:\n%s", args[0], w, r.stderr)
					}
				}
			}
			if _, err := os.Stat(out); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("a failed score left %s behind (stat: %v)", out, err)
			}
		})
	}
}

// usageTests are command lines that are wrong as such.
var usageTests = []struct {
	args []string
	want string
}{
	{[]string{"score", "--bogus"}, "flag provided but not defined: -bogus"},
	{[]string{"score"}, "--config is required"},
	{[]string{"no-such-command"}, `unknown command "no-such-command"`},
	{[]string{"summarize", "--input", "x.csv", "--unit", "week"}, "--observation-end is required"},
	{[]string{"fit", "--model", "bgnbd"}, "--input are required"},
	{[]string{"verify"}, "exactly one manifest"},
	{[]string{"eval", "no_such_formula"}, "no_such_formula"},
	{[]string{"segments", "frobnicate"}, "lint or list"},
}

func TestUsageErrors(t *testing.T) {
	for _, tt := range usageTests {
		r := clv(t, tt.args...)
		if r.code != 1 {
			t.Errorf("clv %s: exit code %d, want 1\nstderr:\n%s", strings.Join(tt.args, " "), r.code, r.stderr)
		}
		if !strings.Contains(r.stderr, tt.want) || strings.Contains(r.stderr, "goroutine ") {
			t.Errorf("clv %s: stderr = %q, want it to contain %q and no stack trace", strings.Join(tt.args, " "), r.stderr, tt.want)
		}
	}
}

// TestKilledRunLeavesNoOutput interrupts clv score on a large input and
// checks that no output (for SIGINT: no temporary file either) is left.
func TestKilledRunLeavesNoOutput(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	tmp := t.TempDir()
	in := filepath.Join(tmp, "orders.csv")
	l, err := writeSynthLog(in, 1_500_000, 3)
	if err != nil {
		t.Fatal(err)
	}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGKILL} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "scores.csv")
			cfg := filepath.Join(dir, "clv.toml")
			writeFile(t, cfg, synthConfig(in, out, l))
			cmd := exec.Command(clvBin, "score", "--config", cfg)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			// Signal once the run has locked its output: its signal
			// handlers are installed by then (a loaded machine can take
			// longer than any fixed delay to get there).
			lock := filepath.Join(dir, ".scores.csv.clv-lock")
			for deadline := time.Now().Add(30 * time.Second); ; {
				if _, err := os.Stat(lock); err == nil {
					break
				}
				select {
				case err := <-done:
					t.Fatalf("clv score finished before the signal (%v); the input is too small for this machine\n%s", err, stderr.String())
				case <-time.After(20 * time.Millisecond):
				}
				if time.Now().After(deadline) {
					t.Fatalf("clv score did not lock %s within 30s", lock)
				}
			}
			select {
			case err := <-done:
				t.Fatalf("clv score finished before the signal (%v); the input is too small for this machine\n%s", err, stderr.String())
			case <-time.After(200 * time.Millisecond):
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			<-done
			code := cmd.ProcessState.ExitCode()
			if sig == syscall.SIGINT {
				if code != 1 || !strings.Contains(stderr.String(), "no output file was written") {
					t.Errorf("after SIGINT: exit code %d, stderr %q; want 1 and a message", code, stderr.String())
				}
			}
			ents, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range ents {
				switch {
				case e.Name() == "clv.toml":
				case (strings.HasPrefix(e.Name(), ".clv-tmp-") || strings.HasSuffix(e.Name(), ".clv-lock")) && sig == syscall.SIGKILL:
					// A killed process cannot clean up; the next run
					// removes its temporary file and reuses its lock file.
				default:
					t.Errorf("after %v: %s left in the output folder", sig, e.Name())
				}
			}
		})
	}
}

// TestSummarizeCDNOW summarizes the raw CDNOW sample (no header, columns
// separated by runs of spaces, YYYYMMDD dates) and compares with the
// summary published with lifetimes (core/model/testdata).
func TestSummarizeCDNOW(t *testing.T) {
	tmp := t.TempDir()
	raw := filepath.Join(tmp, "CDNOW_sample.txt")
	writeFile(t, raw, string(readFile(t, filepath.Join(repoRoot, "core/model/testdata/CDNOW_sample.txt"))))
	base := []string{"summarize", "--input", raw, "--delimiter", "whitespace", "--no-header",
		"--customer", "2", "--date", "3", "--amount", "5", "--date-format", "YYYYMMDD", "--unit", "week"}

	out := filepath.Join(tmp, "summary.csv")
	clv(t, append(base, "--observation-end", "1997-09-30", "--out", out)...).mustOK(t, "summarize")
	got := readCSV(t, readFile(t, out))
	want := readCSV(t, readFile(t, filepath.Join(repoRoot, "core/model/testdata/cdnow_customers_summary.csv")))
	if len(got.rows) != len(want.rows) {
		t.Fatalf("%d customers, want %d", len(got.rows), len(want.rows))
	}
	for i, w := range want.rows {
		g := got.rows[i]
		id, _ := strconv.Atoi(g[got.col(t, "customer_id")])
		if strconv.Itoa(id) != w[want.col(t, "ID")] {
			t.Fatalf("row %d: customer %s, want %s", i+1, g[0], w[0])
		}
		if g[got.col(t, "frequency")] != w[want.col(t, "frequency")] {
			t.Errorf("customer %s: frequency %s, want %s", w[0], g[got.col(t, "frequency")], w[want.col(t, "frequency")])
		}
		for _, c := range []string{"recency", "T"} {
			gv, _ := strconv.ParseFloat(g[got.col(t, c)], 64)
			if s := strconv.FormatFloat(gv, 'f', 2, 64); s != fmt.Sprintf("%.2f", mustFloat(t, w[want.col(t, c)])) {
				t.Errorf("customer %s: %s %s (%s to 2 decimals), want %s", w[0], c, g[got.col(t, c)], s, w[want.col(t, c)])
			}
		}
	}

	// Calibration and holdout: 1997-10-01 .. 1998-06-30 is 273 days = 39 weeks.
	hold := filepath.Join(tmp, "holdout.csv")
	clv(t, append(base, "--calibration-end", "1997-09-30", "--observation-end", "1998-06-30", "--out", hold)...).mustOK(t, "summarize --calibration-end")
	h := readCSV(t, readFile(t, hold))
	for _, c := range []string{"frequency_holdout", "monetary_value_holdout", "duration_holdout"} {
		h.col(t, c)
	}
	if len(h.rows) != len(want.rows) {
		t.Errorf("calibration summary has %d customers, want %d", len(h.rows), len(want.rows))
	}
	for _, row := range h.rows {
		if d := mustFloat(t, row[h.col(t, "duration_holdout")]); d != 39 {
			t.Fatalf("customer %s: duration_holdout %v, want 39", row[0], d)
		}
	}
}

// csvTable is a CSV file read into memory.
type csvTable struct {
	header []string
	rows   [][]string
}

func readCSV(t testing.TB, b []byte) csvTable {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	tb := csvTable{header: strings.Split(lines[0], ",")}
	for _, l := range lines[1:] {
		tb.rows = append(tb.rows, strings.Split(l, ","))
	}
	return tb
}

func (tb csvTable) col(t testing.TB, name string) int {
	t.Helper()
	for i, h := range tb.header {
		if h == name {
			return i
		}
	}
	t.Fatalf("no column %q in %v", name, tb.header)
	return -1
}

func mustFloat(t testing.TB, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
