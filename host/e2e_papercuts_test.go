package main

// End-to-end tests of the CLI papercuts of issue 15: every --help example
// runs, clv eval's names and percents, bare clv, the default ./clv.toml,
// clv fit's wording, the starter's built-in formula column, segments lint
// in the rules' own columns, the README's build and test commands, and
// clv validate rejecting what clv score rejects, with the same message.

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/core/score"
)

// helpExampleSkips are the --help examples TestHelpExamples does not run,
// each with the reason; every entry must still be an example (checked).
var helpExampleSkips = map[string]string{
	"clv serve":                    "starts a server that runs until stopped (e2e_serve_test.go runs clv serve)",
	"clv serve --addr :9000":       "starts a server that runs until stopped",
	"clv serve --addr 127.0.0.1:0": "starts a server that runs until stopped",
	"clv plugins list --config examples/plugins/clv.toml":                  "needs the example plugins built (make plugins; e2e_plugins_test.go)",
	"clv plugins inspect bin/plugins/contribution.wasm":                    "needs the example plugins built (make plugins)",
	"clv plugins inspect bin/plugins/contribution-grpc":                    "needs the example plugins built; prints the sha256 and exits 1 by design",
	"clv plugins inspect --trust-sha256 HEX bin/plugins/contribution-grpc": "needs the example plugins built and their real sha256 for HEX",
}

// helpExamples extracts the example command lines of a --help text: the
// lines of its Examples (or Example) section that start with "clv ",
// joined with their backslash continuations.
func helpExamples(help string) []string {
	var out []string
	in := false
	var cur string
	for _, line := range strings.Split(help, "\n") {
		t := strings.TrimSpace(line)
		switch {
		case t == "Examples:" || t == "Example:":
			in = true
			continue
		case in && t == "":
			in = false
		}
		if !in {
			continue
		}
		if cur != "" {
			cur += " " + t
		} else if strings.HasPrefix(t, "clv ") || t == "clv" {
			cur = t
		} else {
			continue
		}
		if strings.HasSuffix(cur, `\`) {
			cur = strings.TrimSpace(strings.TrimSuffix(cur, `\`))
			continue
		}
		out = append(out, cur)
		cur = ""
	}
	return out
}

// shellWords splits an example command line as a shell would, for the
// little the examples use: single and double quotes, a trailing "# comment"
// and "> FILE". It returns the words after "clv" and the file stdout goes to
// ("" for none).
func shellWords(t *testing.T, line string) (args []string, stdout string) {
	t.Helper()
	var words []string
	var w strings.Builder
	inWord, quote := false, byte(0)
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
			w.WriteByte(c)
		case c == '"' || c == '\'':
			quote, inWord = c, true
		case c == ' ' || c == '\t':
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		case c == '#' && !inWord:
			i = len(line) // a comment to the end of the line
		default:
			w.WriteByte(c)
			inWord = true
		}
	}
	if quote != 0 {
		t.Fatalf("example %q: unclosed quote", line)
	}
	if inWord {
		words = append(words, w.String())
	}
	if len(words) == 0 || words[0] != "clv" {
		t.Fatalf("example %q does not start with clv", line)
	}
	words = words[1:]
	if i := slices.Index(words, ">"); i >= 0 {
		if i != len(words)-2 {
			t.Fatalf("example %q: want > FILE at the end", line)
		}
		return words[:i], words[i+1]
	}
	return words, ""
}

// exampleFixtures fills dir with the files the --help examples name: the
// CDNOW demo as clv.toml with transactions.csv, orders.csv and
// new_orders.csv, the Online Retail slice as online_retail.csv, the raw
// CDNOW_sample.txt, a summary.csv, donations.csv
// and survival.csv, and run.manifest.json naming its files by absolute
// paths. init gets a folder with orders.csv only: its examples write
// clv.toml, and read orders.csv with --from.
func exampleFixtures(t *testing.T, cmd, dir string) {
	t.Helper()
	if cmd == "init" {
		writeFile(t, filepath.Join(dir, "orders.csv"), string(readFile(t, filepath.Join(repoRoot, "examples/cdnow/transactions.csv"))))
		return
	}
	if cmd == "groups" { // the channels example
		for _, f := range []string{"orders.csv", "cac.csv", "clv.toml"} {
			writeFile(t, filepath.Join(dir, f), string(readFile(t, filepath.Join(repoRoot, "examples/channels", f))))
		}
		return
	}
	copyCDNOW(t, dir)
	writeFile(t, filepath.Join(dir, "clv-holdout.toml"), string(readFile(t, filepath.Join(repoRoot, "examples/cdnow/clv-holdout.toml"))))
	tx := string(readFile(t, filepath.Join(dir, "transactions.csv")))
	writeFile(t, filepath.Join(dir, "orders.csv"), tx)
	writeFile(t, filepath.Join(dir, "new_orders.csv"), tx)
	writeFile(t, filepath.Join(dir, "online_retail.csv"), string(readFile(t, filepath.Join(repoRoot, "host/testdata/online_retail/invoices_slice.csv"))))
	testdata := filepath.Join(repoRoot, "core", "model", "testdata")
	for _, f := range [][2]string{{"CDNOW_sample.txt", "CDNOW_sample.txt"}, {"donations.csv", "donations.csv"}, {"sbg_survival.csv", "survival.csv"}} {
		writeFile(t, filepath.Join(dir, f[1]), string(readFile(t, filepath.Join(testdata, f[0]))))
	}
	in := invocation{dir: dir}
	in.args = []string{"summarize", "--input", "orders.csv", "--amount", "amount", "--unit", "week",
		"--observation-end", "1997-09-30", "--out", "summary.csv", "--quiet"}
	in.exec(t).mustOK(t, "summarize for the fixtures")
	in.args = []string{"score", "--config", "clv.toml", "--out", "run.csv", "--quiet"}
	in.exec(t).mustOK(t, "score for the fixtures")
	// run.manifest.json: the manifest with every path made absolute, as a
	// manifest written elsewhere names its files (verify --allow-outside).
	var m map[string]any
	if err := json.Unmarshal(readFile(t, filepath.Join(dir, "run.csv.manifest.json")), &m); err != nil {
		t.Fatal(err)
	}
	var abs func(v any)
	abs = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if s, ok := x.(string); ok && k == "path" && s != "-" {
					v[k] = filepath.Join(dir, s)
				} else {
					abs(x)
				}
			}
		case []any:
			for _, x := range v {
				abs(x)
			}
		}
	}
	abs(m)
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "run.manifest.json"), string(b))
}

// TestHelpExamples runs every example of every command's --help, in order,
// in a folder with the files they name: each must exit 0. The eval example
// with margin=100 (retention_a has no input margin) failed.
func TestHelpExamples(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range commands() {
		help := clv(t, c.name, "--help").mustOK(t, c.name+" --help").stdout
		examples := helpExamples(help)
		if c.name != "version" && len(examples) == 0 {
			t.Errorf("clv %s --help has no examples", c.name)
		}
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			exampleFixtures(t, c.name, dir)
			for _, ex := range examples {
				args, stdout := shellWords(t, ex)
				key := strings.Join(append([]string{"clv"}, args...), " ")
				seen[key] = true
				if why, ok := helpExampleSkips[key]; ok {
					t.Logf("skipped %q: %s", ex, why)
					continue
				}
				r := invocation{args: args, dir: dir}.exec(t)
				if r.code != 0 {
					t.Errorf("example %q: exit %d, want 0\nstderr:\n%s", ex, r.code, r.stderr)
					continue
				}
				if stdout != "" {
					writeFile(t, filepath.Join(dir, stdout), r.stdout)
					if r.stdout == "" {
						t.Errorf("example %q wrote nothing to %s", ex, stdout)
					}
				}
			}
		})
	}
	for k := range helpExampleSkips {
		if !seen[k] {
			t.Errorf("skip list entry %q is no --help example any more", k)
		}
	}
}

// TestHelpExamplesParse checks the extraction itself on a made-up help
// text: continuations joined, comments, quotes and redirection handled.
func TestHelpExamplesParse(t *testing.T) {
	help := "Usage: clv x\n\nExamples:\n  clv x --a 1 \\\n      --b 2\n  # a comment line\n  clv x \"a b\" c=1   # note\n  clv x --out - > o.csv\n\nFlags:\n  clv not an example\n"
	got := helpExamples(help)
	want := []string{"clv x --a 1 --b 2", `clv x "a b" c=1   # note`, "clv x --out - > o.csv"}
	if !slices.Equal(got, want) {
		t.Fatalf("helpExamples = %q, want %q", got, want)
	}
	for i, w := range []struct {
		args []string
		out  string
	}{{[]string{"x", "--a", "1", "--b", "2"}, ""}, {[]string{"x", "a b", "c=1"}, ""}, {[]string{"x", "--out", "-"}, "o.csv"}} {
		args, out := shellWords(t, got[i])
		if !slices.Equal(args, w.args) || out != w.out {
			t.Errorf("shellWords(%q) = %q, %q; want %q, %q", got[i], args, out, w.args, w.out)
		}
	}
}

// TestEvalPapercuts: mistyped formula names get did-you-mean instead of
// "expression uses ..."; percents with % are accepted for shares; a bare
// percent for a share is an error that says what the fraction is.
func TestEvalPapercuts(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		code   int
		stdout string // substring of stdout, when exit 0
		stderr []string
		not    string // must not be in stderr
	}{
		{[]string{"margin-clv", "aov=100"}, 1, "", []string{`unknown formula "margin-clv", did you mean margin_clv?`}, "expression uses"},
		{[]string{"margn_clv"}, 1, "", []string{`unknown formula "margn_clv", did you mean margin_clv?`}, "expression uses"},
		{[]string{"nosuchthing"}, 1, "", []string{`unknown formula "nosuchthing"`, "margin_clv"}, "expression uses"},
		// An expression still asks for the values it lacks.
		{[]string{"aov * frequency", "aov=100"}, 1, "", []string{`expression uses "frequency": give it as frequency=VALUE`}, ""},
		{[]string{"retention_a", "margin=100"}, 1, "", []string{`no input "margin" (did you mean margin_per_period?)`}, ""},
		// 30% is 0.30: 100 × 3 × 5 × 0.3 = 450.
		{[]string{"margin_clv", "aov=100", "frequency=3", "lifespan=5", "gross_margin=30%"}, 0, "= 450\n", nil, ""},
		// 80% retention: 100 × 0.8 ÷ (1 + 0.1 − 0.8) = 266.6667.
		{[]string{"retention_a", "margin_per_period=100", "retention=80%", "discount=0.1"}, 0, "= 266.6667\n", nil, ""},
		{[]string{"retention_a", "margin_per_period=100", "retention=80", "discount=0.1"}, 1, "", []string{`"retention" = 80`, "0.8 means 80 %"}, ""},
		{[]string{"margin_clv", "gross_margin=30"}, 1, "", []string{"0.3 means 30 %"}, ""},
		{[]string{"margin_clv", "aov=30%"}, 1, "", []string{"input aov", "not a share: give it without %"}, ""},
		{[]string{"margin_clv", "aov=abc"}, 1, "", []string{`input aov="abc": not a finite number`}, ""},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			r := clv(t, append([]string{"eval"}, tc.args...)...)
			if tc.code == 0 {
				r.mustOK(t, "eval")
				if !strings.HasSuffix(r.stdout, tc.stdout) {
					t.Errorf("stdout = %q, want it to end with %q", r.stdout, tc.stdout)
				}
				return
			}
			wantUserError(t, "eval", r, tc.stderr...)
			if tc.not != "" && strings.Contains(r.stderr, tc.not) {
				t.Errorf("stderr has %q:\n%s", tc.not, r.stderr)
			}
		})
	}
}

// TestNoCommand: bare clv printed the usage and exited 0; now the usage goes
// to stderr with exit 2. clv help still exits 0.
func TestNoCommand(t *testing.T) {
	r := clv(t)
	if r.code != 2 || !strings.Contains(r.stderr, "Usage:") || r.stdout != "" {
		t.Errorf("clv: exit %d, stdout %q, stderr %q; want 2 and the usage on stderr", r.code, r.stdout, r.stderr)
	}
	if r := clv(t, "help"); r.code != 0 || !strings.Contains(r.stdout, "Usage:") {
		t.Errorf("clv help: exit %d, stdout %q; want 0 and the usage", r.code, r.stdout)
	}
}

// TestDefaultConfig: clv score and clv validate without --config run
// ./clv.toml when it exists, and say --config is required when not.
func TestDefaultConfig(t *testing.T) {
	dir := t.TempDir()
	copyCDNOW(t, dir)
	invocation{args: []string{"score", "--out", "scores.csv", "--quiet"}, dir: dir}.exec(t).mustOK(t, "score without --config")
	if b := readFile(t, filepath.Join(dir, "scores.csv")); !strings.HasPrefix(string(b), "customer_id,") {
		t.Errorf("scores.csv starts %q", string(b[:min(len(b), 40)]))
	}
	r := invocation{args: []string{"validate"}, dir: dir}.exec(t).mustOK(t, "validate without --config")
	if !strings.HasPrefix(r.stdout, "clv.toml: ok") {
		t.Errorf("validate stdout = %q", r.stdout)
	}
	empty := t.TempDir()
	for _, cmd := range []string{"score", "validate"} {
		r := invocation{args: []string{cmd}, dir: empty}.exec(t)
		wantUserError(t, cmd+" in a folder without clv.toml", r, "--config is required", "clv init")
	}
}

// TestPrecisionHelp: --precision showed no default (its flag default, 0,
// is hidden); the help now says the real one.
func TestPrecisionHelp(t *testing.T) {
	help := clv(t, "score", "--help").mustOK(t, "score --help").stdout
	i := strings.Index(help, "--precision int\n")
	if i < 0 {
		t.Fatalf("no --precision in:\n%s", help)
	}
	line := strings.SplitN(help[i:], "\n", 3)[1]
	if want := fmt.Sprintf("%d when it has none", score.DefaultPrecision); !strings.Contains(line, want) {
		t.Errorf("--precision help %q lacks %q", line, want)
	}
}

// TestFitWording: "N customers in M rows" only where it says what a row
// is; no calibration period unless the summary has one; a transaction log
// is sent to clv summarize.
func TestFitWording(t *testing.T) {
	dir := t.TempDir()
	exampleFixtures(t, "fit", dir)
	in := invocation{dir: dir}
	in.args = []string{"summarize", "--input", "orders.csv", "--amount", "amount", "--unit", "week",
		"--calibration-end", "1997-09-30", "--observation-end", "1998-06-30", "--out", "holdout.csv", "--quiet"}
	in.exec(t).mustOK(t, "summarize --calibration-end")
	for _, tc := range []struct {
		args []string
		want []string
		not  []string
	}{
		// CDNOW: 2,357 customers in 1,016 distinct (x, t_x, T) rows.
		{[]string{"--model", "bgnbd", "--input", "summary.csv"},
			[]string{"model bgnbd: 2357 customers (1016 distinct (frequency, recency, T) patterns)", "repeat purchases, customers actual vs expected"},
			[]string{"calibration", "in 1016 rows"}},
		{[]string{"--model", "bgnbd", "--input", "holdout.csv"}, []string{"repeat purchases in the calibration period"}, nil},
		{[]string{"--model", "gammagamma", "--input", "summary.csv"}, []string{"946 customers with repeat purchases (of 2357)"}, []string{"rows"}},
		{[]string{"--model", "bgbb", "--input", "donations.csv"}, []string{"11104 customers in 22 rows, one per (frequency, recency, periods) pattern"}, nil},
		// Fader & Hardie (2007): a cohort of 1,000, years 0..12 (12 transitions).
		{[]string{"--model", "sbg", "--input", "survival.csv", "--alive", "regular_alive"}, []string{"a cohort of 1000 customers followed over 12 periods"}, []string{"rows"}},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			in.args = append([]string{"fit"}, tc.args...)
			r := in.exec(t).mustOK(t, "fit")
			for _, w := range tc.want {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, r.stdout)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(r.stdout, n) {
					t.Errorf("stdout has %q:\n%s", n, r.stdout)
				}
			}
		})
	}
	in.args = []string{"fit", "--model", "bgnbd", "--input", "orders.csv"}
	wantUserError(t, "fit on a transaction log", in.exec(t), "orders.csv looks like a transaction log", `a "date" column`, "run clv summarize first")
}

// TestStarterBuiltinFormula: the starter config shows a built-in formula
// column (builtin, inputs); uncommented and pointed at the demo data it
// scores, and its column is the formula of the columns it names.
func TestStarterBuiltinFormula(t *testing.T) {
	starter := clv(t, "init", "--out", "-").mustOK(t, "init --out -").stdout
	for _, k := range []string{`# builtin = "margin_clv"`, "# inputs = {"} {
		if !strings.Contains(starter, k) {
			t.Fatalf("the starter lacks %q", k)
		}
	}
	dir := t.TempDir()
	copyCDNOW(t, dir)
	var lines []string
	in := false
	for _, l := range strings.Split(starter, "\n") {
		if l == "# [[formulas]]" {
			in = true
		} else if in && !strings.HasPrefix(l, "# ") {
			in = false
		}
		if in {
			l = strings.TrimPrefix(l, "# ")
		}
		lines = append(lines, l)
	}
	cfg := strings.Join(lines, "\n")
	cfg = strings.Replace(cfg, `observation_end = "2024-12-31"`, `observation_end = "1997-09-30"`, 1)
	writeFile(t, filepath.Join(dir, "clv.toml"), cfg)
	invocation{args: []string{"validate"}, dir: dir}.exec(t).mustOK(t, "validate the starter with its formulas")
	r := invocation{args: []string{"score", "--out", "-", "--quiet"}, dir: dir}.exec(t).mustOK(t, "score the starter with its formulas")
	tb := readCSV(t, []byte(r.stdout))
	c, mv, ep := tb.col(t, "simple_clv"), tb.col(t, "monetary_value"), tb.col(t, "expected_purchases")
	for _, row := range tb.rows[:50] {
		// margin_clv = aov × frequency × lifespan × gross margin, with
		// lifespan = 1 and gross margin 0.30; the columns are rounded to 6
		// decimals, so compare within their rounding.
		want := mustFloat(t, row[mv]) * mustFloat(t, row[ep]) * 0.30
		if got := mustFloat(t, row[c]); math.Abs(got-want) > 1e-5*(1+math.Abs(want)) {
			t.Fatalf("customer %s: simple_clv %v, want %v", row[0], got, want)
		}
	}
}

// TestSegmentsLintColumns: rules over p_alive alone; the gap was "125 codes
// ... where p_alive == 0.3" (one region of it); now it is the whole gap in
// p_alive's terms.
func TestSegmentsLintColumns(t *testing.T) {
	dir := t.TempDir()
	cfg := copyCDNOW(t, dir)
	text := strings.Replace(string(readFile(t, cfg)), `map = "default"`, `map = "rules"

[[segmentation.rules]]
segment = "Active"
when = "p_alive > 0.5"

[[segmentation.rules]]
segment = "Lapsed"
when = "p_alive < 0.3"`, 1)
	writeFile(t, cfg, text)
	r := clv(t, "segments", "lint", "--config", cfg)
	wantUserError(t, "segments lint", r, "1 problem ")
	want := "gap: no rule matches customers where 0.3 <= p_alive <= 0.5, whatever their RFM code; they get the default label\n"
	if r.stdout != want {
		t.Errorf("stdout = %q, want %q", r.stdout, want)
	}
}

// TestReadmeCommands: the README's binary-only build command works as
// written (and names the binary clv), its test command is what .ci/run
// runs last, and that command installs the test dependencies first.
func TestReadmeCommands(t *testing.T) {
	readme := string(readFile(t, filepath.Join(repoRoot, "README.md")))
	build := regexp.MustCompile("(?m)^go build -o (bin/clv) \\./host").FindStringSubmatch(readme)
	if build == nil {
		t.Fatal("README has no line `go build -o bin/clv ./host`")
	}
	if !strings.Contains(readme, "`go install ./host` works too but names the binary after its folder,\n`host`") {
		t.Error("README does not say what go install names the binary")
	}
	out := filepath.Join(t.TempDir(), "bin", "clv")
	cmd := exec.Command("go", "build", "-o", out, "./host")
	cmd.Dir = repoRoot
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build -o bin/clv ./host: %v\n%s", err, b)
	}
	invocation{args: []string{"version"}, bin: out}.exec(t).mustOK(t, "the README-built clv")

	quick := regexp.MustCompile("(?m)^(make test)\\s+#").FindStringSubmatch(readme)
	if quick == nil {
		t.Fatal("README's quick start has no `make test`")
	}
	ci := strings.Split(strings.TrimSpace(string(readFile(t, filepath.Join(repoRoot, ".ci", "run")))), "\n")
	if last := ci[len(ci)-1]; last != quick[1] {
		t.Errorf(".ci/run ends with %q, want the README's test command %q", last, quick[1])
	}
	for _, l := range ci {
		if strings.Contains(l, "apt-get") || strings.Contains(l, "npm ci") {
			t.Errorf(".ci/run installs on its own (%q): the README's command must do it", l)
		}
	}
	mk := exec.Command("make", "-n", "test")
	mk.Dir = repoRoot
	b, err := mk.CombinedOutput()
	if err != nil {
		t.Fatalf("make -n test: %v\n%s", err, b)
	}
	plan := string(b)
	for _, w := range []string{"chromium", "qemu-user", "apt-get install", "sudo", "web/node_modules/.package-lock.json", "go test"} {
		if !strings.Contains(plan, w) {
			t.Errorf("make -n test lacks %q:\n%s", w, plan)
		}
	}
	if strings.Index(plan, "apt-get install") > strings.Index(plan, "go test") {
		t.Errorf("make test runs the tests before installing:\n%s", plan)
	}
}

// validateTests are configs (and data) clv score rejects before or while
// reading the first rows; clv validate must reject each with the same
// message. edit turns the demo config into the bad one; data, when set,
// edits transactions.csv.
var validateTests = []struct {
	name string
	edit func(string) string
	data func(string) string
	want string
}{
	{"calibration end after observation end",
		replace(`observation_end = "1997-09-30"`, "observation_end = \"1997-09-30\"\ncalibration_end = \"1997-12-31\""),
		nil, "time.calibration_end: 1997-12-31 is after time.observation_end 1997-09-30"},
	{"formula named like an output column", replace(`name = "contribution"`, `name = "clv"`), nil, `column "clv" is a built-in column`},
	{"formula name twice", replace(`name = "total_value"`, `name = "contribution"`), nil, `"contribution" is used twice`},
	{"formula reads a later column", replace(`expr = "clv - 0.3 * 2.5 * expected_purchases"`, `expr = "total_value * 2"`), nil, `reads "total_value"`},
	{"input format", replace(`date_format = "YYYY-MM-DD"`, "date_format = \"YYYY-MM-DD\"\nformat = \"xlsx\""), nil, `input.format: "xlsx" is not one of`},
	{"output format from the name", replace(`path = "scores.csv"`, `path = "scores.txt"`), nil, "cannot tell the table format"},
	{"returns rule", replace(`date_format = "YYYY-MM-DD"`, "date_format = \"YYYY-MM-DD\"\nreturns = \"refund\""), nil, `unknown returns rule "refund"`},
	{"plugin name twice", func(s string) string {
		return s + "\n[[plugins]]\nname = \"p\"\nkind = \"formula\"\ntransport = \"wasm\"\npath = \"p.wasm\"\n\n[[plugins]]\nname = \"p\"\nkind = \"formula\"\ntransport = \"wasm\"\npath = \"q.wasm\"\n"
	}, nil, `plugins[1].name: "p" is used twice`},
	{"tier column", replace(`column = "clv"`, `column = "value"`), nil, `tiers.column "value" is not a column`},
	{"missing column", replace(`amount = "amount"`, `amount = "price"`), nil, `"price"`},
	{"date format", replace(`date_format = "YYYY-MM-DD"`, `date_format = "YYYYMMDD"`), nil, `line 2 (customer "0001"): field "date"`},
	{"bad date in the first rows", nil, replaceLine(40, "0012,1997-13-01,1,10.00"), `line 40 (customer "0012"): field "date"`},
	{"bad amount in the first rows", nil, replaceLine(41, "0012,1997-03-01,1,ten"), `line 41 (customer "0012"): field "amount"`},
	{"empty customer id in the first rows", nil, replaceLine(42, ",1997-03-01,1,10.00"), "line 42"},
}

// TestValidateRejectsWhatScoreRejects: for each reason clv score rejects a
// config or the first rows of its data, clv validate rejects it too, with
// the same message. Before, validate said ok to a calibration end after the
// observation end and to data rows score could not read.
func TestValidateRejectsWhatScoreRejects(t *testing.T) {
	for _, tc := range validateTests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			cfg := copyCDNOW(t, dir)
			if tc.edit != nil {
				writeFile(t, cfg, tc.edit(string(readFile(t, cfg))))
			}
			if tc.data != nil {
				data := filepath.Join(dir, "transactions.csv")
				writeFile(t, data, tc.data(string(readFile(t, data))))
			}
			out := filepath.Join(dir, "out.csv")
			s := clv(t, "score", "--config", cfg, "--quiet")
			wantUserError(t, "score", s, tc.want)
			v := clv(t, "validate", "--config", cfg)
			wantUserError(t, "validate", v, tc.want)
			sm, vm := strings.TrimPrefix(s.stderr, "clv score: "), strings.TrimPrefix(v.stderr, "clv validate: ")
			if sm != vm {
				t.Errorf("messages differ:\n  score:    %s  validate: %s", sm, vm)
			}
			if _, err := os.Stat(out); err == nil {
				t.Error("an output file was written")
			}
		})
	}
}

// TestValidateRows: --rows sets how many data rows validate reads; a bad
// row after them is score's to find.
func TestValidateRows(t *testing.T) {
	dir := t.TempDir()
	cfg := copyCDNOW(t, dir)
	data := filepath.Join(dir, "transactions.csv")
	writeFile(t, data, replaceLine(1500, "0500,1997-13-01,2,29.33")(string(readFile(t, data))))
	r := clv(t, "validate", "--config", cfg).mustOK(t, "validate reads 1000 rows by default")
	if !strings.Contains(r.stdout, "1000 rows checked") {
		t.Errorf("stdout = %q, want 1000 rows checked", r.stdout)
	}
	wantUserError(t, "validate --rows 2000", clv(t, "validate", "--config", cfg, "--rows", "2000"), `line 1500 (customer "0500"): field "date"`)
	wantUserError(t, "validate --rows 0", clv(t, "validate", "--config", cfg, "--rows", "0"), `line 1500 (customer "0500"): field "date"`)
	wantUserError(t, "validate --rows -1", clv(t, "validate", "--config", cfg, "--rows", "-1"), "--rows -1")
	// A quoted field with a line break counts as one row.
	writeFile(t, data, "customer_id,date,cds,amount\n\"00\n01\",1997-01-01,1,10\n0002,1997-01-02,1,20\n0003,1997-13-02,1,20\n")
	r = clv(t, "validate", "--config", cfg, "--rows", "2").mustOK(t, "validate --rows 2 with a quoted line break")
	if !strings.Contains(r.stdout, "2 rows checked") {
		t.Errorf("stdout = %q, want 2 rows checked", r.stdout)
	}
}
