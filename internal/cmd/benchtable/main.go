// Command benchtable runs the benchmarks behind issue 9's speed table and
// prints the table: for each row the clv figure, its baseline (measured in
// the same run, or lifetimes 0.11.3's figure from the issue where Python
// cannot be installed: the benchmark holds it as a constant), the ratio,
// the goal and whether it is met. `make bench` runs it from the
// repository root.
//
// Each package's benchmarks run in one `go test -v -run '^$' -bench ...
// -benchtime 1x` (the benchmarks interleave their own rounds with their
// baselines and keep the minima); the output streams to stderr and the
// table goes to stdout. A benchmark that does not exist (yet), is skipped
// or fails leaves its rows "not measured" with the reason, and the other
// rows are still printed. With -page it also runs web/bench/pageperf.mjs
// (headless Chromium against native; needs a clv binary with the page
// embedded, `make build`).
//
// Usage (from the repository root):
//
//	go run ./internal/cmd/benchtable                  # every row but the page's
//	go run ./internal/cmd/benchtable -page bin/clv    # and the page's
//	go run ./internal/cmd/benchtable -bench Pareto    # only rows whose benchmark matches
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"time"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(2)
	}
}

// config is what the flags say.
type config struct {
	page    string // the clv binary for pageperf.mjs, "" for no page rows
	filter  *regexp.Regexp
	timeout time.Duration
	list    bool
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("benchtable", flag.ContinueOnError)
	fs.SetOutput(stderr)
	page := fs.String("page", "", "also measure the page in headless Chromium (web/bench/pageperf.mjs) with this clv binary, built with the page (make build)")
	bench := fs.String("bench", "", "only the rows whose benchmark (or \"page\") matches this regular expression")
	timeout := fs.Duration("timeout", 60*time.Minute, "go test -timeout for each package")
	list := fs.Bool("list", false, "print the rows and their benchmarks, run nothing")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	cfg := config{page: *page, timeout: *timeout, list: *list}
	if *bench != "" {
		re, err := regexp.Compile(*bench)
		if err != nil {
			return fmt.Errorf("-bench: %w", err)
		}
		cfg.filter = re
	}
	rows := selectRows(issueRows, cfg.filter)
	if len(rows) == 0 {
		return fmt.Errorf("-bench %q matches no row", *bench)
	}
	if cfg.list {
		for _, r := range rows {
			fmt.Fprintf(stdout, "%-55s %s\n", strings.TrimSpace(r.Name), r.Source)
		}
		return nil
	}
	start := time.Now()
	outcomes, missing := measure(rows, cfg, stderr)
	cells := make([]Cell, len(rows))
	for i, r := range rows {
		var o *Outcome
		if v, ok := outcomes[r.Source]; ok {
			o = &v
		}
		cells[i] = Evaluate(r, o, missing[r.Source])
	}
	fmt.Fprintf(stdout, "\nIssue 9's table, measured %s (%s, %d CPUs, load average %s; %.0f s for the whole run)\n\n",
		start.UTC().Format(time.RFC3339), runtime.Version(), runtime.NumCPU(), loadAverage(), time.Since(start).Seconds())
	if err := WriteTable(stdout, cells); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "\nratio: lifetimes/clv is how many times faster clv is (higher is better; lifetimes' figures are issue 9's, as constants in the benchmarks: Python cannot be installed here); clv/csv and page/native are clv's time over the baseline's (lower is better). Each figure is the minimum of the benchmark's interleaved rounds; the page's are one fit each, with native run just after it (CPU time: the worker's thread time against native's, which a busy machine inflates less than wall time).")
	return nil
}

// selectRows keeps the rows whose source matches re (all with re nil).
func selectRows(rows []Row, re *regexp.Regexp) []Row {
	var out []Row
	for _, r := range rows {
		if re == nil || re.MatchString(r.Source) {
			out = append(out, r)
		}
	}
	return out
}

// measure runs every source the rows need, one go test per package in the
// rows' order, and the page if asked. It returns each source's outcome and,
// for a source without one, why.
func measure(rows []Row, cfg config, log io.Writer) (map[string]Outcome, map[string]string) {
	outcomes := map[string]Outcome{}
	missing := map[string]string{}
	var pkgs []string
	benches := map[string][]string{}
	pagewanted := false
	for _, r := range rows {
		if r.Source == "page" {
			pagewanted = true
			continue
		}
		pkg, name, _ := strings.Cut(r.Source, " ")
		if _, ok := benches[pkg]; !ok {
			pkgs = append(pkgs, pkg)
		}
		if !contains(benches[pkg], name) {
			benches[pkg] = append(benches[pkg], name)
		}
	}
	for _, pkg := range pkgs {
		got, err := goTestBench(pkg, benches[pkg], cfg.timeout, log)
		for _, name := range benches[pkg] {
			src := pkg + " " + name
			if o, ok := got[name]; ok {
				outcomes[src] = o
				continue
			}
			switch {
			case err != nil:
				missing[src] = fmt.Sprintf("go test %s: %v", pkg, err)
			default:
				missing[src] = fmt.Sprintf("%s has no %s (it printed no result)", pkg, name)
			}
		}
	}
	if pagewanted {
		switch o, err := pageBench(cfg.page, log); {
		case err != nil:
			missing["page"] = err.Error()
		default:
			outcomes["page"] = o
		}
	}
	return outcomes, missing
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// goTestBench runs the named benchmarks of pkg once each and parses the
// output, which it also copies to log as it comes.
func goTestBench(pkg string, names []string, timeout time.Duration, log io.Writer) (map[string]Outcome, error) {
	pattern := "^(" + strings.Join(names, "|") + ")$"
	args := []string{"test", "-v", "-run", "^$", "-bench", pattern, "-benchtime", "1x", "-count", "1", "-timeout", timeout.String(), pkg}
	fmt.Fprintf(log, "== go %s\n", strings.Join(args, " "))
	cmd := exec.Command("go", args...)
	var buf bytes.Buffer
	w := io.MultiWriter(&buf, log)
	cmd.Stdout, cmd.Stderr = w, w
	runErr := cmd.Run()
	got, err := ParseBenchOutput(&buf)
	if err != nil {
		return nil, err
	}
	if runErr != nil {
		return got, fmt.Errorf("%v: %s", runErr, lastLines(buf.String(), 3))
	}
	return got, nil
}

// lastLines returns the last n non-empty lines of s, joined by " / ".
func lastLines(s string, n int) string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" {
			lines = append(lines, strings.TrimSpace(l))
		}
	}
	return strings.Join(lines[max(0, len(lines)-n):], " / ")
}

// pageFigures is the part of pageperf.mjs's JSON (CLV_BENCH_OUT) the table
// uses: the first visit's fits, each with the native run just after it.
type pageFigures struct {
	Page []struct {
		FitMs           float64 `json:"fitMs"`
		NativeBesideMs  float64 `json:"nativeBesideMs"`
		Ratio           float64 `json:"ratio"`
		WorkerCPUMs     float64 `json:"workerCpuMs"`
		NativeCallCPUMs float64 `json:"nativeCallCpuMs"`
		CPURatio        float64 `json:"cpuRatio"`
		// NativeOneThreadMs is native on one thread (GOMAXPROCS=1), as
		// the page's worker has; RatioOneThread the page's time over it.
		NativeOneThreadMs float64 `json:"nativeOneThreadMs"`
		RatioOneThread    float64 `json:"ratioOneThread"`
	} `json:"page"`
}

// pageBench runs web/bench/pageperf.mjs with the clv binary clv and turns
// its first two fits into metrics: fitN-ms, nativeN-ms, ratioN, cpuN-ms,
// nativecpuN-ms, cpuratioN, native1tN-ms, ratio1tN for N = 1, 2.
func pageBench(clv string, log io.Writer) (Outcome, error) {
	if clv == "" {
		return Outcome{}, errors.New("run with -page bin/clv (make bench PAGE=1; needs Chromium, make deps)")
	}
	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		return Outcome{}, fmt.Errorf("no Chromium at %s (make deps installs it; or set CHROMIUM)", chromium)
	}
	abs, err := filepath.Abs(clv)
	if err != nil {
		return Outcome{}, err
	}
	tmp, err := os.MkdirTemp("", "benchtable-")
	if err != nil {
		return Outcome{}, err
	}
	defer os.RemoveAll(tmp)
	out := filepath.Join(tmp, "page.json")
	fmt.Fprintf(log, "== node bench/pageperf.mjs (in web/, CLV=%s)\n", abs)
	cmd := exec.Command("node", "bench/pageperf.mjs")
	cmd.Dir = "web"
	cmd.Env = append(os.Environ(), "CLV="+abs, "CLV_BENCH_OUT="+out)
	var buf bytes.Buffer
	w := io.MultiWriter(&buf, log)
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Run(); err != nil {
		return Outcome{Failed: true, Reason: fmt.Sprintf("pageperf.mjs: %v: %s", err, lastLines(buf.String(), 2))}, nil
	}
	b, err := os.ReadFile(out)
	if err != nil {
		return Outcome{}, err
	}
	var f pageFigures
	if err := json.Unmarshal(b, &f); err != nil {
		return Outcome{}, fmt.Errorf("pageperf.mjs's figures: %w", err)
	}
	if len(f.Page) < 2 {
		return Outcome{}, fmt.Errorf("pageperf.mjs measured %d fits in the page, want at least 2", len(f.Page))
	}
	m := map[string]float64{}
	for i, p := range f.Page[:2] {
		n := fmt.Sprint(i + 1)
		m["fit"+n+"-ms"], m["native"+n+"-ms"], m["ratio"+n] = p.FitMs, p.NativeBesideMs, p.Ratio
		m["cpu"+n+"-ms"], m["nativecpu"+n+"-ms"], m["cpuratio"+n] = p.WorkerCPUMs, p.NativeCallCPUMs, p.CPURatio
		if p.NativeOneThreadMs > 0 {
			m["native1t"+n+"-ms"], m["ratio1t"+n] = p.NativeOneThreadMs, p.RatioOneThread
		}
	}
	return Outcome{Metrics: m}, nil
}

// loadAverage is the 1-, 5- and 15-minute load average from /proc/loadavg,
// or "unknown".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
