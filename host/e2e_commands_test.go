package main

import (
	"encoding/json"
	"io/fs"
	"math"
	"path/filepath"
	"strings"
	"testing"
)

// fitTests run clv fit --json on the published data sets and compare with
// the papers' estimates.
var fitTests = []struct {
	name string
	args []string // after fit --json; {summary} is the CDNOW summary written by clv summarize
	// params and tol: the expected estimates and the absolute tolerance.
	params map[string]float64
	tol    float64
	ll     float64 // expected log-likelihood (0: not checked)
	rows   int
}{
	{
		// lifetimes' BetaGeoFitter on this summary: r 0.2426, alpha 4.4136,
		// a 0.7929, b 2.4259; FHL 2005 p. 281 reports 0.243, 4.414, 0.793,
		// 2.426 and LL −9582.4.
		name:   "bgnbd on the CDNOW summary",
		args:   []string{"--model", "bgnbd", "--input", "{summary}"},
		params: map[string]float64{"r": 0.2426, "alpha": 4.4136, "a": 0.7929, "b": 2.4259},
		tol:    1e-4,
		ll:     -9582.43,
		rows:   2357,
	},
	{
		// Fader, Hardie & Shang (2010), table 2: alpha 1.204, beta 0.750,
		// gamma 0.657, delta 2.783, LL −33225.6 (donations 1995 cohort).
		name:   "bgbb on the donations",
		args:   []string{"--model", "bgbb", "--input", "../core/model/testdata/donations.csv", "--weights", "weights", "--periods", "periods"},
		params: map[string]float64{"alpha": 1.204, "beta": 0.750, "gamma": 0.657, "delta": 2.783},
		tol:    1e-3,
		ll:     -33225.6,
	},
	{
		// Fader & Hardie (2007), "How to project customer retention",
		// regular customers, years 0-7: alpha 0.704, beta 1.182.
		name:   "sbg on the regular customers",
		args:   []string{"--model", "sbg", "--input", "../core/model/testdata/sbg_survival.csv", "--alive", "regular_alive", "--calibration-periods", "7"},
		params: map[string]float64{"alpha": 0.704, "beta": 1.182},
		tol:    1e-3,
	},
}

func TestFit(t *testing.T) {
	tmp := t.TempDir()
	summary := filepath.Join(tmp, "summary.csv")
	clv(t, "summarize", "--input", "core/model/testdata/CDNOW_sample.txt", "--delimiter", "whitespace", "--no-header",
		"--customer", "2", "--date", "3", "--amount", "5", "--date-format", "YYYYMMDD",
		"--unit", "week", "--observation-end", "1997-09-30", "--out", summary, "--quiet").mustOK(t, "summarize")
	for _, tt := range fitTests {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"fit", "--json"}
			for _, a := range tt.args {
				a = strings.ReplaceAll(a, "{summary}", summary)
				if strings.HasPrefix(a, "../") {
					a = filepath.Join(repoRoot, a[3:])
				}
				args = append(args, a)
			}
			r := clv(t, args...).mustOK(t, strings.Join(args, " "))
			var rep map[string]any
			if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
				t.Fatalf("stdout is not one JSON object: %v\n%s", err, r.stdout)
			}
			for _, k := range []string{"model", "params", "std_errors", "log_likelihood", "n_rows", "n_customers", "converged"} {
				if _, ok := rep[k]; !ok {
					t.Errorf("JSON lacks key %q", k)
				}
			}
			if rep["converged"] != true {
				t.Errorf("converged = %v", rep["converged"])
			}
			params, _ := rep["params"].(map[string]any)
			ses, _ := rep["std_errors"].(map[string]any)
			if len(params) != len(tt.params) {
				t.Errorf("params %v, want the keys of %v", params, tt.params)
			}
			for k, want := range tt.params {
				got, ok := params[k].(float64)
				if !ok || math.Abs(got-want) > tt.tol {
					t.Errorf("%s = %v, want %v ± %v", k, params[k], want, tt.tol)
				}
				if se, ok := ses[k].(float64); !ok || !(se > 0) {
					t.Errorf("std_errors[%s] = %v, want a positive number", k, ses[k])
				}
			}
			if ll, _ := rep["log_likelihood"].(float64); tt.ll != 0 && math.Abs(ll-tt.ll) > 0.1 {
				t.Errorf("log_likelihood = %v, want %v", ll, tt.ll)
			}
			if n, _ := rep["n_customers"].(float64); tt.rows != 0 && n != float64(tt.rows) {
				t.Errorf("n_customers = %v, want %d", n, tt.rows)
			}
		})
	}
}

// TestExamples validates and scores every example config under examples/.
func TestExamples(t *testing.T) {
	examplePlugins(t) // examples/plugins/clv.toml uses them
	var configs []string
	err := filepath.WalkDir(filepath.Join(repoRoot, "examples"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".toml") &&
			filepath.Base(filepath.Dir(p)) != "postgres" { // a database: TestExamplePostgres runs it against a server
			configs = append(configs, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(configs) == 0 {
		t.Fatal("no example configs found")
	}
	for _, cfg := range configs {
		rel, _ := filepath.Rel(repoRoot, cfg)
		t.Run(rel, func(t *testing.T) {
			r := clv(t, "validate", "--config", rel).mustOK(t, "validate")
			if !strings.Contains(r.stdout, "ok") {
				t.Errorf("validate stdout = %q", r.stdout)
			}
			out := filepath.Join(t.TempDir(), "scores.csv")
			clv(t, "score", "--config", rel, "--out", out, "--quiet").mustOK(t, "score")
			if b := readFile(t, out); len(strings.Split(string(b), "\n")) < 3 {
				t.Errorf("score wrote %d bytes", len(b))
			}
		})
	}
}

// TestStarterAndSmallCommands covers init, validate on the starter,
// formulas, eval, segments lint and version.
func TestStarterAndSmallCommands(t *testing.T) {
	tmp := t.TempDir()
	cfg := filepath.Join(tmp, "clv.toml")
	clv(t, "init", "--out", cfg).mustOK(t, "init")
	if r := clv(t, "init", "--out", cfg); r.code != 1 || !strings.Contains(r.stderr, "already exists") {
		t.Errorf("init over an existing file: exit %d, stderr %q; want 1 and 'already exists'", r.code, r.stderr)
	}
	// The starter is complete except for the data: validate fails on the
	// missing input file only.
	r := clv(t, "validate", "--config", cfg)
	if r.code != 1 || !strings.Contains(r.stderr, filepath.Join(tmp, "transactions.csv")) || !strings.Contains(r.stderr, "no such file") {
		t.Errorf("validate on the starter: exit %d, stderr %q; want 1 naming %s", r.code, r.stderr, filepath.Join(tmp, "transactions.csv"))
	}
	// With data in place, it passes.
	writeFile(t, filepath.Join(tmp, "transactions.csv"), "customer_id,date,amount\nA,2024-01-02,10\n")
	clv(t, "validate", "--config", cfg).mustOK(t, "validate on the starter with a data file")

	r = clv(t, "formulas").mustOK(t, "formulas")
	for _, id := range []string{"margin_clv", "retention_a", "subscription_ltv"} {
		if !strings.Contains(r.stdout, id) {
			t.Errorf("clv formulas does not list %s", id)
		}
	}
	var list any
	if err := json.Unmarshal([]byte(clv(t, "formulas", "--json").mustOK(t, "formulas --json").stdout), &list); err != nil {
		t.Errorf("formulas --json: %v", err)
	}

	// 100 × 3 × 5 × 0.3 = 450.
	r = clv(t, "eval", "margin_clv", "aov=100", "frequency=3", "lifespan=5", "gross_margin=0.3").mustOK(t, "eval")
	if !strings.Contains(r.stdout, "450") {
		t.Errorf("eval margin_clv: stdout %q, want 450", r.stdout)
	}
	var ev struct{ Value float64 }
	r = clv(t, "eval", "margin_clv", "aov=100", "frequency=3", "lifespan=5", "gross_margin=0.3", "--json").mustOK(t, "eval --json")
	if err := json.Unmarshal([]byte(r.stdout), &ev); err != nil || math.Abs(ev.Value-450) > 1e-9 {
		t.Errorf("eval --json: value %v (%v), want 450\n%s", ev.Value, err, r.stdout)
	}

	clv(t, "segments", "lint").mustOK(t, "segments lint")
	clv(t, "segments", "lint", "--config", cdnowConfig).mustOK(t, "segments lint --config")
	if r := clv(t, "segments", "list").mustOK(t, "segments list"); !strings.Contains(r.stdout, "Champions") {
		t.Errorf("segments list: %q", r.stdout)
	}

	r = clv(t, "version").mustOK(t, "version")
	if !strings.HasPrefix(r.stdout, "clv e2e-test (go") {
		t.Errorf("version: %q", r.stdout)
	}
	if r2 := clv(t, "--version").mustOK(t, "--version"); r2.stdout != r.stdout {
		t.Errorf("--version %q, version %q", r2.stdout, r.stdout)
	}
	if r := clv(t, "help").mustOK(t, "help"); !strings.Contains(r.stdout, "score") {
		t.Errorf("help: %q", r.stdout)
	}
}
