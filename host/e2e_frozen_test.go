package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/core/model"
	"github.com/clvkit/clvkit/core/modelfile"
	"github.com/clvkit/clvkit/core/score"
)

// setConfigKey replaces the line `key = ...` of a config text (the first one),
// or fails the test.
func setConfigKey(t *testing.T, text, key, value string) string {
	t.Helper()
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, key+" = ") || strings.HasPrefix(l, key+"=") {
			lines[i] = key + " = " + value
			return strings.Join(lines, "\n")
		}
	}
	t.Fatalf("no line %s = in the config", key)
	return ""
}

// rewriteConfig rewrites the config file at path with edit.
func rewriteConfig(t *testing.T, path string, edit func(string) string) {
	t.Helper()
	writeFile(t, path, edit(string(readFile(t, path))))
}

// TestFrozenRoundTrip is fit once, score many: clv fit --config --out
// --spend-out, then clv score with those files, gives the same bytes as
// clv score refitting, for each continuous-time purchase model with
// Gamma-Gamma; the config keys model.load and model.load_spend do the
// same as the flags; and clv verify accepts the run.
func TestFrozenRoundTrip(t *testing.T) {
	for _, purchase := range []string{"bgnbd", "paretonbd", "mbgnbd"} {
		t.Run(purchase, func(t *testing.T) {
			tmp := t.TempDir()
			cfg := copyCDNOW(t, tmp)
			rewriteConfig(t, cfg, func(s string) string { return setConfigKey(t, s, "purchase", `"`+purchase+`"`) })
			r := clv(t, "fit", "--config", cfg, "--out", filepath.Join(tmp, "p.json"), "--spend-out", filepath.Join(tmp, "g.json")).mustOK(t, "fit --out")
			if !strings.Contains(r.stdout, "model "+purchase+": 2357 customers") || !strings.Contains(r.stdout, "model gammagamma: 946 customers") {
				t.Errorf("fit report:\n%s", r.stdout)
			}
			refit := filepath.Join(tmp, "refit.csv")
			clv(t, "score", "--config", cfg, "--out", refit, "--quiet").mustOK(t, "score, refitting")
			frozen := filepath.Join(tmp, "frozen.csv")
			r = clv(t, "score", "--config", cfg, "--out", frozen, "--model-file", filepath.Join(tmp, "p.json"), "--spend-model-file", filepath.Join(tmp, "g.json"))
			r.mustOK(t, "score --model-file")
			if !strings.Contains(r.stderr, "not refitted") {
				t.Errorf("the report does not say the models were loaded:\n%s", r.stderr)
			}
			if !bytes.Equal(readFile(t, refit), readFile(t, frozen)) {
				t.Fatalf("scores with the frozen %s model differ from the refitted run's", purchase)
			}
			// The file holds what the fit found, exactly.
			var file struct {
				Model  string `json:"model"`
				Params []struct {
					Name  string  `json:"name"`
					Value float64 `json:"value"`
				} `json:"params"`
				Data struct {
					Customers      float64 `json:"customers"`
					Unit           string  `json:"unit"`
					Grain          string  `json:"grain"`
					ObservationEnd string  `json:"observation_end"`
				} `json:"data"`
				Version string `json:"clvkit_version"`
			}
			if err := json.Unmarshal(readFile(t, filepath.Join(tmp, "p.json")), &file); err != nil {
				t.Fatal(err)
			}
			var man manifest
			if err := json.Unmarshal(readFile(t, refit+".manifest.json"), &man); err != nil {
				t.Fatal(err)
			}
			if file.Model != purchase || file.Data.Customers != 2357 || file.Data.Unit != "weeks" || file.Data.Grain != "day" ||
				file.Data.ObservationEnd != "1997-09-30" || file.Version != "e2e-test" {
				t.Errorf("model file: %+v", file)
			}
			for _, p := range file.Params {
				if p.Value != man.Models[purchase][p.Name] {
					t.Errorf("%s = %v in the model file, %v in the refitted run's manifest", p.Name, p.Value, man.Models[purchase][p.Name])
				}
			}
			clv(t, "verify", frozen+".manifest.json").mustOK(t, "verify the frozen run")

			// The same through the config, paths relative to its folder.
			rewriteConfig(t, cfg, func(s string) string {
				return strings.Replace(s, "[model]\n", "[model]\nload = \"p.json\"\nload_spend = \"g.json\"\n", 1)
			})
			viaConfig := filepath.Join(tmp, "config.csv")
			clv(t, "score", "--config", cfg, "--out", viaConfig, "--quiet").mustOK(t, "score with model.load")
			if !bytes.Equal(readFile(t, refit), readFile(t, viaConfig)) {
				t.Fatal("scores with model.load differ from the refitted run's")
			}
			clv(t, "verify", viaConfig+".manifest.json").mustOK(t, "verify the model.load run")
		})
	}
}

// TestFrozenSummaryInput: a model fitted to a per-customer summary with
// clv fit --input --out --unit scores a summary-input config as a refit
// does, byte for byte.
func TestFrozenSummaryInput(t *testing.T) {
	tmp := t.TempDir()
	copyCDNOW(t, tmp)
	sum := filepath.Join(tmp, "summary.csv")
	clv(t, "summarize", "--input", filepath.Join(tmp, "transactions.csv"), "--amount", "amount", "--unit", "week",
		"--observation-end", "1997-09-30", "--out", sum).mustOK(t, "summarize")
	cfg := filepath.Join(tmp, "summary.toml")
	writeFile(t, cfg, "[input]\npath = \"summary.csv\"\nkind = \"summary\"\n[time]\nunit = \"week\"\n[model]\npurchase = \"paretonbd\"\n")
	clv(t, "fit", "--model", "paretonbd", "--input", sum, "--unit", "week", "--out", filepath.Join(tmp, "p.json")).mustOK(t, "fit paretonbd --out")
	clv(t, "fit", "--model", "gammagamma", "--input", sum, "--unit", "week", "--out", filepath.Join(tmp, "g.json")).mustOK(t, "fit gammagamma --out")
	refit := clv(t, "score", "--config", cfg, "--out", "-", "--quiet").mustOK(t, "score, refitting")
	frozen := clv(t, "score", "--config", cfg, "--out", "-", "--quiet", "--model-file", filepath.Join(tmp, "p.json"),
		"--spend-model-file", filepath.Join(tmp, "g.json")).mustOK(t, "score --model-file")
	if refit.stdout != frozen.stdout || len(refit.stdout) < 1000 {
		t.Fatal("scores with the frozen models differ from the refitted run's")
	}
	// Without --unit the file could not say its unit.
	r := clv(t, "fit", "--model", "bgnbd", "--input", sum, "--out", filepath.Join(tmp, "x.json"))
	if r.code != 1 || !strings.Contains(r.stderr, "--out needs --unit") {
		t.Errorf("fit --out without --unit: exit %d, stderr %q", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(tmp, "x.json")); err == nil {
		t.Error("fit --out without --unit wrote a file")
	}
}

// frozenErrorTests are scoring runs with a model file that cannot be used:
// each must exit 1 with a message naming the file and saying why, and
// write nothing.
var frozenErrorTests = []struct {
	name   string
	config func(t *testing.T, s string) string // edits clv.toml
	file   func(s string) string               // edits p.json ("" for none)
	flag   string                              // --model-file or --spend-model-file
	spend  bool                                // give g.json instead of p.json
	want   []string
}{
	{name: "unit mismatch", config: func(t *testing.T, s string) string { return setConfigKey(t, s, "unit", `"day"`) },
		flag: "--model-file", want: []string{"p.json", "time unit weeks (7 days)", "time unit is days (1 day)"}},
	{name: "unit mismatch in Nd", config: func(t *testing.T, s string) string { return setConfigKey(t, s, "unit", `"14d"`) },
		flag: "--model-file", want: []string{"p.json", "time unit weeks (7 days)", "time unit is 14d (14 days)"}},
	{name: "grain mismatch", config: func(t *testing.T, s string) string { return setConfigKey(t, s, "grain", `"week"`) },
		flag: "--model-file", want: []string{"p.json", "time grain day but this run's grain is week"}},
	{name: "spend grain mismatch", config: func(t *testing.T, s string) string { return setConfigKey(t, s, "grain", `"month"`) },
		flag: "--spend-model-file", spend: true, want: []string{"g.json", "time grain day but this run's grain is month"}},
	{name: "spend model as purchase model", flag: "--model-file", spend: true,
		want: []string{"g.json", "holds the gammagamma spend model", "--spend-model-file"}},
	{name: "purchase model as spend model", flag: "--spend-model-file",
		want: []string{"p.json", "holds the bgnbd purchase model", "--model-file"}},
	{name: "corrupt JSON", flag: "--model-file", file: func(s string) string { return s[:len(s)/2] },
		want: []string{"p.json", "not a clvkit model file"}},
	{name: "not a model file", flag: "--model-file", file: func(string) string { return `{"format": "something", "format_version": 1}` },
		want: []string{"p.json", `format is "something"`}},
	{name: "newer version", flag: "--model-file", file: replace(`"format_version": 1`, `"format_version": 2`),
		want: []string{"p.json", "format_version 2"}},
	{name: "other model kind", flag: "--model-file", file: replace(`"model": "bgnbd"`, `"model": "pareto"`),
		want: []string{"p.json", `model "pareto"`}},
	{name: "infinite parameter", flag: "--model-file", file: replaceFirstValue("1e999"),
		want: []string{"p.json", "not a clvkit model file"}},
	{name: "NaN parameter", flag: "--model-file", file: replaceFirstValue(`"NaN"`),
		want: []string{"p.json", "not a clvkit model file"}},
	{name: "negative parameter", flag: "--model-file", file: replaceFirstValue("-0.25"),
		want: []string{"p.json", "parameter r = -0.25: want a positive finite number"}},
	{name: "missing file", flag: "--model-file", file: func(string) string { return "\x00delete" },
		want: []string{"p.json", "no such file"}},
	{name: "load_spend without the spend model", flag: "--spend-model-file", spend: true,
		config: func(t *testing.T, s string) string { return setConfigKey(t, s, "spend", `"none"`) },
		want:   []string{"model.load_spend", `needs model.spend = "gammagamma"`}},
}

// replaceFirstValue sets the first parameter's value in a model file.
func replaceFirstValue(v string) func(string) string {
	return func(s string) string {
		i := strings.Index(s, `"value": `) + len(`"value": `)
		j := i + strings.IndexByte(s[i:], ',')
		return s[:i] + v + s[j:]
	}
}

func TestFrozenErrors(t *testing.T) {
	tmp := t.TempDir()
	cfg := copyCDNOW(t, tmp)
	p, g := filepath.Join(tmp, "p.json"), filepath.Join(tmp, "g.json")
	clv(t, "fit", "--config", cfg, "--out", p, "--spend-out", g).mustOK(t, "fit --out")
	good := map[string]string{p: string(readFile(t, p)), g: string(readFile(t, g))}
	orig := string(readFile(t, cfg))
	for _, tt := range frozenErrorTests {
		t.Run(tt.name, func(t *testing.T) {
			text := orig
			if tt.config != nil {
				text = tt.config(t, text)
			}
			writeFile(t, cfg, text)
			file := p
			if tt.spend {
				file = g
			}
			for f, s := range good {
				writeFile(t, f, s)
			}
			if tt.file != nil {
				edited := tt.file(good[file])
				if edited == good[file] {
					t.Fatal("the edit changed nothing")
				}
				if edited == "\x00delete" {
					os.Remove(file)
				} else {
					writeFile(t, file, edited)
				}
			}
			out := filepath.Join(tmp, tt.name+".csv")
			r := clv(t, "score", "--config", cfg, "--out", out, tt.flag, file)
			if r.code != 1 {
				t.Fatalf("exit code %d, want 1\nstderr: %s", r.code, r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
			if strings.Contains(r.stderr, "panic") || strings.Contains(r.stderr, "goroutine") {
				t.Errorf("stderr has a stack trace:\n%s", r.stderr)
			}
			if _, err := os.Stat(out); err == nil {
				t.Error("the failed run wrote its output")
			}
		})
	}
}

// TestFrozenVerify: a changed model file fails clv verify, naming the
// file; the unchanged run verifies.
func TestFrozenVerify(t *testing.T) {
	tmp := t.TempDir()
	cfg := copyCDNOW(t, tmp)
	p, g := filepath.Join(tmp, "p.json"), filepath.Join(tmp, "g.json")
	clv(t, "fit", "--config", cfg, "--out", p, "--spend-out", g).mustOK(t, "fit --out")
	out := filepath.Join(tmp, "scores.csv")
	clv(t, "score", "--config", cfg, "--out", out, "--model-file", p, "--spend-model-file", g, "--quiet").mustOK(t, "score")
	man := out + ".manifest.json"
	var m manifest
	if err := json.Unmarshal(readFile(t, man), &m); err != nil {
		t.Fatal(err)
	}
	if len(m.ModelFiles) != 2 || m.ModelFiles[0].Name != "purchase" || m.ModelFiles[0].Path != "p.json" ||
		m.ModelFiles[1].Name != "spend" || m.ModelFiles[1].Path != "g.json" || m.ModelFiles[0].SHA256 != sha256Hex(readFile(t, p)) {
		t.Fatalf("manifest model_files = %+v", m.ModelFiles)
	}
	clv(t, "verify", man).mustOK(t, "verify")
	for _, tt := range []struct {
		file, field, what string
	}{
		{p, "model_files[0].sha256", "purchase model file p.json changed since the run"},
		{g, "model_files[1].sha256", "spend model file g.json changed since the run"},
	} {
		orig := readFile(t, tt.file)
		// Another value of the same model: the scores would change.
		writeFile(t, tt.file, replaceFirstValue("0.5")(string(orig)))
		r := clv(t, "verify", man)
		if r.code != 1 || !strings.Contains(r.stderr, tt.field+": "+tt.what) {
			t.Errorf("verify after editing %s: exit %d, stderr:\n%s", filepath.Base(tt.file), r.code, r.stderr)
		}
		writeFile(t, tt.file, string(orig))
	}
	clv(t, "verify", man).mustOK(t, "verify with the files restored")
	// A run that fitted its models has no model_files in its manifest.
	plain := filepath.Join(tmp, "plain.csv")
	clv(t, "score", "--config", cfg, "--out", plain, "--quiet").mustOK(t, "score")
	if bytes.Contains(readFile(t, plain+".manifest.json"), []byte("model_files")) {
		t.Error("a refitting run's manifest names model files")
	}
}

// TestFrozenOutputSafety: a model file is an input of clv score and an
// output of clv fit, with the same rules as other files.
func TestFrozenOutputSafety(t *testing.T) {
	tmp := t.TempDir()
	cfg := copyCDNOW(t, tmp)
	p := filepath.Join(tmp, "p.json")
	clv(t, "fit", "--config", cfg, "--out", p).mustOK(t, "fit --out")
	before := readFile(t, p)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"score", "--config", cfg, "--model-file", p, "--out", p, "--out-format", "csv"}, "--model-file"},
		{[]string{"fit", "--config", cfg, "--out", cfg}, "--config"},
		{[]string{"fit", "--config", cfg, "--out", filepath.Join(tmp, "transactions.csv")}, "input.path"},
		{[]string{"fit", "--config", cfg, "--out", p, "--spend-out", p}, "--spend-out"},
		{[]string{"fit", "--model", "bgnbd", "--input", filepath.Join(tmp, "transactions.csv"), "--unit", "week", "--out", filepath.Join(tmp, "transactions.csv")}, "--input"},
		{[]string{"fit", "--config", cfg, "--out", "-"}, "give a file name"},
		{[]string{"fit", "--config", cfg, "--model", "bgnbd"}, "--model is for fitting a summary file"},
		{[]string{"fit", "--model", "bgnbd", "--input", filepath.Join(tmp, "transactions.csv"), "--spend-out", p}, "--spend-out goes with --config"},
		{[]string{"fit", "--model", "sbg", "--input", filepath.Join(tmp, "transactions.csv"), "--unit", "week", "--out", filepath.Join(tmp, "s.json")}, "sbg is a retention model"},
	} {
		r := clv(t, tt.args...)
		if r.code != 1 || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("clv %s: exit %d, want 1 with %q; stderr:\n%s", strings.Join(tt.args[:2], " "), r.code, tt.want, r.stderr)
		}
	}
	if !bytes.Equal(readFile(t, p), before) {
		t.Error("a refused run changed the model file")
	}
	if b, err := os.ReadFile(filepath.Join(tmp, "transactions.csv")); err != nil || !bytes.HasPrefix(b, []byte("customer_id")) {
		t.Error("a refused run changed the input")
	}
}

// TestPurchaseHorizonCLI: model.purchase_horizon in each unit adds one
// column, right after expected_purchases, equal to the core's conditional
// expected purchases over the span in weeks under the fitted parameters;
// every other column is as without the key.
func TestPurchaseHorizonCLI(t *testing.T) {
	tmp := t.TempDir()
	cfg := copyCDNOW(t, tmp)
	orig := string(readFile(t, cfg))
	p := filepath.Join(tmp, "p.json")
	clv(t, "fit", "--config", cfg, "--out", p).mustOK(t, "fit --out")
	f, err := modelfile.Unmarshal(readFile(t, p))
	if err != nil {
		t.Fatal(err)
	}
	m, err := f.PurchaseModel()
	if err != nil {
		t.Fatal(err)
	}
	plain := readCSV(t, []byte(clv(t, "score", "--config", cfg, "--out", "-", "--quiet").mustOK(t, "score").stdout))
	for _, tt := range []struct {
		span, column string
		weeks        float64
	}{
		{"39 week", "expected_purchases_39_week", 39},
		{"90 day", "expected_purchases_90_day", 90.0 / 7},
		{"6 month", "expected_purchases_6_month", 6 * model.DaysPerMonth / 7},
		{"2 14d", "expected_purchases_2_14d", 4},
	} {
		writeFile(t, cfg, strings.Replace(orig, "[model]\n", "[model]\npurchase_horizon = \""+tt.span+"\"\n", 1))
		got := readCSV(t, []byte(clv(t, "score", "--config", cfg, "--out", "-", "--quiet").mustOK(t, "score "+tt.span).stdout))
		k := got.col(t, tt.column)
		if got.header[k-1] != "expected_purchases" || len(got.header) != len(plain.header)+1 {
			t.Fatalf("%s: header %v", tt.span, got.header)
		}
		x, tx, age := got.col(t, "frequency"), got.col(t, "recency"), got.col(t, "T")
		for i, row := range got.rows {
			// recency and T are written with 6 decimals: the expectation
			// from them is within 1e-6 of the one from the exact values.
			want := m.ConditionalExpectedPurchases(tt.weeks, mustFloat(t, row[x]), mustFloat(t, row[tx]), mustFloat(t, row[age]))
			if v := mustFloat(t, row[k]); math.Abs(v-want) > 2e-6 {
				t.Fatalf("%s: customer %s: %v, want %v", tt.span, row[0], v, want)
			}
			rest := append(append([]string{}, row[:k]...), row[k+1:]...)
			if strings.Join(rest, ",") != strings.Join(plain.rows[i], ",") {
				t.Fatalf("%s: customer %s: other columns changed", tt.span, row[0])
			}
		}
	}
	for _, bad := range []string{"39", "39 fortnight", "-3 week", ""} {
		writeFile(t, cfg, strings.Replace(orig, "[model]\n", "[model]\npurchase_horizon = \""+bad+"\"\n", 1))
		r := clv(t, "score", "--config", cfg, "--out", "-", "--quiet")
		if r.code != 1 || !strings.Contains(r.stderr, "model.purchase_horizon") || !strings.Contains(r.stderr, "clv.toml:") {
			t.Errorf("purchase_horizon = %q: exit %d, stderr %q", bad, r.code, r.stderr)
		}
	}
}

// TestExplainCLI: output.explain = true adds a last column whose sentence
// for every customer is score.Explain of that customer's numbers; the
// CSV stays readable by encoding/csv, and one worked example from CDNOW is
// pinned.
func TestExplainCLI(t *testing.T) {
	tmp := t.TempDir()
	cfg := copyCDNOW(t, tmp)
	orig := string(readFile(t, cfg))
	// 17 decimals, so that the sentences rebuilt below from the written
	// numbers round as those from the exact ones.
	plain := clv(t, "score", "--config", cfg, "--out", "-", "--quiet", "--precision", "17").mustOK(t, "score").stdout
	writeFile(t, cfg, orig+"explain = true\n")
	out := clv(t, "score", "--config", cfg, "--out", "-", "--quiet", "--precision", "17").mustOK(t, "score with explain").stdout
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header := recs[0]
	if header[len(header)-1] != "explanation" {
		t.Fatalf("last column %q", header[len(header)-1])
	}
	// Without the explanation, the file is the plain one.
	var b strings.Builder
	for _, r := range recs {
		b.WriteString(strings.Join(r[:len(r)-1], ",") + "\n")
	}
	if b.String() != plain {
		t.Fatal("explain = true changed the other columns")
	}
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	byID := map[string]string{}
	for _, r := range recs[1:] {
		byID[r[0]] = r[len(r)-1]
	}
	// Worked examples from the scored file's rows:
	//   0509: frequency 18, recency 35.142857, T 35.857143, p_alive 0.946453,
	//         expected_purchases 16.057320, clv 356.836370: 19 purchase
	//         periods, the last 0.714 weeks before the end.
	//   0002: frequency 1, recency 1.714286, T 38.857143, p_alive 0.212391,
	//         expected_purchases 0.260872, clv 1.410106.
	for id, want := range map[string]string{
		"0509": "bought 19 times in 36 weeks, last 0.7 weeks ago: very likely still active (P 0.95); expected 16.1 purchases in 12 months worth 357",
		"0002": "bought 2 times in 39 weeks, last 37 weeks ago: likely lapsed (P 0.21); expected 0.3 purchases in 12 months worth 1.41",
	} {
		if got := byID[id]; got != want {
			t.Errorf("customer %s: %q, want %q", id, got, want)
		}
	}
	// Every sentence is Explain of its row, to the written precision.
	for _, r := range recs[1:] {
		f := func(name string) float64 { return mustFloat(t, r[col[name]]) }
		want := score.Explain(score.ExplainInput{Frequency: f("frequency"), Recency: f("recency"), T: f("T"), DaysPerUnit: 7,
			PAlive: f("p_alive"), ExpectedPurchases: f("expected_purchases"), HorizonMonths: 12, CLV: f("clv"), HasCLV: true, OneTimeActive: true})
		if r[len(r)-1] != want {
			t.Errorf("customer %s: %q, want %q", r[0], r[len(r)-1], want)
		}
	}
}
