package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/core/score"
	"github.com/clvkit/clvkit/internal/textenc"
	"github.com/clvkit/clvkit/wasm/bind"
)

// guardedCDNOW copies the demo into dir with customers 0001 and 0002
// renamed "=1+1" and "-2", tier labels and rule segments that all start
// with a character a spreadsheet runs as a formula, and a formula column
// "loss" of negative numbers; extra is appended to the config. It returns
// the config's path.
func guardedCDNOW(t *testing.T, dir, extra string) string {
	t.Helper()
	cfg := copyCDNOW(t, dir)
	in := filepath.Join(dir, "transactions.csv")
	data := strings.ReplaceAll(string(readFile(t, in)), "\n0001,", "\n=1+1,")
	writeFile(t, in, strings.ReplaceAll(data, "\n0002,", "\n-2,"))
	text := string(readFile(t, cfg))
	for _, r := range [][2]string{
		{`labels = ["Top 1%", "Top 10%", "Top 50%", "Bottom 50%"]`, `labels = ["=Top 1%", "+Top 10%", "-Top 50%", "@Bottom 50%"]`},
		{"[segmentation]\nmap = \"default\"\n", `[[formulas]]
name = "loss"
expr = "0 - clv"

[segmentation]
map = "rules"
default = "\tOther"
[[segmentation.rules]]
segment = '=HYPERLINK("http://evil.example","VIP")'
when = "clv > 50"
[[segmentation.rules]]
segment = "\rLapsed"
when = "p_alive < 0.2"
`},
	} {
		if !strings.Contains(text, r[0]) {
			t.Fatalf("the demo config no longer has %q", r[0])
		}
		text = strings.Replace(text, r[0], r[1], 1)
	}
	writeFile(t, cfg, text+extra)
	return cfg
}

// parseCSV reads a whole CSV output with encoding/csv.
func parseCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestCSVFormulaGuard scores the demo with formula-like segment and tier
// labels and customer ids: by default (csv_formula_guard = "labels") every
// label cell gets a leading ' and the ids and numbers are written as they
// are; --csv-formula-guard all_text guards the ids too (and clv verify
// reproduces that run); csv_formula_guard = "off" in clv.toml writes
// everything raw; JSON Lines is never guarded.
func TestCSVFormulaGuard(t *testing.T) {
	tmp := t.TempDir()
	score := func(name, cfg string, extra ...string) []byte {
		t.Helper()
		out := filepath.Join(tmp, name)
		args := append([]string{"score", "--config", cfg, "--out", out, "--quiet"}, extra...)
		clv(t, args...).mustOK(t, "clv "+strings.Join(args, " "))
		return readFile(t, out)
	}
	cfg := guardedCDNOW(t, filepath.Join(tmp), "")
	offDir := filepath.Join(tmp, "off")
	if err := os.Mkdir(offDir, 0o755); err != nil {
		t.Fatal(err)
	}
	offCfg := guardedCDNOW(t, offDir, "csv_formula_guard = \"off\"\n")

	labelsCSV := score("labels.csv", cfg)
	allCSV := score("all.csv", cfg, "--csv-formula-guard", "all_text")
	offCSV := score("off.csv", offCfg)
	clv(t, "verify", filepath.Join(tmp, "all.csv.manifest.json")).mustOK(t, "verify a run whose flag overrode the guard")

	// The raw bytes of a guarded label with quotes and commas.
	if want := `"'=HYPERLINK(""http://evil.example"",""VIP"")"`; !bytes.Contains(labelsCSV, []byte(want)) {
		t.Errorf("labels.csv has no field %s", want)
	}
	labels, all, off := parseCSV(t, labelsCSV), parseCSV(t, allCSV), parseCSV(t, offCSV)
	if len(labels) != 2357+1 || len(all) != len(labels) || len(off) != len(labels) {
		t.Fatalf("rows: labels %d, all_text %d, off %d; want %d", len(labels), len(all), len(off), 2357+1)
	}
	h := csvTable{header: labels[0]}
	id, seg, tier, loss := 0, h.col(t, "segment"), h.col(t, "tier"), h.col(t, "loss")
	seen := map[string]bool{}
	negatives := 0
	for i := 1; i < len(off); i++ {
		for j := range off[i] {
			raw := off[i][j]
			want := raw // under labels
			if j == seg || j == tier {
				seen[raw] = true
				if !textenc.FormulaLike(raw) {
					t.Fatalf("row %d: %s %q is not formula-like in the off output", i, labels[0][j], raw)
				}
				want = "'" + raw
			}
			if labels[i][j] != want {
				t.Errorf("labels, row %d, %s: %q, want %q", i, labels[0][j], labels[i][j], want)
			}
			if j == id && textenc.FormulaLike(raw) {
				want = "'" + raw
			}
			if all[i][j] != want {
				t.Errorf("all_text, row %d, %s: %q, want %q", i, labels[0][j], all[i][j], want)
			}
		}
		if strings.HasPrefix(labels[i][loss], "-") {
			negatives++
		}
	}
	for _, l := range []string{"=Top 1%", "+Top 10%", "-Top 50%", "@Bottom 50%", `=HYPERLINK("http://evil.example","VIP")`, "\rLapsed", "\tOther"} {
		if !seen[l] {
			t.Errorf("no customer has the label %q: the test does not cover it", l)
		}
	}
	if negatives < 2000 {
		t.Errorf("only %d negative losses written as numbers, want most of 2357", negatives)
	}
	ids := map[string]bool{}
	for _, r := range off[1:] {
		ids[r[id]] = true
	}
	if !ids["=1+1"] || !ids["-2"] {
		t.Errorf("the renamed customers are missing from the off output")
	}
	if !bytes.Contains(labelsCSV, []byte("\n=1+1,")) || !bytes.Contains(allCSV, []byte("\n'=1+1,")) || !bytes.Contains(allCSV, []byte("\n'-2,")) {
		t.Errorf("ids: labels.csv should keep =1+1, all.csv should write '=1+1 and '-2")
	}

	jsonl := string(score("labels.jsonl", cfg))
	for _, want := range []string{`{"customer_id":"=1+1",`, `"tier":"=Top 1%",`, `"segment":"\tOther"`, `"segment":"=HYPERLINK(\"http://evil.example\",\"VIP\")"`} {
		if !strings.Contains(jsonl, want) {
			t.Errorf("JSON Lines output lacks %s: it must carry values as they are", want)
		}
	}
}

// TestCSVFormulaGuardErrors: a formula column name a spreadsheet would run
// is refused with the config line before any data is read (the input does
// not exist), whatever the guard; a bad guard value names the key or flag.
func TestCSVFormulaGuardErrors(t *testing.T) {
	tmp := t.TempDir()
	cfg := filepath.Join(tmp, "clv.toml")
	base := "[input]\npath = \"missing.csv\"\n[time]\nobservation_end = \"1997-09-30\"\n[[formulas]]\nname = \"ok\"\nexpr = \"clv\"\n"
	tests := []struct {
		name, text string
		flags      []string
		want       string
	}{
		{"equals", base + "[[formulas]]\nname = \"=HYPERLINK(1)\"\nexpr = \"clv\"\n", nil,
			`clv.toml:9: formulas[1].name: "=HYPERLINK(1)" starts with "=": spreadsheets would run the CSV header cell as a formula`},
		{"at, guard off", base + "[output]\ncsv_formula_guard = \"off\"\n[[formulas]]\nname = \"@x\"\nexpr = \"clv\"\n", nil,
			`clv.toml:11: formulas[1].name: "@x" starts with "@"`},
		{"minus, by flag off", base + "[[formulas]]\nname = \"-x\"\nexpr = \"clv\"\n", []string{"--csv-formula-guard", "off"},
			`clv.toml:9: formulas[1].name: "-x" starts with "-"`},
		{"bad value", base + "[output]\ncsv_formula_guard = \"yes\"\n", nil,
			`clv.toml:9: output.csv_formula_guard: "yes" is not one of labels, all_text, off`},
		{"bad flag", base, []string{"--csv-formula-guard", "all"},
			`--csv-formula-guard: "all" is not one of labels, all_text, off`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			writeFile(t, cfg, tc.text)
			r := clv(t, append([]string{"score", "--config", cfg, "--out", filepath.Join(tmp, "out.csv")}, tc.flags...)...)
			if r.code != 1 || !strings.Contains(r.stderr, tc.want) || strings.Contains(r.stderr, "goroutine") {
				t.Errorf("exit %d, stderr %q; want exit 1 and %q", r.code, r.stderr, tc.want)
			}
			if strings.Contains(r.stderr, "missing.csv") {
				t.Errorf("the input was opened before the config was checked: %q", r.stderr)
			}
		})
	}
	r := clv(t, "summarize", "--input", "examples/cdnow/transactions.csv", "--amount", "amount", "--unit", "week",
		"--observation-end", "1997-09-30", "--csv-formula-guard", "nope", "--quiet")
	if want := `--csv-formula-guard: "nope" is not one of labels, all_text, off`; r.code != 1 || !strings.Contains(r.stderr, want) {
		t.Errorf("summarize with a bad guard: exit %d, stderr %q; want exit 1 and %q", r.code, r.stderr, want)
	}
}

// TestCSVFormulaGuardPageParity: the page (wasm/bind) and clv score write
// the same CSV bytes under every guard: for one scored table with
// formula-like ids and labels and negative numbers, encoded by both; and
// for CDNOW with formula-like ids scored by the binary and by the page's
// binding with the same settings.
func TestCSVFormulaGuardPageParity(t *testing.T) {
	res := &score.Result{
		IDs: []string{"=1+1", "-2", "@3", "\t4", "\r5", "c,6"},
		Columns: []score.Column{
			{Name: "clv", Floats: []float64{-1.5, -0.0000001, 2, 0.5, -1e9, -3}},
			{Name: "r", Floats: []float64{-1, 2, 3, 4, 5, 1}, Integer: true},
			{Name: "segment", Labels: []string{`=HYPERLINK("http://x","y")`, "+1", "-1", "@SUM(A1)", "\tTab", "\rCR"}},
			{Name: "tier", Labels: []string{"Top 1%", "a,b", "-Top", " -x", "=x", ""}},
		},
	}
	for _, g := range []textenc.Guard{textenc.GuardLabels, textenc.GuardAllText, textenc.GuardOff} {
		var host bytes.Buffer
		if err := encodeResult(&host, res, sink{Path: "-", Format: "csv", Precision: 3, Guard: g}); err != nil {
			t.Fatal(err)
		}
		if page := bind.EncodeCSV(res, 3, g); !bytes.Equal(host.Bytes(), page) {
			t.Errorf("guard %v: clv score writes %q, the page %q", g, host.String(), page)
		}
	}

	// CDNOW as the page scores it (web/web_test.go's config), ids renamed.
	// annual_discount_rate is spelled out: the page's default is 0.10 (the
	// starter's value), an omitted key in clv.toml is 0.
	tmp := t.TempDir()
	data := strings.ReplaceAll(string(readFile(t, filepath.Join(repoRoot, "examples/cdnow/transactions.csv"))), "\n0001,", "\n=1+1,")
	data = strings.ReplaceAll(data, "\n0002,", "\n-2,")
	in := filepath.Join(tmp, "transactions.csv")
	writeFile(t, in, data)
	var s bind.Session
	ins := s.Load([]byte(data))
	for _, g := range []string{"labels", "all_text", "off"} {
		cfg := filepath.Join(tmp, g+".toml")
		out := filepath.Join(tmp, g+".csv")
		writeFile(t, cfg, fmt.Sprintf(`[input]
path = %q
[input.columns]
customer = "customer_id"
date = "date"
amount = "amount"
[time]
observation_end = "1997-09-30"
[model]
margin = 0.30
annual_discount_rate = 0.10
[output]
path = %q
csv_formula_guard = %q
`, in, out, g))
		clv(t, "score", "--config", cfg, "--quiet").mustOK(t, "score "+g)
		st := bind.NewSettings(ins, "1997-09-30")
		st.Margin, st.AnnualDiscountRate, st.CSVFormulaGuard = 0.3, 0.10, g
		if _, err := s.Score(context.Background(), st, nil); err != nil {
			t.Fatal(err)
		}
		host, page := readFile(t, out), s.CSV(6)
		if !bytes.Equal(host, page) {
			t.Errorf("%s: the page's CSV differs from clv score's: %s", g, firstLineDiff(host, page))
		}
		if g == "all_text" && !bytes.Contains(page, []byte("\n'=1+1,")) {
			t.Errorf("all_text: the page did not guard the id =1+1")
		}
	}
}

// TestSummarizeCSVFormulaGuard: clv summarize writes ids and numbers only,
// so its default leaves everything as it is; --csv-formula-guard all_text
// guards the ids that start with = or -.
func TestSummarizeCSVFormulaGuard(t *testing.T) {
	tmp := t.TempDir()
	guardedCDNOW(t, tmp, "")
	args := []string{"summarize", "--input", filepath.Join(tmp, "transactions.csv"), "--amount", "amount",
		"--unit", "week", "--observation-end", "1997-09-30", "--quiet", "--out", "-"}
	def := clv(t, args...).mustOK(t, "summarize").stdout
	all := clv(t, append(args, "--csv-formula-guard", "all_text")...).mustOK(t, "summarize all_text").stdout
	for _, c := range []struct{ out, want string }{
		{def, "\n=1+1,"}, {def, "\n-2,"}, {all, "\n'=1+1,"}, {all, "\n'-2,"},
	} {
		if !strings.Contains(c.out, c.want) {
			t.Errorf("summarize output lacks %q", c.want)
		}
	}
	if strings.Count(all, "'") != 2 || strings.Replace(strings.Replace(all, "'", "", 1), "'", "", 1) != def {
		t.Errorf("all_text changed more than the two ids")
	}
}
