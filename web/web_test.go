// Package web holds the calculator page's browser tests: TestBrowser builds
// the page (node build.mjs), computes the expected numbers with the Go core
// and the clv binary, serves web/dist and runs e2e/run.mjs in headless
// Chromium.
package web

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/core/formula"
	"github.com/clvkit/clvkit/wasm/bind"
)

// need fails (CI=true) or skips (elsewhere) when a tool is missing.
func need(t *testing.T, what, fix string, ok bool) {
	t.Helper()
	if ok {
		return
	}
	msg := fmt.Sprintf("browser tests need %s: %s", what, fix)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are not short")
	}
	node, err := exec.LookPath("node")
	need(t, "node", "install Node.js 20+", err == nil)
	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	need(t, "Chromium at "+chromium, "apt-get install -y chromium (or set CHROMIUM)", exists(chromium))
	need(t, "web/node_modules", "run npm ci in web/", exists("node_modules/playwright-core") && exists("node_modules/esbuild") && exists("node_modules/chart.js"))

	root, _ := filepath.Abs("..")
	tmp := t.TempDir()
	out := filepath.Join(root, "web", "test-results")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	run := func(dir string, env []string, name string, args ...string) {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir, cmd.Stdout, cmd.Stderr = dir, os.Stderr, os.Stderr
		cmd.Env = append(os.Environ(), env...)
		if err := cmd.Run(); err != nil {
			t.Fatalf("%s %s: %v", name, strings.Join(args, " "), err)
		}
	}
	run(filepath.Join(root, "web"), nil, node, "build.mjs")

	// clv score on CDNOW with the page's defaults and no formula columns.
	clv := filepath.Join(tmp, "clv")
	run(root, nil, "go", "build", "-o", clv, "./host")
	cdnow := filepath.Join(root, "examples", "cdnow", "transactions.csv")
	cfg := filepath.Join(tmp, "clv.toml")
	scores := filepath.Join(tmp, "scores.csv")
	writeFile(t, cfg, fmt.Sprintf(`[input]
path = %q
date_format = "YYYY-MM-DD"
[input.columns]
customer = "customer_id"
date = "date"
amount = "amount"
[time]
grain = "day"
unit = "week"
observation_end = "1997-09-30"
[model]
purchase = "bgnbd"
spend = "gammagamma"
horizon_months = 12
annual_discount_rate = 0.10
margin = 0.30
[output]
path = %q
precision = 6
`, cdnow, scores))
	run(root, nil, clv, "score", "--config", cfg, "--quiet")
	// The same scoring under the other purchase models: the page's
	// download must equal clv score's for every one (e2e/run.mjs).
	modelScores := map[string]string{}
	for _, m := range []string{"paretonbd", "mbgnbd"} {
		b, err := os.ReadFile(cfg)
		if err != nil {
			t.Fatal(err)
		}
		mcfg, mscores := filepath.Join(tmp, m+".toml"), filepath.Join(tmp, m+"-scores.csv")
		text := strings.Replace(string(b), `purchase = "bgnbd"`, fmt.Sprintf("purchase = %q", m), 1)
		writeFile(t, mcfg, strings.Replace(text, fmt.Sprintf("path = %q", scores), fmt.Sprintf("path = %q", mscores), 1))
		run(root, nil, clv, "score", "--config", mcfg, "--quiet")
		modelScores[m] = mscores
	}

	exp := map[string]any{"calc": calcExpected(t), "cdnow": cdnowExpected(t, cdnow, scores)}
	exp["models"] = modelScores
	exp["plugins"] = pluginsExpected(t, root, tmp, clv) // plugins_test.go
	exp["compare"] = compareExpected(t, root, tmp, clv) // compare_test.go
	exp["cohorts"] = cohortsExpected(t, clv, cfg, cdnow, tmp)
	exp["pagefix"] = pagefixExpected(t, tmp, cdnow) // pagefix_test.go
	exp["pageux"] = pageuxExpected(t, root, tmp)    // pageux_test.go
	exp["groups"] = groupsExpected(t, tmp)          // groups_test.go
	if os.Getenv("CLV_E2E_BIG") != "0" {
		exp["big"] = bigExpected(t, filepath.Join(tmp, "big.csv"))
	}
	b, _ := json.MarshalIndent(exp, "", "  ")
	expPath := filepath.Join(tmp, "expected.json")
	writeFile(t, expPath, string(b))

	srv := httptest.NewServer(http.FileServer(http.Dir(filepath.Join(root, "web", "dist"))))
	defer srv.Close()
	// The suite takes 1-3 minutes on an idle 2-core machine; the bound only
	// stops a hung browser (speed is measured by benchmarks).
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join(root, "web", "e2e", "run.mjs"))
	cmd.Dir = filepath.Join(root, "web")
	cmd.Env = append(os.Environ(), "CLV_URL="+srv.URL+"/index.html", "CLV_EXPECTED="+expPath, "CLV_OUT="+out, "CHROMIUM="+chromium)
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		t.Log(sc.Text())
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("browser checks failed (%v); screenshots and figures in %s", err, out)
	}
}

func writeFile(t *testing.T, p, s string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// calcExpected computes the calculator's numbers with core/formula's typed
// functions for the defaults and for the inputs the browser test types.
func calcExpected(t *testing.T) map[string]any {
	must := func(v float64, err error) float64 {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// Typed: AOV 120, 4 orders a year, 3 years, 40 % margin, 8 % discount,
	// CAC 80; ARPA left empty = 120 × 4 ÷ 12 = 40; horizon 5 years, target
	// 3:1 (defaults). Retention follows the lifespan: 1 − 1/3 = 2/3.
	aov, freq, life, gm, ret, disc, cac, arpa := 120.0, 4.0, 3.0, 0.4, 1-1/3.0, 0.08, 80.0, 40.0
	m := aov * freq * gm // margin per year, 192
	marginCLV := must(formula.MarginCLV(aov, freq, life, gm))
	in := bind.DefaultInput()
	in.AOV, in.Frequency, in.Lifespan, in.GrossMargin, in.Discount, in.CAC = aov, freq, life, gm, disc, cac
	return map[string]any{
		"defaults": map[string]any{"marginClv": must(formula.MarginCLV(100, 3, 5, 0.3))},
		"typed": map[string]any{
			"inputs":    map[string]float64{"aov": aov, "frequency": freq, "lifespan": life, "grossMargin": 40, "discount": 8, "cac": cac},
			"marginClv": marginCLV,
			"formulas": map[string]float64{
				formula.IDAOVFrequencyLifespan: must(formula.AOVFrequencyLifespan(aov, freq, life)),
				formula.IDAOVFrequencyChurn:    must(formula.AOVFrequencyChurn(aov, freq, 1/life)),
				formula.IDMarginCLV:            marginCLV,
				formula.IDRevenueYearsCAC:      must(formula.RevenueYearsCAC(aov*freq, life, cac)),
				formula.IDRetentionA:           must(formula.RetentionA(m, ret, disc)),
				formula.IDRetentionB:           must(formula.RetentionB(m, ret, disc)),
				formula.IDRetentionC:           must(formula.RetentionC(m, ret, disc)),
				formula.IDRetentionTruncated:   must(formula.RetentionTruncated(m, ret, disc, 5)),
				formula.IDSubscriptionLTV:      must(formula.SubscriptionLTV(arpa, gm, 1-math.Pow(1-1/life, 1.0/12))),
				formula.IDCACPaybackMonths:     must(formula.CACPaybackMonths(cac, arpa, gm)),
				formula.IDLTVCACRatio:          must(formula.LTVCACRatio(marginCLV, cac)),
				formula.IDMaxCAC:               must(formula.MaxCAC(marginCLV, 3)),
				// Value to date and tenure left at their defaults, 250 and 2 years.
				formula.IDHistoricPlusRemaining: must(formula.HistoricPlusRemaining(250, 2, life, m, disc)),
			},
			"ltvCac":         must(formula.LTVCACRatio(marginCLV, cac)),
			"paybackMonths":  must(formula.CACPaybackMonths(cac, arpa, gm)),
			"maxCac":         must(formula.MaxCAC(marginCLV, 3)),
			"custom":         marginCLV - cac,
			"breakEvenMonth": bind.Calculate(in).Journey.BreakEvenMonth,
		},
	}
}

// cdnowExpected fits CDNOW natively through the same binding the page uses,
// and times it (best of 3) for the 3× budget.
func cdnowExpected(t *testing.T, path, scores string) map[string]any {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var s bind.Session
	ins := s.Load(data)
	best := math.Inf(1)
	var res *bind.Scored
	for range 3 {
		res, err = s.Score(context.Background(), marginSettings(ins, "1997-09-30", 0.3), nil)
		if err != nil {
			t.Fatal(err)
		}
		best = math.Min(best, res.Milliseconds.Score)
	}
	params := map[string]map[string]float64{"bgnbd": {}, "gammagamma": {}}
	for i, n := range res.Purchase.Names {
		params["bgnbd"][n] = float64(res.Purchase.Params[i])
	}
	for i, n := range res.Spend.Names {
		params["gammagamma"][n] = float64(res.Spend.Params[i])
	}
	return map[string]any{
		"path": path, "clvScoreCsv": scores, "params": params, "nativeScoreMs": best,
		// Fader, Hardie & Lee (2005): r, α, a, b.
		"paper": []float64{0.2426, 4.4136, 0.7929, 2.4259},
	}
}

// bigExpected writes a synthetic log of 100,000 customers drawn from a
// BG/NBD process with CDNOW-like parameters (λ ~ Gamma(0.25, rate 4 per
// week), dropout p ~ Beta(0.8, 2.4) after each repeat purchase), first
// purchases in the first 12 weeks of 2024, observed to 2024-09-30, and fits
// it natively.
func bigExpected(t *testing.T, path string) map[string]any {
	const n = 100000
	rng := rand.New(rand.NewPCG(1, 2))
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	const end = 274.0 // days, 2024-01-01 .. 2024-09-30
	var b strings.Builder
	b.WriteString("customer_id,order_date,total\n")
	for c := 1; c <= n; c++ {
		lambda := gamma(rng, 0.25) / 4 / 7 // purchases per day
		x, y := gamma(rng, 0.8), gamma(rng, 2.4)
		p := x / (x + y)
		day := float64(rng.IntN(84)) + rng.Float64()
		spend := 15 + 60*rng.Float64()
		fmt.Fprintf(&b, "C%06d,%s,%.2f\n", c, start.AddDate(0, 0, int(day)).Format("2006-01-02"), spend*(0.5+rng.Float64()))
		for lambda > 0 {
			day += rng.ExpFloat64() / lambda
			if day >= end {
				break
			}
			fmt.Fprintf(&b, "C%06d,%s,%.2f\n", c, start.AddDate(0, 0, int(day)).Format("2006-01-02"), spend*(0.5+rng.Float64()))
			if rng.Float64() < p {
				break
			}
		}
	}
	writeFile(t, path, b.String())
	var s bind.Session
	ins := s.Load([]byte(b.String()))
	res, err := s.Score(context.Background(), marginSettings(ins, "2024-09-30", 0.3), nil)
	if err != nil {
		t.Fatal(err)
	}
	p := make([]float64, len(res.Purchase.Params))
	for i, v := range res.Purchase.Params {
		p[i] = float64(v)
	}
	return map[string]any{"path": path, "customers": res.Customers, "observationEnd": "2024-09-30", "params": p,
		"nativeMs": res.Milliseconds.Summarize + res.Milliseconds.Score}
}

// gamma draws from Gamma(shape, 1) (Marsaglia & Tsang 2000, with the
// U^(1/shape) boost for shape < 1).
func gamma(rng *rand.Rand, shape float64) float64 {
	if shape < 1 {
		return gamma(rng, shape+1) * math.Pow(rng.Float64(), 1/shape)
	}
	d := shape - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := rng.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := rng.Float64()
		if math.Log(u) < 0.5*x*x+d-d*v+d*math.Log(v) {
			return d * v
		}
	}
}

// marginSettings is the page's settings for an inspected file with the
// observation end and margin given and every other setting at its default.
func marginSettings(ins bind.Inspection, observationEnd string, margin float64) bind.Settings {
	st := bind.NewSettings(ins, observationEnd)
	st.Margin = margin
	return st
}
