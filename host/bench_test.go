package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// benchRows is the size of the benchmark's transaction log: 10M rows (about
// 1M customers), or CLV_BENCH_ROWS.
func benchRows(b *testing.B) int {
	if s := os.Getenv("CLV_BENCH_ROWS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1000 {
			b.Fatalf("CLV_BENCH_ROWS=%q: want a number ≥ 1000", s)
		}
		return n
	}
	return 10_000_000
}

// BenchmarkEndToEnd times the real binary on a synthetic 10M-row log with
// amounts (writeSynthLog, fixed seed): clv summarize, clv score, and the
// baseline of reading every record with encoding/csv
// (internal/csvbaseline). The machine is shared, so the three are run
// interleaved three times and the minimum wall time of each is used. It
// reports
//
//	summarize/baseline  target ≤ 3
//	score/summarize     target ≤ 3
//	score-peak-RSS-MB   peak resident memory of clv score (max over runs), target < 1024
//
// and the minimum wall times in seconds. Run: make bench, or
//
//	go test ./host -run '^$' -bench EndToEnd -benchtime 1x
func BenchmarkEndToEnd(b *testing.B) {
	tmp := b.TempDir()
	in := filepath.Join(tmp, "orders.csv")
	begin := time.Now()
	l, err := writeSynthLog(in, benchRows(b), 42)
	if err != nil {
		b.Fatal(err)
	}
	st, _ := os.Stat(in)
	b.Logf("generated %d rows, %d customers, %.0f MB in %.1fs", l.Rows, l.Customers, float64(st.Size())/1e6, time.Since(begin).Seconds())
	baseline := csvBaseline(b)
	cfg := filepath.Join(tmp, "clv.toml")
	writeFile(b, cfg, synthConfig(in, filepath.Join(tmp, "scores.csv"), l))
	steps := []benchStep{
		{"baseline", invocation{bin: baseline, args: []string{in}}},
		{"summarize", invocation{args: []string{"summarize", "--input", in, "--amount", "amount", "--unit", "week",
			"--observation-end", l.ObservationEnd, "--out", filepath.Join(tmp, "summary.csv"), "--quiet"}}},
		{"score", invocation{args: []string{"score", "--config", cfg, "--quiet"}}},
	}
	runs := interleaveRounds(b, steps, rssLine)
	rssKB := runs["score"].peakRSS
	base, sum, score := runs["baseline"].best.Seconds(), runs["summarize"].best.Seconds(), runs["score"].best.Seconds()
	b.ReportMetric(sum/base, "summarize/baseline")
	b.ReportMetric(score/sum, "score/summarize")
	b.ReportMetric(float64(rssKB)/1024, "score-peak-RSS-MB")
	b.ReportMetric(base, "baseline-s")
	b.ReportMetric(sum, "summarize-s")
	b.ReportMetric(score, "score-s")
	b.ReportMetric(float64(l.Rows)/score, "score-rows/s")
	fmt.Fprintf(os.Stderr, "BenchmarkEndToEnd: %d rows, %d customers: baseline %.2fs, summarize %.2fs (%.2f× baseline), score %.2fs (%.2f× summarize), score peak RSS %.0f MB\n",
		l.Rows, l.Customers, base, sum, sum/base, score, score/sum, float64(rssKB)/1024)
}

// rssLine is a round's log line with the step's peak resident memory.
func rssLine(round int, s benchStep, r result) string {
	return fmt.Sprintf("round %d %-9s %6.2fs  peak RSS %5d MB", round, s.name, r.elapsed.Seconds(), r.maxRSSKB/1024)
}
