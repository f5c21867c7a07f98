package main

// End-to-end tests of clv report: the page is deterministic, well-formed,
// self-contained, and its numbers are the scored file's.

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/host/internal/report"
)

// holdoutCDNOW writes the demo config with the 39/39-week split of Fader,
// Hardie & Lee (2005): calibration to 1997-09-30, holdout to 1998-06-30
// (the bundled transactions run to then), and returns its path.
func holdoutCDNOW(t *testing.T, dir string) string {
	t.Helper()
	cfg := copyCDNOW(t, dir)
	text := strings.Replace(string(readFile(t, cfg)), `observation_end = "1997-09-30"`,
		"calibration_end = \"1997-09-30\"\nobservation_end = \"1998-06-30\"", 1)
	writeFile(t, cfg, text)
	return cfg
}

// htmlTables reads the tables of a report page (well-formed XML) by
// caption: rows of cell texts, the header row first.
func htmlTables(t testing.TB, page []byte) map[string][][]string {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(page))
	d.Strict = true
	tables := map[string][][]string{}
	var (
		caption string
		rows    [][]string
		inTable bool
		text    *strings.Builder
		target  string // "caption" or "cell"
	)
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return tables
		}
		if err != nil {
			t.Fatalf("report is not well-formed: %v", err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			switch e.Name.Local {
			case "table":
				inTable, caption, rows = true, "", nil
			case "caption":
				text, target = &strings.Builder{}, "caption"
			case "tr":
				rows = append(rows, nil)
			case "th", "td":
				if inTable {
					text, target = &strings.Builder{}, "cell"
				}
			}
		case xml.CharData:
			if text != nil {
				text.Write(e)
			}
		case xml.EndElement:
			switch e.Name.Local {
			case "table":
				tables[caption] = rows
				inTable = false
			case "caption":
				caption, text = text.String(), nil
			case "th", "td":
				if inTable && target == "cell" && text != nil {
					rows[len(rows)-1] = append(rows[len(rows)-1], text.String())
					text = nil
				}
			}
		}
	}
}

// captioned returns the table whose caption starts with prefix.
func captioned(t testing.TB, tables map[string][][]string, prefix string) [][]string {
	t.Helper()
	for c, rows := range tables {
		if strings.HasPrefix(c, prefix) {
			return rows
		}
	}
	var names []string
	for c := range tables {
		names = append(names, c)
	}
	slices.Sort(names)
	t.Fatalf("no table captioned %q in %q", prefix, names)
	return nil
}

// reportNumber parses a number as the report writes it: thousands with
// commas, percentages with " %".
func reportNumber(t testing.TB, s string) float64 {
	t.Helper()
	s = strings.TrimSuffix(strings.ReplaceAll(s, ",", ""), " %")
	return mustFloat(t, s)
}

func runReport(t *testing.T, args ...string) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "report.html")
	clv(t, append([]string{"report", "--out", out}, args...)...).mustOK(t, "clv report")
	return readFile(t, out)
}

// TestReportDeterministic: the same inputs give the same bytes, whatever
// GOMAXPROCS and the order of the input rows; with and without a holdout.
func TestReportDeterministic(t *testing.T) {
	tmp := t.TempDir()
	shuffled := shuffledCDNOW(t, filepath.Join(tmp), 11)
	for _, tc := range []struct {
		name string
		cfg  func(dir string) string
	}{
		{"no holdout", func(dir string) string { return copyCDNOW(t, dir) }},
		{"holdout", func(dir string) string { return holdoutCDNOW(t, dir) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg(t.TempDir())
			a := filepath.Join(t.TempDir(), "a.html")
			b := filepath.Join(t.TempDir(), "b.html")
			clv(t, "report", "--config", cfg, "--out", a).mustOK(t, "report a")
			invocation{args: []string{"report", "--config", cfg, "--out", b}, env: []string{"GOMAXPROCS=1"}}.exec(t).mustOK(t, "report b")
			pa, pb := readFile(t, a), readFile(t, b)
			if !bytes.Equal(pa, pb) {
				t.Errorf("two runs differ: %s", firstLineDiff(pa, pb))
			}
			if tc.name == "no holdout" {
				// The demo's rows shuffled: the same page (the config's and
				// data's names are the same).
				c := filepath.Join(t.TempDir(), "c.html")
				clv(t, "report", "--config", shuffled, "--out", c).mustOK(t, "report shuffled")
				if pc := readFile(t, c); !bytes.Equal(pa, pc) {
					t.Errorf("shuffled input gives another page: %s", firstLineDiff(pa, pc))
				}
			}
		})
	}
}

// TestReportWellFormed parses the page as XML (every element closed,
// attributes quoted, text escaped) and checks that it loads nothing from
// outside: no URL, src, external href, CSS url() or script.
func TestReportWellFormed(t *testing.T) {
	page := runReport(t, "--config", holdoutCDNOW(t, t.TempDir()))
	tables := htmlTables(t, page)
	if len(tables) < 10 {
		t.Errorf("%d tables, want at least 10", len(tables))
	}
	if refs := report.ExternalRefs(page); len(refs) > 0 {
		t.Errorf("the page refers to outside resources: %q", refs)
	}
	s := string(page)
	for _, bad := range []string{"<script", "<img", "<link", "<iframe", "NaN", "Inf"} {
		if strings.Contains(s, bad) {
			t.Errorf("the page has %q", bad)
		}
	}
	// Every chart has an accessible name and a table of its numbers.
	svgs := strings.Count(s, "<svg ")
	if svgs < 7 || strings.Count(s, `role="img" aria-labelledby=`) != svgs || strings.Count(s, "The numbers behind") != svgs {
		t.Errorf("%d charts, %d with an accessible name, %d data tables; want ≥ 7 and all equal",
			svgs, strings.Count(s, `role="img" aria-labelledby=`), strings.Count(s, "The numbers behind"))
	}
	for _, want := range []string{"@media print", "<title>Customer lifetime value report</title>", "observation end 1998-06-30", "clvkit e2e-test"} {
		if !strings.Contains(s, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
}

// TestReportMatchesScores cross-checks the report with clv score's file on
// the same config: the top customers' cells are the file's, in the file's
// order by clv; the deciles, segments and totals add up from the file's
// values (to their rounding).
func TestReportMatchesScores(t *testing.T) {
	for _, holdout := range []bool{false, true} {
		t.Run("holdout="+strconv.FormatBool(holdout), func(t *testing.T) {
			dir := t.TempDir()
			cfg := copyCDNOW(t, dir)
			if holdout {
				cfg = holdoutCDNOW(t, dir)
			}
			scores := filepath.Join(dir, "scores.csv")
			clv(t, "score", "--config", cfg, "--out", scores, "--quiet").mustOK(t, "score")
			csv := readCSV(t, readFile(t, scores))
			page := runReport(t, "--config", cfg, "--top", "40")
			tables := htmlTables(t, page)

			ci, cclv, cseg := csv.col(t, "customer_id"), csv.col(t, "clv"), csv.col(t, "segment")
			value := make([]float64, len(csv.rows))
			for i, r := range csv.rows {
				value[i] = mustFloat(t, r[cclv])
			}
			order := make([]int, len(value))
			for i := range order {
				order[i] = i
			}
			slices.SortStableFunc(order, func(a, b int) int {
				switch {
				case value[a] > value[b]:
					return -1
				case value[a] < value[b]:
					return 1
				}
				return 0
			})

			// Top customers: the file's rows, cell for cell.
			top := captioned(t, tables, "The 40 customers with the highest clv")
			head := top[0]
			if len(top) != 41 || head[0] != "rank" || head[1] != "customer_id" {
				t.Fatalf("top table: %d rows, header %q", len(top), head)
			}
			for k, row := range top[1:] {
				want := csv.rows[order[k]]
				if row[0] != strconv.Itoa(k+1) || row[1] != want[ci] {
					t.Fatalf("rank %d: %q %q, want customer %q", k+1, row[0], row[1], want[ci])
				}
				for c, name := range head[2:] {
					if got, w := row[c+2], want[csv.col(t, name)]; got != w {
						t.Errorf("customer %s %s: report %q, file %q", want[ci], name, got, w)
					}
				}
			}

			// Deciles: customers and totals from the file's values. Each
			// file value is rounded to 6 decimals and the report's sums to
			// 2: they agree to 0.005 + n·0.5e-6.
			dec := captioned(t, tables, "Customers in tenths by CLV")
			if len(dec) != 11 {
				t.Fatalf("decile table has %d rows", len(dec))
			}
			n := len(value)
			total := 0.0
			for _, v := range value {
				total += v
			}
			for k := range 10 {
				lo, hi := n*k/10, n*(k+1)/10
				sum := 0.0
				for _, i := range order[lo:hi] {
					sum += value[i]
				}
				row := dec[k+1]
				if got := reportNumber(t, row[1]); got != float64(hi-lo) {
					t.Errorf("decile %d: %v customers, want %d", k+1, got, hi-lo)
				}
				tol := 0.005 + float64(hi-lo)*0.5e-6
				if got := reportNumber(t, row[2]); math.Abs(got-sum) > tol {
					t.Errorf("decile %d: total %v, file's values sum to %v", k+1, got, sum)
				}
				if got := reportNumber(t, row[6]); got != math.Round(value[order[lo]]*100)/100 {
					t.Errorf("decile %d: highest %v, file's %v", k+1, got, value[order[lo]])
				}
			}

			// Segments: counts and values from the file.
			segCount, segValue := map[string]int{}, map[string]float64{}
			for i, r := range csv.rows {
				segCount[r[cseg]]++
				segValue[r[cseg]] += value[i]
			}
			seg := captioned(t, tables, "Segments by total CLV")
			if len(seg)-1 != len(segCount) {
				t.Errorf("%d segments in the report, %d in the file", len(seg)-1, len(segCount))
			}
			prev := math.Inf(1)
			for _, row := range seg[1:] {
				name := row[0]
				if got := reportNumber(t, row[1]); got != float64(segCount[name]) {
					t.Errorf("segment %q: %v customers, file %d", name, got, segCount[name])
				}
				v := reportNumber(t, row[3])
				if math.Abs(v-segValue[name]) > 0.005+float64(segCount[name])*0.5e-6 {
					t.Errorf("segment %q: value %v, file %v", name, v, segValue[name])
				}
				if v > prev {
					t.Errorf("segments not sorted by value: %q (%v) after %v", name, v, prev)
				}
				prev = v
			}

			// The key figures under the title.
			s := string(page)
			if !strings.Contains(s, "<dt>Customers</dt><dd>"+number(float64(n), 0)+"</dd>") {
				t.Errorf("the page does not say %d customers", n)
			}
			if !strings.Contains(s, "<dt>Total CLV (12 months)</dt><dd>"+number(total, 2)+"</dd>") {
				t.Errorf("the page does not give the total CLV %s", number(total, 2))
			}
		})
	}
}

// TestReportHoldoutCDNOW checks the holdout sections on CDNOW's 39/39-week
// split against BTYD's published data (read for checking only, GPL): the
// total holdout purchases are the sum of x.star in btyd_cdnow_cbs.csv, and
// the actual cumulative weekly tracking is btyd_cdnow_cu_tracking.csv.
func TestReportHoldoutCDNOW(t *testing.T) {
	cbs := filepath.Join(repoRoot, "..", "shared", "data", "btyd_cdnow_cbs.csv")
	cu := filepath.Join(repoRoot, "..", "shared", "data", "btyd_cdnow_cu_tracking.csv")
	if _, err := os.Stat(cbs); err != nil {
		t.Skipf("BTYD's CDNOW data not here: %v", err)
	}
	page := runReport(t, "--config", holdoutCDNOW(t, t.TempDir()))
	tables := htmlTables(t, page)

	cb := readCSV(t, readFile(t, cbs))
	xs := cb.col(t, "x.star")
	xstar := 0.0
	for _, r := range cb.rows {
		xstar += mustFloat(t, r[xs])
	}
	cmp := captioned(t, tables, "Holdout purchases predicted by each model")
	if got := cmp[0][1:]; !slices.Equal(got, []string{"BG/NBD (scored)", "Pareto/NBD", "MBG/NBD"}) {
		t.Errorf("models compared: %q", got)
	}
	var actualRow []string
	for _, r := range cmp[1:] {
		if r[0] == "actual holdout purchases" {
			actualRow = r
		}
	}
	for _, c := range actualRow[1:] {
		if reportNumber(t, c) != xstar {
			t.Errorf("actual holdout purchases %s, BTYD's x.star sums to %v", c, xstar)
		}
	}

	track := captioned(t, tables, "The numbers behind “Cumulative repeat purchases, week by week”")
	want := readCSV(t, readFile(t, cu))
	if len(track)-1 != len(want.rows) {
		t.Fatalf("%d weeks tracked, BTYD has %d", len(track)-1, len(want.rows))
	}
	for k, r := range want.rows {
		if got, w := reportNumber(t, track[k+1][1]), mustFloat(t, r[1]); got != w {
			t.Errorf("week %d: cumulative repeat purchases %v, BTYD %v", k+1, got, w)
		}
	}
	// The conditional expectations and P(alive) deciles are drawn.
	captioned(t, tables, "The numbers behind “Holdout purchases by calibration frequency”")
	captioned(t, tables, "The numbers behind “P(alive) against who bought again (BG/NBD)”")
	captioned(t, tables, "The numbers behind “Repeat purchases per week”")
}

// TestReportErrors: user mistakes exit 1 with a message naming the flag or
// file, and write nothing.
func TestReportErrors(t *testing.T) {
	dir := t.TempDir()
	cfg := copyCDNOW(t, dir)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no out", []string{"report", "--config", cfg}, "--out is required"},
		{"negative top", []string{"report", "--config", cfg, "--out", filepath.Join(dir, "r.html"), "--top", "-1"}, "--top -1: want 0..1000"},
		{"out is the input", []string{"report", "--config", cfg, "--out", filepath.Join(dir, "transactions.csv")}, "transactions.csv"},
		{"out is the config", []string{"report", "--config", cfg, "--out", cfg}, "--config"},
		{"empty input", []string{"report", "--config", cfg, "--out", filepath.Join(dir, "r.html"), "--input", ""}, "--input is empty"},
		{"stray argument", []string{"report", "--config", cfg, "--out", filepath.Join(dir, "r.html"), "extra"}, "unexpected arguments"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := readFile(t, filepath.Join(dir, "transactions.csv"))
			r := clv(t, tc.args...)
			if r.code != 1 || !strings.Contains(r.stderr, tc.want) || strings.Contains(r.stderr, "goroutine") {
				t.Errorf("exit %d, stderr %q; want 1 and %q", r.code, r.stderr, tc.want)
			}
			if !bytes.Equal(before, readFile(t, filepath.Join(dir, "transactions.csv"))) {
				t.Error("the input was changed")
			}
			if _, err := os.Stat(filepath.Join(dir, "r.html")); err == nil {
				t.Error("a report was written")
			}
		})
	}
}

// TestReportHelpExamples runs the examples of clv report --help (from the
// repository root, in a scratch copy for the ones writing files).
func TestReportHelpExamples(t *testing.T) {
	help := clv(t, "report", "--help").mustOK(t, "report --help").stdout
	for _, want := range []string{"--out", "--top", "--title", "self-contained", "Examples:"} {
		if !strings.Contains(help, want) {
			t.Errorf("--help lacks %q", want)
		}
	}
	dir := t.TempDir()
	copyCDNOW(t, dir)
	invocation{args: []string{"report", "--config", "clv.toml", "--out", "report.html"}, dir: dir}.exec(t).mustOK(t, "example 1")
	invocation{args: []string{"report", "--config", "clv.toml", "--out", "report.html", "--top", "50", "--title", "Acme Ltd: customer value"}, dir: dir}.exec(t).mustOK(t, "example 2")
	page := readFile(t, filepath.Join(dir, "report.html"))
	if !bytes.Contains(page, []byte("<title>Acme Ltd: customer value</title>")) || !bytes.Contains(page, []byte("The 50 customers with the highest clv")) {
		t.Error("--title or --top not applied")
	}
	out := clv(t, "report", "--config", cdnowConfig, "--out", "-").mustOK(t, "example 3").stdout
	if !strings.HasPrefix(out, "<!DOCTYPE html>") || !strings.HasSuffix(out, "</html>\n") {
		t.Errorf("--out - does not print the page: %.60q … %.20q", out, out[max(0, len(out)-20):])
	}
}

// TestReportEqualsCompare: with purchase = "auto" and a holdout split, the
// report's comparison table and chart tables give clv compare --json's
// numbers (at the report's precision), it names the model clv score chose,
// and its top customers are clv score's.
func TestReportEqualsCompare(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "clv-holdout.toml")
	copyCDNOW(t, dir)
	writeFile(t, cfg, string(readFile(t, filepath.Join(repoRoot, "examples/cdnow/clv-holdout.toml"))))
	var cmp struct {
		ActualHoldout int `json:"actual_holdout"`
		Best          struct {
			Model string `json:"model"`
		} `json:"best"`
		Models []struct {
			Model                    string  `json:"model"`
			PredictedHoldout         float64 `json:"predicted_holdout"`
			ErrorPercent             float64 `json:"error_percent"`
			MAE                      float64 `json:"mae"`
			RMSE                     float64 `json:"rmse"`
			Correlation              float64 `json:"correlation"`
			HoldoutLogLikelihood     float64 `json:"holdout_log_likelihood"`
			CalibrationLogLikelihood float64 `json:"calibration_log_likelihood"`
			AIC                      float64 `json:"aic"`
			BIC                      float64 `json:"bic"`
			ConditionalExpectations  []struct {
				Predicted float64 `json:"predicted"`
				Actual    float64 `json:"actual"`
			} `json:"conditional_expectations"`
			Tracking []struct {
				Predicted float64 `json:"predicted"`
			} `json:"tracking"`
		} `json:"models"`
	}
	out := clv(t, "compare", "--config", cfg, "--json").mustOK(t, "compare --json").stdout
	if err := json.Unmarshal([]byte(out), &cmp); err != nil {
		t.Fatal(err)
	}
	score := clv(t, "score", "--config", cfg, "--out", filepath.Join(dir, "scores.csv"))
	score.mustOK(t, "score")
	page := runReport(t, "--config", cfg)
	tables := htmlTables(t, page)
	if want := `Chosen automatically (model.purchase = &#34;auto&#34;): ` + modelLabel[cmp.Best.Model]; !bytes.Contains(page, []byte(want)) {
		t.Errorf("the page does not say %q", want)
	}
	if !strings.Contains(score.stderr, `model.purchase = "auto": `+cmp.Best.Model) {
		t.Errorf("clv score chose otherwise: %s", score.stderr)
	}
	tab := captioned(t, tables, "Holdout purchases predicted by each model")
	rows := map[string][]string{}
	for _, r := range tab[1:] {
		rows[r[0]] = r[1:]
	}
	near := func(what, got string, want float64, dec int) {
		t.Helper()
		if g := reportNumber(t, got); math.Abs(g-want) > 0.5*math.Pow(10, -float64(dec))+1e-9 {
			t.Errorf("%s: report %s, compare %v", what, got, want)
		}
	}
	for k, m := range cmp.Models {
		if !strings.HasPrefix(tab[0][k+1], modelLabel[m.Model]) {
			t.Fatalf("column %d is %q, compare has %s", k+1, tab[0][k+1], m.Model)
		}
		near(m.Model+" predicted", rows["predicted holdout purchases"][k], m.PredictedHoldout, 1)
		near(m.Model+" actual", rows["actual holdout purchases"][k], float64(cmp.ActualHoldout), 0)
		near(m.Model+" error", rows["error of the total"][k], m.ErrorPercent, 1)
		near(m.Model+" MAE", rows["mean absolute error per customer (MAE)"][k], m.MAE, 4)
		near(m.Model+" RMSE", rows["root mean squared error per customer (RMSE)"][k], m.RMSE, 4)
		near(m.Model+" correlation", rows["correlation, predicted with actual"][k], m.Correlation, 4)
		near(m.Model+" holdout LL", rows["holdout log-likelihood"][k], m.HoldoutLogLikelihood, 2)
		near(m.Model+" calibration LL", rows["calibration log-likelihood"][k], m.CalibrationLogLikelihood, 2)
		near(m.Model+" AIC", rows["AIC"][k], m.AIC, 2)
		near(m.Model+" BIC", rows["BIC"][k], m.BIC, 2)
		// Chart tables: column 1 is actual, then one per model.
		ce := captioned(t, tables, "The numbers behind “Holdout purchases by calibration frequency”")
		for g, want := range m.ConditionalExpectations {
			near(fmt.Sprintf("%s bucket %d actual", m.Model, g), ce[g+1][1], want.Actual, 4)
			near(fmt.Sprintf("%s bucket %d predicted", m.Model, g), ce[g+1][k+2], want.Predicted, 4)
		}
		inc := captioned(t, tables, "The numbers behind “Repeat purchases per week”")
		for w, want := range m.Tracking {
			near(fmt.Sprintf("%s week %d", m.Model, w+1), inc[w+1][k+2], want.Predicted, 1)
		}
	}
}

// TestReportSummaryInput reports a per-customer summary scored without a
// spend model: the value is expected purchases, and the top customers'
// cells are clv score's.
func TestReportSummaryInput(t *testing.T) {
	dir := t.TempDir()
	copyCDNOW(t, dir)
	summ := filepath.Join(dir, "summary.csv")
	clv(t, "summarize", "--input", filepath.Join(dir, "transactions.csv"), "--amount", "amount", "--unit", "week",
		"--observation-end", "1997-09-30", "--out", summ).mustOK(t, "summarize")
	cfg := filepath.Join(dir, "summary.toml")
	writeFile(t, cfg, `[input]
path = "summary.csv"
kind = "summary"
[input.columns]
customer = "customer_id"
frequency = "frequency"
recency = "recency"
T = "T"
monetary_value = "monetary_value"
[time]
unit = "week"
observation_end = "1997-09-30"
[model]
spend = "none"
[output]
path = "scores.csv"
precision = 4
`)
	clv(t, "score", "--config", cfg, "--quiet").mustOK(t, "score")
	csv := readCSV(t, readFile(t, filepath.Join(dir, "scores.csv")))
	page := runReport(t, "--config", cfg, "--top", "5")
	tables := htmlTables(t, page)
	if !bytes.Contains(page, []byte("summary.csv: one row per customer (a summary)")) {
		t.Error("the page does not say the input is a summary")
	}
	if bytes.Contains(page, []byte("Spend model parameters")) || bytes.Contains(page, []byte("holdout")) {
		t.Error("a spend fit or holdout section without a spend model or a split")
	}
	top := captioned(t, tables, "The 5 customers with the highest expected_purchases")
	byID := map[string][]string{}
	ci := csv.col(t, "customer_id")
	for _, r := range csv.rows {
		byID[r[ci]] = r
	}
	prev := math.Inf(1)
	for _, row := range top[1:] {
		want := byID[row[1]]
		for c, name := range top[0][2:] {
			if got, w := row[c+2], want[csv.col(t, name)]; got != w {
				t.Errorf("customer %s %s: report %q, file %q", row[1], name, got, w)
			}
		}
		v := mustFloat(t, want[csv.col(t, "expected_purchases")])
		if v > prev {
			t.Errorf("customer %s (%v) ranked after %v", row[1], v, prev)
		}
		prev = v
	}
	captioned(t, tables, "Customers in tenths by expected purchases (12 months)")
	captioned(t, tables, "Segments by total expected purchases (12 months)")
}

// TestReportFrozenModels: with model.load and model.load_spend the report
// says the models were not refitted, and its top customers are those of
// clv score with the same frozen models.
func TestReportFrozenModels(t *testing.T) {
	dir := t.TempDir()
	cfg := copyCDNOW(t, dir)
	invocation{args: []string{"fit", "--config", "clv.toml", "--out", "bgnbd.json", "--spend-out", "gg.json"}, dir: dir}.exec(t).mustOK(t, "fit --out")
	writeFile(t, cfg, strings.Replace(string(readFile(t, cfg)), "spend = \"gammagamma\"\n", "spend = \"gammagamma\"\nload = \"bgnbd.json\"\nload_spend = \"gg.json\"\n", 1))
	scores := filepath.Join(dir, "scores.csv")
	clv(t, "score", "--config", cfg, "--out", scores, "--quiet").mustOK(t, "score with frozen models")
	csv := readCSV(t, readFile(t, scores))
	page := runReport(t, "--config", cfg, "--top", "10")
	for _, want := range []string{"with the parameters of bgnbd.json, fitted earlier and not refitted", "Gamma-Gamma with the parameters of gg.json"} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("the page does not say %q", want)
		}
	}
	byID := map[string][]string{}
	for _, r := range csv.rows {
		byID[r[csv.col(t, "customer_id")]] = r
	}
	top := captioned(t, htmlTables(t, page), "The 10 customers with the highest clv")
	for _, row := range top[1:] {
		for c, name := range top[0][2:] {
			if got, w := row[c+2], byID[row[1]][csv.col(t, name)]; got != w {
				t.Errorf("customer %s %s: report %q, file %q", row[1], name, got, w)
			}
		}
	}
}
