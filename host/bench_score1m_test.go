package main

import (
	"bufio"
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"gonum.org/v1/gonum/stat/distuv"
)

// writeBGNBDSpendSummary writes writeBGNBDSummary's 1M customers with a
// monetary_value column: each repeat buyer's mean spend over x purchases
// drawn from the Gamma-Gamma at the CDNOW spend parameters (FHL 2005b:
// p 6.25, q 3.74, γ 15.44; the mean of x Gamma(p, ν) values is
// Gamma(p·x, ν)/x with ν ~ Gamma(q, γ)), rounded to cents; 0 for x = 0.
// Fixed seed, so the file is the same on every run.
func writeBGNBDSpendSummary(path string, n int) error {
	plain := path + ".plain"
	if _, err := writeBGNBDSummary(plain, n); err != nil {
		return err
	}
	data, err := os.ReadFile(plain)
	os.Remove(plain)
	if err != nil {
		return err
	}
	src := rand.NewPCG(2005, 10)
	out := make([]byte, 0, len(data)+8*n)
	first := true
	for line := range bytes.Lines(data) {
		line = bytes.TrimSuffix(line, []byte("\n"))
		out = append(out, line...)
		if first {
			out = append(out, ",monetary_value\n"...)
			first = false
			continue
		}
		f := bytes.Split(line, []byte(","))
		x, err := strconv.Atoi(string(f[1]))
		if err != nil {
			return fmt.Errorf("frequency %q: %w", f[1], err)
		}
		m := 0.0
		if x > 0 {
			nu := distuv.Gamma{Alpha: 3.74, Beta: 15.44, Src: src}.Rand()
			m = distuv.Gamma{Alpha: 6.25 * float64(x), Beta: nu, Src: src}.Rand() / float64(x)
		}
		out = append(out, ',')
		out = strconv.AppendFloat(out, m, 'f', 2, 64)
		out = append(out, '\n')
	}
	return os.WriteFile(path, out, 0o644)
}

// scoreSummaryConfig is a clv.toml scoring the summary written by
// writeBGNBDSpendSummary: BG/NBD and Gamma-Gamma, a 12-month horizon,
// RFM and segments as by default.
func scoreSummaryConfig(input, output string) string {
	return fmt.Sprintf(`[input]
path = %q
kind = "summary"

[input.columns]
customer = "customer_id"
frequency = "frequency"
recency = "recency"
T = "T"
monetary_value = "monetary_value"

[time]
unit = "week"

[model]
purchase = "bgnbd"
spend = "gammagamma"
horizon_months = 12
annual_discount_rate = 0.10
margin = 0.30

[output]
path = %q
precision = 6
`, input, output)
}

// BenchmarkScoreBGNBD1M times the whole `clv score` process on the 1M
// customers of BenchmarkFitBGNBD1M with a spend column
// (writeBGNBDSpendSummary): read, BG/NBD fit, Gamma-Gamma fit, P(alive),
// expected purchases, expected spend, CLV, RFM, segments, and writing the
// 1M-row scores file; against the in-run baseline of reading every
// record of the same file with encoding/csv (internal/csvbaseline). The
// two are run interleaved three times and the minimum wall time of each
// is used. With CLV_SCORE_TIMING=1 in the environment clv score prints
// where the time goes on stderr; the benchmark logs it. It reports
//
//	score/baseline        the figure to compare between commits
//	score-s, baseline-s   minimum wall times (goal: score-s ≤ 1)
//
// Run: make bench, or
//
//	go test ./host -run '^$' -bench ScoreBGNBD1M -benchtime 1x
func BenchmarkScoreBGNBD1M(b *testing.B) {
	tmp := b.TempDir()
	in := filepath.Join(tmp, "summary.csv")
	begin := time.Now()
	if err := writeBGNBDSpendSummary(in, 1_000_000); err != nil {
		b.Fatal(err)
	}
	st, _ := os.Stat(in)
	b.Logf("generated 1M customers with spend, %.0f MB in %.1fs", float64(st.Size())/1e6, time.Since(begin).Seconds())
	baseline := csvBaseline(b)
	cfg := filepath.Join(tmp, "clv.toml")
	out := filepath.Join(tmp, "scores.csv")
	writeFile(b, cfg, scoreSummaryConfig(in, out))
	steps := []benchStep{
		{"baseline", invocation{bin: baseline, args: []string{in}}},
		{"score", invocation{args: []string{"score", "--config", cfg, "--quiet"}, env: []string{"CLV_SCORE_TIMING=1"}}},
	}
	runs := interleaveRounds(b, steps, timingLine)
	f, err := os.Open(out)
	if err != nil {
		b.Fatal(err)
	}
	lines := 0
	for sc := bufio.NewScanner(f); sc.Scan(); {
		lines++
	}
	f.Close()
	if lines != 1_000_001 {
		b.Fatalf("scores.csv has %d lines, want 1,000,001 (header + one per customer)", lines)
	}
	base, score := runs["baseline"].best.Seconds(), runs["score"].best.Seconds()
	b.ReportMetric(score/base, "score/baseline")
	b.ReportMetric(base, "baseline-s")
	b.ReportMetric(score, "score-s")
	fmt.Fprintf(os.Stderr, "BenchmarkScoreBGNBD1M: baseline %.3fs, clv score %.3fs (%.2f× baseline)\n", base, score, score/base)
}
