package main

// End-to-end tests of static covariates (issue 14): clv fit --config with
// --covariates or [model] covariates_trans/covariates_life on a transaction
// log with a channel column, its γ, standard errors and likelihood-ratio
// test in the text and JSON reports, clv score with covariates, and the
// errors.

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/core/model"
)

// channelLog writes dir/orders.csv: n customers, a third from "email" and
// the rest from "search", whose purchase days come from a BG/NBD with
// covariates where email customers buy e^0.8 ≈ 2.2 times as often while
// alive (γ_trans = 0.8, γ_life = 0). Seed 5; first purchases in 2024-01..09,
// observation end 2024-12-31; every row repeats the customer's channel.
func channelLog(t *testing.T, dir string, n int) {
	t.Helper()
	rng := rand.New(rand.NewPCG(5, 7))
	m := model.BGNBDCov{BGNBD: model.BGNBD{R: 0.6, Alpha: 4, A: 0.8, B: 2.4}, GammaTrans: []float64{0.8}, GammaLife: []float64{0}}
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC)
	var b strings.Builder
	b.WriteString("customer_id,date,amount,channel\n")
	var times []float64
	for i := range n {
		channel, z := "search", 0.0
		if i%3 == 0 {
			channel, z = "email", 1
		}
		first := start.AddDate(0, 0, rng.IntN(270))
		weeks := end.Sub(first).Hours() / 24 / 7
		times = m.For([]float64{z}, []float64{z}).PurchaseTimes(rng, weeks, times[:0])
		fmt.Fprintf(&b, "c%04d,%s,%.2f,%s\n", i, first.Format(time.DateOnly), 20+30*rng.Float64(), channel)
		for _, w := range times {
			d := first.AddDate(0, 0, int(w*7))
			if d.After(end) {
				d = end
			}
			fmt.Fprintf(&b, "c%04d,%s,%.2f,%s\n", i, d.Format(time.DateOnly), 20+30*rng.Float64(), channel)
		}
	}
	writeFile(t, filepath.Join(dir, "orders.csv"), b.String())
}

func channelConfig(t *testing.T, dir, model string) string {
	t.Helper()
	cfg := filepath.Join(dir, "clv.toml")
	writeFile(t, cfg, `[input]
path = "orders.csv"

[input.columns]
amount = "amount"

[time]
observation_end = "2024-12-31"

[model]
`+model+`

[output]
path = "scores.csv"
`)
	return cfg
}

type covFitJSON struct {
	Purchase struct {
		Params     map[string]float64 `json:"params"`
		StdErrors  map[string]float64 `json:"std_errors"`
		Covariates *covariateReport   `json:"covariates"`
	} `json:"purchase"`
}

func TestE2ECovariatesFit(t *testing.T) {
	dir := t.TempDir()
	channelLog(t, dir, 1500)
	for _, purchase := range []string{"bgnbd", "paretonbd"} {
		t.Run(purchase, func(t *testing.T) {
			cfg := channelConfig(t, dir, fmt.Sprintf("purchase = %q", purchase))
			r := invocation{args: []string{"fit", "--config", cfg, "--covariates", "channel", "--json"}, dir: dir}.exec(t).mustOK(t, "fit --covariates")
			var got covFitJSON
			if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
				t.Fatalf("%v\n%s", err, r.stdout)
			}
			c := got.Purchase.Covariates
			if c == nil || len(c.Trans) != 1 || len(c.Life) != 1 {
				t.Fatalf("covariates %+v", c)
			}
			tr := c.Trans[0]
			if tr.Column != "channel=email" || tr.Reference != "search" || tr.Level != "email" {
				t.Errorf("transaction covariate %+v: want channel=email against search, the most frequent", tr)
			}
			// The simulated effect is γ_trans = 0.8 (BG/NBD); the Pareto/NBD
			// is another model of the same data, so only its sign and
			// significance are checked.
			if !(tr.StdError > 0) || !(tr.Gamma > 0) || math.Abs(tr.ExpGamma-math.Exp(tr.Gamma)) > 1e-12*tr.ExpGamma {
				t.Errorf("transaction γ %+v", tr)
			}
			if purchase == "bgnbd" && math.Abs(tr.Gamma-0.8) > 2*tr.StdError {
				t.Errorf("γ_trans = %.3f ± %.3f: more than 2 SE from the simulated 0.8", tr.Gamma, tr.StdError)
			}
			if c.LRT.DF != 2 || !(c.LRT.PValue < 1e-3) || c.Groups != 2 {
				t.Errorf("LRT %+v, groups %d: want 2 df, p < 0.001, 2 groups", c.LRT, c.Groups)
			}
			if _, ok := got.Purchase.Params["trans:channel=email"]; !ok {
				t.Errorf("params %v lack trans:channel=email", got.Purchase.Params)
			}
			if se := got.Purchase.StdErrors["life:channel=email"]; !(se > 0) {
				t.Errorf("life γ standard error %v", se)
			}
			text := invocation{args: []string{"fit", "--config", cfg, "--covariates", "channel"}, dir: dir}.exec(t).mustOK(t, "fit --covariates (text)").stdout
			for _, want := range []string{"covariates of the transaction process", "channel=email", "likelihood-ratio test against the model without covariates: LR = ", "on 2 df"} {
				if !strings.Contains(text, want) {
					t.Errorf("text report lacks %q:\n%s", want, text)
				}
			}
		})
	}
}

func TestE2ECovariatesScore(t *testing.T) {
	dir := t.TempDir()
	channelLog(t, dir, 600)
	cfg := channelConfig(t, dir, `covariates_trans = ["channel"]
covariate_penalty = 0.001`)
	r := invocation{args: []string{"score", "--config", cfg}, dir: dir}.exec(t).mustOK(t, "score with covariates")
	report := r.stdout + r.stderr
	if want := "covariates: every customer scored at their own; against the model without them (log-likelihood "; !strings.Contains(report, want) {
		t.Errorf("score report lacks %q:\n%s", want, report)
	}
	if !strings.Contains(report, "trans:channel=email=") || !strings.Contains(report, "on 1 df, p = ") {
		t.Errorf("score report lacks the covariate's γ or the test:\n%s", report)
	}
	invocation{args: []string{"verify", filepath.Join(dir, "scores.csv.manifest.json")}, dir: dir}.exec(t).mustOK(t, "verify a covariate run")
	tb, val := scoresTable(t, dir)
	if len(tb.rows) != 600 {
		t.Fatalf("%d scored customers, want 600", len(tb.rows))
	}
	// c0000 (email) and c0001 (search): the covariate model's P(alive) of
	// a one-time buyer is 1 whatever the channel, but expected purchases
	// of customers with the same history differ by channel; at least the
	// column is there and finite for both.
	for _, id := range []string{"c0000", "c0001"} {
		if v := val(id, "expected_purchases"); v == "" {
			t.Errorf("%s: no expected_purchases", id)
		}
	}
	fit := invocation{args: []string{"fit", "--config", cfg, "--json"}, dir: dir}.exec(t).mustOK(t, "fit with covariates_trans")
	var got covFitJSON
	if err := json.Unmarshal([]byte(fit.stdout), &got); err != nil {
		t.Fatal(err)
	}
	if c := got.Purchase.Covariates; c == nil || len(c.Trans) != 1 || len(c.Life) != 0 || c.LRT.DF != 1 {
		t.Fatalf("covariates %+v: want one transaction covariate, 1 df", c)
	}
}

func TestE2ECovariatesErrors(t *testing.T) {
	dir := t.TempDir()
	channelLog(t, dir, 200)
	cases := []struct {
		name  string
		model string
		args  []string
		want  string
	}{
		{"unknown column", "", []string{"--covariates", "colour"}, `"colour"`},
		{"model without a covariate form", `purchase = "mbgnbd"`, []string{"--covariates", "channel"}, "no covariate form"},
		{"model file", "", []string{"--covariates", "channel", "--out", "m.json"}, "a model file holds a model without them"},
		{"empty name", "", []string{"--covariates", "channel,"}, "an empty attribute name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := channelConfig(t, dir, c.model)
			r := invocation{args: append([]string{"fit", "--config", cfg}, c.args...), dir: dir}.exec(t)
			if r.code == 0 || !strings.Contains(r.stderr, c.want) {
				t.Fatalf("exit %d, stderr %q: want an error with %q", r.code, r.stderr, c.want)
			}
		})
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--model", "bgnbd", "--input", filepath.Join(dir, "orders.csv"), "--covariates", "channel"}, "looks like a transaction log"},
		{[]string{"--model", "mbgnbd", "--input", filepath.Join(dir, "orders.csv"), "--covariates", "channel"}, `--model "mbgnbd" has no covariate form`},
		{[]string{"--model", "bgnbd", "--input", filepath.Join(dir, "orders.csv"), "--covariate-penalty", "1"}, "--covariate-penalty goes with --covariates"},
	} {
		r := clv(t, append([]string{"fit"}, c.args...)...)
		if r.code == 0 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("clv fit %v: exit %d, %q; want an error with %q", c.args, r.code, r.stderr, c.want)
		}
	}
}

// TestE2ECovariatesSummaryInput: clv fit --input on a per-customer summary
// with a channel column: 3,000 customers simulated from a BG/NBD with
// covariates (seed 9; a third "email" with γ_trans = 0.8, γ_life = 0; the
// rest "search"), CDNOW's design in weeks. The estimate lies within two
// standard errors of 0.8, and γ_life's within two of 0.
func TestE2ECovariatesSummaryInput(t *testing.T) {
	dir := t.TempDir()
	m := model.BGNBDCov{BGNBD: model.BGNBD{R: 0.2426, Alpha: 4.4135, A: 0.7929, B: 2.4258}, GammaTrans: []float64{0.8}, GammaLife: []float64{0}}
	z := func(i int) []float64 { return []float64{float64(btoi(i%3 == 0))} }
	sim, err := model.SimulateEach(func(i int) model.PurchaseProcess { return m.For(z(i), z(i)) },
		model.SimOptions{Customers: 3000, Seed: 9, BirthWindowDays: 84, ObservationDays: 273, DaysPerUnit: 7})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("customer_id,frequency,recency,T,channel\n")
	for i, r := range sim.Rows {
		ch := "search"
		if z(i)[0] == 1 {
			ch = "email"
		}
		fmt.Fprintf(&b, "c%d,%g,%g,%g,%s\n", i, r.X, r.TX, r.T, ch)
	}
	path := filepath.Join(dir, "summary.csv")
	writeFile(t, path, b.String())
	r := clv(t, "fit", "--model", "bgnbd", "--input", path, "--covariates", "channel", "--json").mustOK(t, "fit a summary with --covariates")
	var rep struct {
		Covariates *covariateReport `json:"covariates"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	c := rep.Covariates
	if c == nil || len(c.Trans) != 1 || len(c.Life) != 1 {
		t.Fatalf("covariates %+v", c)
	}
	if tr := c.Trans[0]; tr.Column != "channel=email" || math.Abs(tr.Gamma-0.8) > 2*tr.StdError {
		t.Errorf("γ_trans %+v: want channel=email within 2 SE of 0.8", tr)
	}
	if l := c.Life[0]; math.Abs(l.Gamma) > 2*l.StdError {
		t.Errorf("γ_life %+v: want within 2 SE of 0", l)
	}
	if !(c.LRT.PValue < 1e-3) || c.LRT.DF != 2 {
		t.Errorf("LRT %+v", c.LRT)
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestE2ECovariatesCustomerTable: with [attributes] path, the covariates
// come from the customer table. A table giving every customer the channel
// of the log gives the same fit, bit for bit, as the log's column.
func TestE2ECovariatesCustomerTable(t *testing.T) {
	dir := t.TempDir()
	channelLog(t, dir, 300)
	var b strings.Builder
	b.WriteString("customer_id,channel\n")
	for i := range 300 {
		ch := "search"
		if i%3 == 0 {
			ch = "email"
		}
		fmt.Fprintf(&b, "c%04d,%s\n", i, ch)
	}
	writeFile(t, filepath.Join(dir, "customers.csv"), b.String())
	fromLog := invocation{args: []string{"fit", "--config", channelConfig(t, dir, ""), "--covariates", "channel", "--json"}, dir: dir}.exec(t).mustOK(t, "covariates from the log")
	cfg := channelConfig(t, dir, "") + ".table"
	writeFile(t, cfg, string(readFile(t, filepath.Join(dir, "clv.toml")))+`
[attributes]
path = "customers.csv"
id = "customer_id"
columns = ["channel"]
`)
	fromTable := invocation{args: []string{"fit", "--config", cfg, "--covariates", "channel", "--json"}, dir: dir}.exec(t).mustOK(t, "covariates from the customer table")
	var a, c covFitJSON
	if err := json.Unmarshal([]byte(fromLog.stdout), &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(fromTable.stdout), &c); err != nil {
		t.Fatal(err)
	}
	if a.Purchase.Covariates == nil || fmt.Sprint(a.Purchase.Params) != fmt.Sprint(c.Purchase.Params) {
		t.Errorf("from the log %v, from the table %v", a.Purchase.Params, c.Purchase.Params)
	}
}
