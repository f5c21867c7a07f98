package main

// End-to-end tests of strict configuration: keys spelled exactly, values
// given never replaced by defaults, and extra columns that would collide
// with built-in ones refused before any data is read.

import (
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// strictCfg copies the demo into a temporary folder, applies edit to its
// clv.toml and returns the config's path.
func strictCfg(t *testing.T, edit func(string) string) string {
	t.Helper()
	cfg := copyCDNOW(t, t.TempDir())
	writeFile(t, cfg, edit(string(readFile(t, cfg))))
	return cfg
}

// wantUserError checks exit code 1, each of want in stderr and no stack
// trace.
func wantUserError(t *testing.T, what string, r result, want ...string) {
	t.Helper()
	if r.code != 1 {
		t.Fatalf("%s: exit %d, want 1\nstderr:\n%s", what, r.code, r.stderr)
	}
	for _, w := range want {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("%s: stderr lacks %q:\n%s", what, w, r.stderr)
		}
	}
	if strings.Contains(r.stderr, "goroutine ") || strings.Contains(r.stderr, "panic") {
		t.Errorf("%s: stack trace in stderr:\n%s", what, r.stderr)
	}
}

// TestStrictKeyCase: `Margin = 0.30` was read as margin (the TOML decoder
// ignores case) and clv validate said ok; with both spellings the value
// depended on map order. Both commands now stop at the misspelt key's line.
func TestStrictKeyCase(t *testing.T) {
	for _, tc := range []struct {
		name, edit string
		want       []string
	}{
		{"Margin", "Margin = 0.30", []string{"clv.toml:25", "model.Margin", "unknown key", "did you mean margin?"}},
		{"margin and Margin", "margin = 0.30\nMargin = 0.9", []string{"clv.toml:26", "model.Margin", "did you mean margin?"}},
		{"Horizon_Months", "margin = 0.30\nHorizon_Months = 24", []string{"clv.toml:26", "model.Horizon_Months", "did you mean horizon_months?"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := strictCfg(t, replace("margin = 0.30", tc.edit))
			wantUserError(t, "validate", clv(t, "validate", "--config", cfg), tc.want...)
			out := filepath.Join(t.TempDir(), "scores.csv")
			wantUserError(t, "score", clv(t, "score", "--config", cfg, "--out", out, "--quiet"), tc.want...)
			if _, err := os.Stat(out); err == nil {
				t.Error("score wrote an output file")
			}
		})
	}
}

// TestStrictMarginZero: margin = 0 gave the CLV of margin 1; now every CLV
// is 0, and the fit (p_alive, expected purchases and spend) is the golden
// file's.
func TestStrictMarginZero(t *testing.T) {
	cfg := strictCfg(t, replace("margin = 0.30", "margin = 0"))
	r := clv(t, "score", "--config", cfg, "--out", "-", "--quiet").mustOK(t, "score with margin = 0")
	got := readCSV(t, []byte(r.stdout))
	golden := readCSV(t, readFile(t, filepath.Join("testdata", "golden", "cdnow_scores.csv")))
	if len(got.rows) != len(golden.rows) || len(got.rows) != 2357 {
		t.Fatalf("%d rows, golden %d", len(got.rows), len(golden.rows))
	}
	for i, row := range got.rows {
		if v := row[got.col(t, "clv")]; v != "0.000000" {
			t.Fatalf("customer %s: clv %s, want 0.000000", row[0], v)
		}
		for _, c := range []string{"customer_id", "p_alive", "expected_purchases", "expected_spend"} {
			if a, b := row[got.col(t, c)], golden.rows[i][golden.col(t, c)]; a != b {
				t.Fatalf("customer %s: %s %s, golden %s", row[0], c, a, b)
			}
		}
	}
}

// TestStrictPrecisionZero: --precision 0 (and precision = 0) became 6; now
// every number is a whole number, the golden value rounded.
func TestStrictPrecisionZero(t *testing.T) {
	flag := clv(t, "score", "--config", cdnowConfig, "--out", "-", "--quiet", "--precision", "0").mustOK(t, "score --precision 0")
	cfg := strictCfg(t, replace("precision = 6", "precision = 0"))
	file := clv(t, "score", "--config", cfg, "--out", "-", "--quiet").mustOK(t, "score with precision = 0")
	if flag.stdout != file.stdout {
		t.Errorf("--precision 0 and precision = 0 differ: %s", firstLineDiff([]byte(flag.stdout), []byte(file.stdout)))
	}
	got := readCSV(t, []byte(flag.stdout))
	golden := readCSV(t, readFile(t, filepath.Join("testdata", "golden", "cdnow_scores.csv")))
	for _, c := range []string{"recency", "T", "monetary_value", "p_alive", "expected_purchases", "expected_spend", "clv", "contribution", "total_value"} {
		for i, row := range got.rows {
			v, err := strconv.ParseInt(row[got.col(t, c)], 10, 64)
			if err != nil {
				t.Fatalf("customer %s: %s = %q, want a whole number", row[0], c, row[got.col(t, c)])
			}
			want := mustFloat(t, golden.rows[i][golden.col(t, c)])
			if math.Abs(float64(v)-want) > 0.5+1e-6 {
				t.Fatalf("customer %s: %s = %d, golden %v", row[0], c, v, want)
			}
		}
	}
}

// TestStrictExplicitValues: values given that are out of range were
// replaced by defaults (horizon_months 0 by 12); now they are errors at
// their line, as are flags given empty or out of range.
func TestStrictExplicitValues(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(string) string
		flags []string
		want  []string
	}{
		{"horizon_months 0", replace("horizon_months = 12", "horizon_months = 0"), nil, []string{"clv.toml:23", "model.horizon_months", "0 is out of range 1..1200"}},
		{"margin 30", replace("margin = 0.30", "margin = 30"), nil, []string{"clv.toml:25", "model.margin", "out of range [0, 1]"}},
		{"empty grain", replace(`grain = "day"`, `grain = ""`), nil, []string{"clv.toml:16", "time.grain", "empty"}},
		{"--precision -1", func(s string) string { return s }, []string{"--precision", "-1"}, []string{"--precision -1 is out of range 0..17"}},
		{"--input empty", func(s string) string { return s }, []string{"--input", ""}, []string{"--input is empty"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := strictCfg(t, tc.edit)
			args := append([]string{"score", "--config", cfg, "--out", filepath.Join(t.TempDir(), "s.csv"), "--quiet"}, tc.flags...)
			wantUserError(t, "score", clv(t, args...), tc.want...)
		})
	}
}

// TestStrictColumnCollision: a formula named like a built-in column failed
// after the whole fit (clv) or wrote a second column of that name (segment,
// tier). It now fails when the config is read: the input here does not
// exist, and the error is the formula's, at its name's line.
func TestStrictColumnCollision(t *testing.T) {
	for _, name := range []string{"customer_id", "p_alive", "clv", "rfm", "segment", "tier"} {
		t.Run(name, func(t *testing.T) {
			cfg := strictCfg(t, func(s string) string {
				s = replace(`name = "total_value"`, `name = "`+name+`"`)(s)
				return replace(`path = "transactions.csv"`, `path = "no_such_orders.csv"`)(s)
			})
			want := []string{"clv.toml:37", "formulas[1].name", `column "` + name + `" is a built-in column`}
			for _, cmd := range []string{"validate", "score"} {
				r := clv(t, cmd, "--config", cfg)
				wantUserError(t, cmd, r, want...)
				if strings.Contains(r.stderr, "no_such_orders") {
					t.Errorf("%s read the input before checking the columns:\n%s", cmd, r.stderr)
				}
			}
		})
	}
}

// TestStrictPluginColumnCollision: a formula named like a formula plugin's
// output failed after the fit; it now fails once the plugins have described
// themselves, before the (here missing) input is opened.
func TestStrictPluginColumnCollision(t *testing.T) {
	examplePlugins(t)
	text := string(readFile(t, filepath.Join(repoRoot, "examples/plugins/clv.toml")))
	text = strings.ReplaceAll(text, `"../../bin/plugins/`, `"`+filepath.Join(repoRoot, "bin/plugins")+"/")
	text = replace(`name = "contribution_share"`, `name = "contribution_clv"`)(text)
	i := strings.Index(text, "[input]")
	text = text[:i] + strings.Replace(text[i:], "path = ", `path = "no_such_orders.csv"`+"\n#", 1)
	cfg := filepath.Join(t.TempDir(), "clv.toml")
	writeFile(t, cfg, text)
	line := 1 + strings.Count(text[:strings.Index(text, `name = "contribution_clv"`)], "\n")
	r := clv(t, "score", "--config", cfg, "--out", filepath.Join(t.TempDir(), "s.csv"), "--quiet")
	wantUserError(t, "score", r, "clv.toml:"+strconv.Itoa(line), "formulas[0].name", "plugin contribution writes a column of that name")
	if strings.Contains(r.stderr, "no_such_orders") {
		t.Errorf("score read the input before checking the columns:\n%s", r.stderr)
	}
}
