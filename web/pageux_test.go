package web

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/core/formula"
	"github.com/clvkit/clvkit/core/score"
	"github.com/clvkit/clvkit/wasm/bind"
)

// pageuxExpected writes the files the page's "understandable numbers"
// checks (e2e/pageux.mjs) upload and computes their expected numbers with
// the Go core:
//   - cdnow-dc.csv: CDNOW without its header, separated by ";" and with
//     decimal commas ("29,33"), scored with the page's defaults;
//   - one-bad-date.csv: CDNOW with one date that does not parse (line
//     6001);
//   - slow.csv: 20,000 customers, for a run long enough to cancel (the
//     Pareto/NBD fit takes seconds).
func pageuxExpected(t *testing.T, root, tmp string) map[string]any {
	must := func(v float64, err error) float64 {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	data, err := os.ReadFile(filepath.Join(root, "examples", "cdnow", "transactions.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")

	// customer_id,date,cds,amount → customer;date;cds;amount with a comma.
	var dc strings.Builder
	for _, l := range lines[1:] {
		f := strings.Split(l, ",")
		fmt.Fprintf(&dc, "%s;%s;%s;%s\n", f[0], f[1], f[2], strings.Replace(f[3], ".", ",", 1))
	}
	dcPath := filepath.Join(tmp, "cdnow-dc.csv")
	writeFile(t, dcPath, dc.String())
	var s bind.Session
	ins := s.Load([]byte(dc.String()))
	last := s.Dates(ins.Guess, ins.DateFormat).Last
	// The page's settings: the detected columns and formats, its defaults
	// (BG/NBD with Gamma-Gamma, 12 months, 10 % a year, 30 % margin).
	st := bind.NewSettings(ins, last)
	st.AmountFormat, st.Purchase, st.Spend = ins.AmountFormat, score.BGNBD, score.SpendGammaGamma
	st.HorizonMonths, st.AnnualDiscountRate, st.Margin = 12, 0.10, 0.3
	res, err := s.Score(context.Background(), st, nil)
	if err != nil {
		t.Fatal(err)
	}
	firstRow := strings.Split(lines[1], ",")
	firstRow[3] = strings.Replace(firstRow[3], ".", ",", 1)

	// The bad date is past the lines the detector samples (detect.MaxLines),
	// so the date column is still found.
	bad := append([]string(nil), lines...)
	f := strings.Split(bad[6000], ",")
	f[1] = "1997-02-30" // no such day
	bad[6000] = strings.Join(f, ",")
	badPath := filepath.Join(tmp, "one-bad-date.csv")
	writeFile(t, badPath, strings.Join(bad, "\n")+"\n")

	// 20,000 customers with 1 to 8 orders in 2024 at random days, each
	// with their own typical order value (Gamma-Gamma's assumption, so the
	// spend model fits).
	rng := rand.New(rand.NewPCG(3, 4))
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	var slow strings.Builder
	slow.WriteString("customer_id,order_date,total\n")
	for c := 1; c <= 20000; c++ {
		first, typical := rng.IntN(180), 10*gamma(rng, 6)
		for k, n := 0, 1+rng.IntN(8); k < n; k++ {
			day := first + rng.IntN(366-first)
			if k == 0 {
				day = first
			}
			fmt.Fprintf(&slow, "C%06d,%s,%.2f\n", c, start.AddDate(0, 0, day).Format("2006-01-02"), typical*gamma(rng, 4)/4)
		}
	}
	slowPath := filepath.Join(tmp, "slow.csv")
	writeFile(t, slowPath, slow.String())
	var ss bind.Session
	sins := ss.Load([]byte(slow.String()))
	sres, err := ss.Score(context.Background(), marginSettings(sins, "2024-12-31", 0.3), nil)
	if err != nil || sres.Spend == nil || sres.Spend.Method != "gammagamma" {
		t.Fatalf("slow.csv must fit both models: %v %+v", err, sres)
	}

	return map[string]any{
		// Defaults: lifespan 5 years, so churn 0.2 and retention 0.8; margin
		// CLV 100 × 3 × 5 × 0.3 = 450.
		"defaults": map[string]any{"marginClv": must(formula.MarginCLV(100, 3, 5, 0.3)), "retention": 0.8},
		// Retention given as 70 %: lifespan 1 ÷ 0.3 = 3.33 years, margin CLV
		// 90 × 3.33 = 300; retention_b 90 × 1.1 ÷ 0.4 = 247.5.
		"retention70": map[string]any{
			"marginClv":  must(formula.MarginCLV(100, 3, 1/(1-0.7), 0.3)),
			"lifespan":   1 / (1 - 0.7),
			"retentionB": must(formula.RetentionB(90, 0.7, 0.1)),
		},
		"decimalComma": map[string]any{
			"path": dcPath, "customers": res.Customers, "totalClv": float64(res.TotalCLV), "observationEnd": last,
			"mapping": []string{ins.Guess.Customer, ins.Guess.Date, ins.Guess.Amount}, "amountFormat": ins.AmountFormat,
			"columns": ins.Columns, "firstRow": firstRow,
		},
		"oneBadDate": badPath,
		"slow":       slowPath,
		"tiers":      score.DefaultTiers().Labels,
	}
}
