package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// copyCDNOWHoldout copies the CDNOW sample and its 39/39-week holdout
// config (examples/cdnow/clv-holdout.toml) into dir and returns the
// config's path.
func copyCDNOWHoldout(t *testing.T, dir string) string {
	t.Helper()
	copyCDNOW(t, dir)
	cfg := filepath.Join(dir, "clv-holdout.toml")
	writeFile(t, cfg, string(readFile(t, filepath.Join(repoRoot, "examples/cdnow/clv-holdout.toml"))))
	return cfg
}

// TestCompareCDNOW runs clv compare on CDNOW with Fader, Hardie & Lee's
// split: the text twice (same bytes), then --json, whose figures are
// pinned: 2,357 customers, 1,882 holdout purchase days (BTYD's x.star
// total), 334 of them by the 1,411 customers without a repeat purchase in
// the calibration period (0.236712 each), 4,339 repeat purchase days in 78
// weeks, and the paper's BG/NBD parameters.
func TestCompareCDNOW(t *testing.T) {
	cfg := copyCDNOWHoldout(t, t.TempDir())
	a := clv(t, "compare", "--config", cfg).mustOK(t, "compare")
	b := clv(t, "compare", "--config", cfg).mustOK(t, "compare again")
	if a.stdout != b.stdout {
		t.Error("two runs of clv compare printed different text")
	}
	for _, want := range []string{
		"2357 customers; holdout 39.00 weeks; 1882 holdout purchases by 684 customers",
		"best by holdout log-likelihood: mbgnbd (-2314.82), bgnbd next, 5.54 lower",
		"conditional expectations", "tracking: repeat purchases per 7-day period", "decile of P(alive)",
		"gammagamma: p=6.2496 q=3.7442 v=15.4435; 684 customers bought in the holdout",
	} {
		if !strings.Contains(a.stdout, want) {
			t.Errorf("compare text lacks %q:\n%s", want, a.stdout)
		}
	}
	if strings.Contains(a.stdout, "bgbb") {
		t.Error("BG/BB listed on day-grain data measured in weeks (not discrete)")
	}

	j := clv(t, "compare", "--config", cfg, "--json").mustOK(t, "compare --json")
	if !strings.Contains(j.stdout, `"actual": 0.236712,`) {
		t.Errorf("JSON numbers are not at 6 decimals (want \"actual\": 0.236712)")
	}
	var rep struct {
		Customers     int  `json:"customers"`
		ActualHoldout int  `json:"actual_holdout"`
		Discrete      bool `json:"discrete"`
		Best          struct {
			Model, Criterion, RunnerUp string
		} `json:"best"`
		Tracking struct {
			Cumulative         []int `json:"cumulative"`
			CalibrationPeriods int   `json:"calibration_periods"`
		} `json:"tracking"`
		Models []struct {
			Model  string             `json:"model"`
			Params map[string]float64 `json:"params"`
			Cond   []struct {
				Frequency string  `json:"frequency"`
				Customers int     `json:"customers"`
				Actual    float64 `json:"actual"`
			} `json:"conditional_expectations"`
			Tracking []struct {
				CumulativeActual int `json:"cumulative_actual"`
			} `json:"tracking"`
			Alive []struct {
				Customers int `json:"customers"`
			} `json:"alive_deciles"`
		} `json:"models"`
		Spend struct {
			Customers int `json:"holdout_customers"`
		} `json:"gammagamma"`
	}
	if err := json.Unmarshal([]byte(j.stdout), &rep); err != nil {
		t.Fatalf("compare --json: %v\n%s", err, j.stdout)
	}
	cum := rep.Tracking.Cumulative
	if rep.Customers != 2357 || rep.ActualHoldout != 1882 || rep.Discrete || len(cum) != 78 || cum[38] != 2457 || cum[77] != 4339 || rep.Tracking.CalibrationPeriods != 39 {
		t.Errorf("customers %d, holdout %d, discrete %v, tracking %d weeks (week 39 %d, week 78 %d)", rep.Customers, rep.ActualHoldout, rep.Discrete, len(cum), cum[38], cum[77])
	}
	if rep.Best.Model != "mbgnbd" || len(rep.Models) != 3 || rep.Spend.Customers != 684 {
		t.Errorf("best %+v, %d models, %d spend customers", rep.Best, len(rep.Models), rep.Spend.Customers)
	}
	for _, m := range rep.Models {
		c0 := m.Cond[0]
		if len(m.Cond) != 8 || m.Cond[7].Frequency != "7+" || c0.Customers != 1411 || c0.Actual != 0.236712 || len(m.Tracking) != 78 || m.Tracking[77].CumulativeActual != 4339 || len(m.Alive) != 10 {
			t.Errorf("%s: conditional expectations %+v, %d tracking points, %d deciles", m.Model, m.Cond, len(m.Tracking), len(m.Alive))
		}
	}
	// FHL (2005), section 5: r 0.243, α 4.414, a 0.793, b 2.426.
	bg := rep.Models[0].Params
	for k, want := range map[string]float64{"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426} {
		if d := bg[k] - want; rep.Models[0].Model != "bgnbd" || d > 0.0005 || d < -0.0005 {
			t.Errorf("BG/NBD %s = %v, the paper's %v", k, bg[k], want)
		}
	}
}

// TestCompareErrors: no calibration_end, a summary input, bad flags.
func TestCompareErrors(t *testing.T) {
	dir := t.TempDir()
	cfg := copyCDNOW(t, dir)
	r := clv(t, "compare", "--config", cfg)
	if r.code != 1 || !strings.Contains(r.stderr, "clv.toml: clv compare needs time.calibration_end") || strings.Contains(r.stderr, "goroutine") {
		t.Errorf("no calibration_end: exit %d, stderr %q", r.code, r.stderr)
	}
	r = clv(t, "compare", "--config", copyCDNOWHoldout(t, dir), "--precision", "18")
	if r.code != 1 || !strings.Contains(r.stderr, "--precision 18 is out of range") {
		t.Errorf("--precision 18: exit %d, stderr %q", r.code, r.stderr)
	}
	r = clv(t, "compare", "--config", cfg, "extra")
	if r.code != 1 || !strings.Contains(r.stderr, "unexpected arguments") {
		t.Errorf("extra argument: exit %d, stderr %q", r.code, r.stderr)
	}
}

// TestAutoPurchase: purchase = "auto" with the holdout split picks
// MBG/NBD on CDNOW (the highest holdout log-likelihood), says so on
// stderr, records it in the manifest, and clv verify checks the record;
// without a split it picks by calibration log-likelihood (MBG/NBD's
// −9582.14 against BG/NBD's −9582.43).
func TestAutoPurchase(t *testing.T) {
	dir := t.TempDir()
	cfg := copyCDNOWHoldout(t, dir)
	out := filepath.Join(dir, "auto.csv")
	r := clv(t, "score", "--config", cfg, "--out", out).mustOK(t, "score with auto")
	if !strings.Contains(r.stderr, `model.purchase = "auto": mbgnbd, by highest holdout log-likelihood`) || !strings.Contains(r.stderr, "runner-up bgnbd by 5.54") {
		t.Errorf("stderr does not say what auto chose:\n%s", r.stderr)
	}
	man := out + ".manifest.json"
	var m struct {
		Models map[string]map[string]float64 `json:"models"`
		Choice struct {
			Model     string  `json:"model"`
			Criterion string  `json:"criterion"`
			RunnerUp  string  `json:"runner_up"`
			Margin    float64 `json:"margin"`
		} `json:"model_choice"`
	}
	if err := json.Unmarshal(readFile(t, man), &m); err != nil {
		t.Fatal(err)
	}
	if c := m.Choice; c.Model != "mbgnbd" || c.Criterion != "holdout_log_likelihood" || c.RunnerUp != "bgnbd" || !(c.Margin > 5.5 && c.Margin < 5.6) || m.Models["mbgnbd"] == nil {
		t.Errorf("manifest: %+v", m)
	}
	clv(t, "verify", man).mustOK(t, "verify an auto run")
	text := string(readFile(t, man))
	for _, edit := range []struct{ old, new, field string }{
		{`"model": "mbgnbd"`, `"model": "bgnbd"`, "model_choice.model"},
		{`"runner_up": "bgnbd"`, `"runner_up": "paretonbd"`, "model_choice.runner_up"},
		{`"criterion": "holdout_log_likelihood"`, `"criterion": "log_likelihood"`, "model_choice.criterion"},
	} {
		if !strings.Contains(text, edit.old) {
			t.Fatalf("manifest lacks %s", edit.old)
		}
		writeFile(t, man, strings.Replace(text, edit.old, edit.new, 1))
		r := clv(t, "verify", man)
		if r.code != 1 || !strings.Contains(r.stderr, edit.field) {
			t.Errorf("verify with %s edited: exit %d, stderr %q", edit.field, r.code, r.stderr)
		}
	}
	writeFile(t, man, text)

	// Without a split.
	plain := filepath.Join(dir, "clv.toml")
	txt := string(readFile(t, plain))
	writeFile(t, plain, strings.Replace(txt, `purchase = "bgnbd"`, `purchase = "auto"`, 1))
	r = clv(t, "score", "--config", plain, "--out", filepath.Join(dir, "plain.csv")).mustOK(t, "score auto without holdout")
	if !strings.Contains(r.stderr, `model.purchase = "auto": mbgnbd, by highest calibration log-likelihood`) || !strings.Contains(r.stderr, "runner-up bgnbd by 0.29") {
		t.Errorf("stderr:\n%s", r.stderr)
	}
	// The same scores as naming the model.
	writeFile(t, plain, strings.Replace(txt, `purchase = "bgnbd"`, `purchase = "mbgnbd"`, 1))
	clv(t, "score", "--config", plain, "--out", filepath.Join(dir, "named.csv"), "--quiet").mustOK(t, "score mbgnbd")
	if a, b := readFile(t, filepath.Join(dir, "plain.csv")), readFile(t, filepath.Join(dir, "named.csv")); string(a) != string(b) {
		t.Error("auto's scores differ from naming the model it chose")
	}
	if _, err := os.Stat(filepath.Join(dir, "named.csv.manifest.json")); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(readFile(t, filepath.Join(dir, "named.csv.manifest.json"))), "model_choice") {
		t.Error("a run naming its model records a model_choice")
	}
}

// TestFitAuto: clv fit --model auto on clv summarize's output with holdout
// columns picks as clv score's purchase = "auto" does (MBG/NBD on CDNOW),
// from a file and from stdin alike; without holdout columns it picks by
// log-likelihood; a weighted summary is refused naming the column.
func TestFitAuto(t *testing.T) {
	dir := t.TempDir()
	copyCDNOW(t, dir)
	in := invocation{dir: dir, args: []string{"summarize", "--input", "transactions.csv", "--amount", "amount", "--unit", "week",
		"--calibration-end", "1997-09-30", "--observation-end", "1998-06-30", "--out", "holdout.csv", "--quiet"}}
	in.exec(t).mustOK(t, "summarize with a holdout")
	r := invocation{dir: dir, args: []string{"fit", "--model", "auto", "--input", "holdout.csv"}}.exec(t).mustOK(t, "fit auto")
	if !strings.Contains(r.stdout, `model.purchase = "auto": mbgnbd, by highest holdout log-likelihood`) || !strings.Contains(r.stdout, "model mbgnbd: 2357 customers") {
		t.Errorf("fit --model auto:\n%s", r.stdout)
	}
	j := invocation{dir: dir, args: []string{"fit", "--model", "auto", "--input", "-", "--json"}, stdin: string(readFile(t, filepath.Join(dir, "holdout.csv")))}.exec(t).mustOK(t, "fit auto from stdin")
	var rep struct {
		Model  string `json:"model"`
		Choice struct {
			Model, Criterion string
		} `json:"model_choice"`
	}
	if err := json.Unmarshal([]byte(j.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Model != "mbgnbd" || rep.Choice.Model != "mbgnbd" || rep.Choice.Criterion != "holdout_log_likelihood" {
		t.Errorf("fit auto --json from stdin: %+v", rep)
	}
	in.args = []string{"summarize", "--input", "transactions.csv", "--amount", "amount", "--unit", "week", "--observation-end", "1997-09-30", "--out", "plain.csv", "--quiet"}
	in.exec(t).mustOK(t, "summarize")
	r = invocation{dir: dir, args: []string{"fit", "--model", "auto", "--input", "plain.csv"}}.exec(t).mustOK(t, "fit auto without holdout")
	if !strings.Contains(r.stdout, `mbgnbd, by highest calibration log-likelihood`) {
		t.Errorf("fit --model auto without holdout:\n%s", r.stdout)
	}
	r = invocation{dir: dir, args: []string{"fit", "--model", "auto", "--input", "plain.csv", "--weights", "frequency"}}.exec(t)
	if r.code != 1 || !strings.Contains(r.stderr, `plain.csv: --model auto reads one row per customer, but column "frequency"`) {
		t.Errorf("weighted: exit %d, stderr %q", r.code, r.stderr)
	}
}

// TestFitConfigAuto: clv fit --config with purchase = "auto" saves the
// model auto chooses (MBG/NBD on CDNOW's split), and says so on stderr.
func TestFitConfigAuto(t *testing.T) {
	dir := t.TempDir()
	cfg := copyCDNOWHoldout(t, dir)
	out := filepath.Join(dir, "model.json")
	r := clv(t, "fit", "--config", cfg, "--out", out).mustOK(t, "fit --config with auto")
	if !strings.Contains(r.stderr, `model.purchase = "auto": mbgnbd`) || !strings.Contains(string(readFile(t, out)), `"model": "mbgnbd"`) {
		t.Errorf("stderr:\n%s\nmodel file:\n%s", r.stderr, readFile(t, out))
	}
}
