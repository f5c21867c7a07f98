package main

import (
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/clvkit/clvkit/core/model"
)

// lifetimesBGNBD1MSeconds is lifetimes 0.11.3's time to fit the BG/NBD on
// the 1M-customer summary of writeBGNBDSummary (issue 9, measured outside
// this benchmark: Python cannot be assumed here).
const lifetimesBGNBD1MSeconds = 19.6

// writeBGNBDSummary writes n customers drawn from the BG/NBD at the CDNOW
// parameters (FHL 2005: r 0.2426, α 4.4136, a 0.7929, b 2.4259; fixed seed)
// as a summary CSV. Each customer's T (weeks, real-valued) is drawn from
// CDNOW's T column; frequency, recency and T are written in full precision,
// so the repeat buyers' rows are nearly all distinct (about 400k distinct
// rows per 1M customers).
func writeBGNBDSummary(path string, n int) (distinctT int, err error) {
	f, err := os.Open(filepath.Join(repoRoot, "core", "model", "testdata", "cdnow_customers_summary.csv"))
	if err != nil {
		return 0, err
	}
	recs, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		return 0, err
	}
	var ts []float64
	for _, r := range recs[1:] {
		t, err := strconv.ParseFloat(r[3], 64)
		if err != nil {
			return 0, fmt.Errorf("cdnow T %q: %w", r[3], err)
		}
		ts = append(ts, t)
	}
	m := model.BGNBD{R: 0.2426, Alpha: 4.4136, A: 0.7929, B: 2.4259}
	src := rand.NewPCG(2005, 9)
	rng := rand.New(src)
	b := make([]byte, 0, 40*n)
	b = append(b, "customer_id,frequency,recency,T\n"...)
	var times []float64
	for i := range n {
		T := ts[rng.IntN(len(ts))]
		times = m.PurchaseTimes(src, T, times[:0])
		x, tx := float64(len(times)), 0.0
		if len(times) > 0 {
			tx = times[len(times)-1]
		}
		b = strconv.AppendInt(b, int64(i+1), 10)
		for _, v := range [3]float64{x, tx, T} {
			b = append(b, ',')
			b = strconv.AppendFloat(b, v, 'g', -1, 64)
		}
		b = append(b, '\n')
	}
	return len(ts), os.WriteFile(path, b, 0o644)
}

// BenchmarkFitBGNBD1M times the whole `clv fit --model bgnbd --input
// synth.csv --json` process (CSV read, compress, fit, standard errors,
// frequency histogram, print) on 1M simulated customers
// (writeBGNBDSummary), against the in-run baseline of reading every record
// of the same file with encoding/csv (internal/csvbaseline). The machine is
// shared, so the two are run interleaved three times and the minimum wall
// time of each is used. With CLV_FIT_TIMING=1 in the environment clv fit
// prints the split (read, compress, fit, SEs, histogram) on stderr; the
// benchmark logs it. It reports
//
//	fit/baseline            the figure to compare between commits
//	lifetimes/clv           lifetimes' 19.6 s over ours, target ≥ 20
//	fit-s, baseline-s       minimum wall times
//
// Run: make bench, or
//
//	go test ./host -run '^$' -bench FitBGNBD1M -benchtime 1x
func BenchmarkFitBGNBD1M(b *testing.B) {
	tmp := b.TempDir()
	in := filepath.Join(tmp, "synth.csv")
	begin := time.Now()
	if _, err := writeBGNBDSummary(in, 1_000_000); err != nil {
		b.Fatal(err)
	}
	st, _ := os.Stat(in)
	b.Logf("generated 1M customers, %.0f MB in %.1fs", float64(st.Size())/1e6, time.Since(begin).Seconds())
	baseline := csvBaseline(b)
	steps := []benchStep{
		{"baseline", invocation{bin: baseline, args: []string{in}}},
		{"fit", invocation{args: []string{"fit", "--model", "bgnbd", "--input", in, "--json"}, env: []string{"CLV_FIT_TIMING=1"}}},
	}
	runs := interleaveRounds(b, steps, timingLine)
	base, fit := runs["baseline"].best.Seconds(), runs["fit"].best.Seconds()
	b.ReportMetric(fit/base, "fit/baseline")
	b.ReportMetric(lifetimesBGNBD1MSeconds/fit, "lifetimes/clv")
	b.ReportMetric(base, "baseline-s")
	b.ReportMetric(fit, "fit-s")
	fmt.Fprintf(os.Stderr, "BenchmarkFitBGNBD1M: baseline %.3fs, clv fit %.3fs (%.2f× baseline; lifetimes %.1fs: %.1f×)\n",
		base, fit, fit/base, lifetimesBGNBD1MSeconds, lifetimesBGNBD1MSeconds/fit)
}

// timingLine is a round's log line with what the step printed on stderr
// (the CLV_FIT_TIMING and CLV_SCORE_TIMING splits).
func timingLine(round int, s benchStep, r result) string {
	return fmt.Sprintf("round %d %-8s %6.3fs %s", round, s.name, r.elapsed.Seconds(), r.stderr)
}
