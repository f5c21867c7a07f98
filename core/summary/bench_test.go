package summary

import (
	"bytes"
	"encoding/csv"
	"io"
	"math"
	"math/rand/v2"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"
)

const (
	benchRows      = 10_000_000
	benchCustomers = 1_000_000
)

var (
	benchOnce, benchHexOnce sync.Once
	benchLog, benchHexLog   []byte
)

// benchData returns a synthetic log of benchRows rows and benchCustomers
// customers (fixed seed): customer_id,date,amount with a header, integer
// ids, dates over 2020-2021 (YYYY-MM-DD), amounts 1.00..500.00.
func benchData() []byte {
	benchOnce.Do(func() { benchLog = makeBenchData(false) })
	return benchLog
}

// benchHexData is benchData with text ids: each integer id n becomes the 8
// hex digits of uint32(n)*2654435761 (a bijection), as in the host's
// end-to-end benchmark.
func benchHexData() []byte {
	benchHexOnce.Do(func() { benchHexLog = makeBenchData(true) })
	return benchHexLog
}

func makeBenchData(hex bool) []byte {
	{
		r := rand.New(rand.NewPCG(1, 2))
		var dates [731][]byte
		for i := range dates {
			dates[i] = []byte(time.Date(2020, 1, 1+i, 0, 0, 0, 0, time.UTC).Format(time.DateOnly))
		}
		buf := make([]byte, 0, benchRows*26)
		buf = append(buf, "customer_id,date,amount\n"...)
		for range benchRows {
			id := int64(r.IntN(benchCustomers)) + 1
			if hex {
				h := uint32(id) * 2654435761
				for sh := 28; sh >= 0; sh -= 4 {
					buf = append(buf, "0123456789abcdef"[h>>sh&0xf])
				}
			} else {
				buf = strconv.AppendInt(buf, id, 10)
			}
			buf = append(buf, ',')
			buf = append(buf, dates[r.IntN(len(dates))]...)
			buf = append(buf, ',')
			cents := 100 + r.IntN(49_901)
			buf = strconv.AppendInt(buf, int64(cents/100), 10)
			buf = append(buf, '.', byte('0'+cents/10%10), byte('0'+cents%10), '\n')
		}
		return buf
	}
}

// csvBaseline reads every record of r with encoding/csv (ReuseRecord) and
// does nothing else.
func csvBaseline(b *testing.B, r io.Reader) int {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	n := 0
	for {
		_, err := cr.Read()
		if err == io.EOF {
			return n
		}
		if err != nil {
			b.Fatal(err)
		}
		n++
	}
}

// peakHeap samples HeapInuse until stop is closed and returns the maximum.
func peakHeap(stop <-chan struct{}) <-chan uint64 {
	out := make(chan uint64, 1)
	go func() {
		var ms runtime.MemStats
		var peak uint64
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			select {
			case <-stop:
				out <- peak
				return
			case <-t.C:
			}
		}
	}()
	return out
}

// BenchmarkCSVBaseline10M is the reference: encoding/csv reading the 10M-row
// log and doing nothing else.
func BenchmarkCSVBaseline10M(b *testing.B) {
	data := benchData()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		csvBaseline(b, bytes.NewReader(data))
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchRows, "ns/row")
}

// benchRounds is how many times BenchmarkSummarize10M times the baseline
// and the summary, interleaved.
const benchRounds = 3

// BenchmarkSummarize10M summarizes the 10M-row, 1M-customer log (ReadCSV +
// Summary) and compares it with the encoding/csv baseline on the same bytes.
// On a shared machine a single timing of either is noisy, so each
// iteration times both benchRounds times, interleaved (baseline, summary,
// baseline, ...), and keeps the minimum of each: x-baseline is the ratio
// of the minima. peak-MB is the largest heap in use during a summary,
// sampled every 10 ms, above what was in use before it (the input).
func BenchmarkSummarize10M(b *testing.B) { benchSummarize(b, benchData()) }

// BenchmarkSummarize10MHex is BenchmarkSummarize10M with 8-hex-digit text
// ids (benchHexData), keyed by string rather than by integer value.
func BenchmarkSummarize10MHex(b *testing.B) { benchSummarize(b, benchHexData()) }

func benchSummarize(b *testing.B, data []byte) {
	opt := CSVOptions{Header: true, Columns: Columns{Customer: "customer_id", Date: "date", Amount: "amount"}}
	var ms runtime.MemStats
	best := [2]time.Duration{math.MaxInt64, math.MaxInt64}
	var peak uint64
	for b.Loop() {
		for range benchRounds {
			runtime.GC()
			start := time.Now()
			if n := csvBaseline(b, bytes.NewReader(data)); n != benchRows+1 {
				b.Fatalf("baseline read %d records", n)
			}
			best[0] = min(best[0], time.Since(start))

			runtime.GC()
			runtime.ReadMemStats(&ms)
			before := ms.HeapInuse
			stop := make(chan struct{})
			p := peakHeap(stop)
			start = time.Now()
			bl, err := NewBuilder(Options{ObservationEnd: date("2021-12-31"), Unit: Weeks})
			if err != nil {
				b.Fatal(err)
			}
			if err := ReadCSV(bytes.NewReader(data), opt, bl); err != nil {
				b.Fatal(err)
			}
			s, err := bl.Summary()
			if err != nil {
				b.Fatal(err)
			}
			best[1] = min(best[1], time.Since(start))
			close(stop)
			pk := <-p
			peak = max(peak, pk-min(pk, before))
			if len(s.Customers) < benchCustomers*99/100 || s.Report.Rows != benchRows {
				b.Fatalf("summary of %d customers from %d rows", len(s.Customers), s.Report.Rows)
			}
		}
	}
	base, sum := float64(best[0].Nanoseconds())/benchRows, float64(best[1].Nanoseconds())/benchRows
	b.ReportMetric(sum, "ns/row")
	b.ReportMetric(base, "baseline-ns/row")
	b.ReportMetric(sum/base, "x-baseline")
	b.ReportMetric(float64(peak)/(1<<20), "peak-MB")
}
