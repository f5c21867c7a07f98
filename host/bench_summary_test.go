package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// lifetimesSummary10MSeconds is lifetimes 0.11.3's
// summary_data_from_transaction_data on a 10M-row log (issue 9, measured
// outside this benchmark: Python cannot be assumed here).
const lifetimesSummary10MSeconds = 33

// BenchmarkSummarize10MProcess times the whole `clv summarize` process on
// the synthetic 10M-row log of BenchmarkEndToEnd (writeSynthLog, fixed
// seed: 8-hex-digit ids, amounts), against the in-run baseline of reading
// every record of the same file with encoding/csv (internal/csvbaseline),
// without BenchmarkEndToEnd's clv score runs. The two are run interleaved
// three times and the minimum wall time of each is kept. It reports
//
//	summarize/baseline   against encoding/csv in the same run
//	lifetimes/clv        lifetimes' 33 s over ours, kept ≥ 10
//	summarize-s, baseline-s, summarize-peak-RSS-MB
//
// Run: make bench, or
//
//	go test ./host -run '^$' -bench Summarize10MProcess -benchtime 1x
func BenchmarkSummarize10MProcess(b *testing.B) {
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
	steps := []benchStep{
		{"baseline", invocation{bin: baseline, args: []string{in}}},
		{"summarize", invocation{args: []string{"summarize", "--input", in, "--amount", "amount", "--unit", "week",
			"--observation-end", l.ObservationEnd, "--out", filepath.Join(tmp, "summary.csv"), "--quiet"}}},
	}
	runs := interleaveRounds(b, steps, rssLine)
	rssKB := runs["summarize"].peakRSS
	base, sum := runs["baseline"].best.Seconds(), runs["summarize"].best.Seconds()
	b.ReportMetric(sum/base, "summarize/baseline")
	b.ReportMetric(lifetimesSummary10MSeconds/sum, "lifetimes/clv")
	b.ReportMetric(base, "baseline-s")
	b.ReportMetric(sum, "summarize-s")
	b.ReportMetric(float64(rssKB)/1024, "summarize-peak-RSS-MB")
	fmt.Fprintf(os.Stderr, "BenchmarkSummarize10MProcess: %d rows, %d customers: baseline %.2fs, summarize %.2fs (%.2f× baseline; lifetimes %ds: %.1f×)\n",
		l.Rows, l.Customers, base, sum, sum/base, lifetimesSummary10MSeconds, lifetimesSummary10MSeconds/sum)
}
