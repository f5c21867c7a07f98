package summary

import (
	"bytes"
	"encoding/csv"
	"io"
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
	benchOnce sync.Once
	benchLog  []byte
)

// benchData returns a synthetic log of benchRows rows and benchCustomers
// customers (fixed seed): customer_id,date,amount with a header, integer
// ids, dates over 2020-2021 (YYYY-MM-DD), amounts 1.00..500.00.
func benchData() []byte {
	benchOnce.Do(func() {
		r := rand.New(rand.NewPCG(1, 2))
		var dates [731][]byte
		for i := range dates {
			dates[i] = []byte(time.Date(2020, 1, 1+i, 0, 0, 0, 0, time.UTC).Format(time.DateOnly))
		}
		buf := make([]byte, 0, benchRows*26)
		buf = append(buf, "customer_id,date,amount\n"...)
		for range benchRows {
			buf = strconv.AppendInt(buf, int64(r.IntN(benchCustomers))+1, 10)
			buf = append(buf, ',')
			buf = append(buf, dates[r.IntN(len(dates))]...)
			buf = append(buf, ',')
			cents := 100 + r.IntN(49_901)
			buf = strconv.AppendInt(buf, int64(cents/100), 10)
			buf = append(buf, '.', byte('0'+cents/10%10), byte('0'+cents%10), '\n')
		}
		benchLog = buf
	})
	return benchLog
}

// csvBaseline reads every record of data with encoding/csv (ReuseRecord)
// and does nothing else.
func csvBaseline(b *testing.B, data []byte) int {
	cr := csv.NewReader(bytes.NewReader(data))
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
		t := time.NewTicker(20 * time.Millisecond)
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
		csvBaseline(b, data)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchRows, "ns/row")
}

// BenchmarkSummarize10M summarizes the 10M-row, 1M-customer log (ReadCSV +
// Summary) and reports ns/row, the ratio to the encoding/csv baseline timed
// in the same run, and the peak heap in use above the input buffer.
func BenchmarkSummarize10M(b *testing.B) {
	data := benchData()
	runtime.GC()
	start := time.Now()
	csvBaseline(b, data)
	base := time.Since(start)

	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	before := ms.HeapInuse
	stop := make(chan struct{})
	peak := peakHeap(stop)

	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	var s Summary
	for b.Loop() {
		bl, err := NewBuilder(Options{ObservationEnd: date("2021-12-31"), Unit: Weeks})
		if err != nil {
			b.Fatal(err)
		}
		err = ReadCSV(bytes.NewReader(data), CSVOptions{
			Header:  true,
			Columns: Columns{Customer: "customer_id", Date: "date", Amount: "amount"},
		}, bl)
		if err != nil {
			b.Fatal(err)
		}
		if s, err = bl.Summary(); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	close(stop)
	p := <-peak
	if len(s.Customers) < benchCustomers*99/100 || s.Report.Rows != benchRows {
		b.Fatalf("summary of %d customers from %d rows", len(s.Customers), s.Report.Rows)
	}
	perRow := float64(b.Elapsed().Nanoseconds()) / float64(b.N) / benchRows
	b.ReportMetric(perRow, "ns/row")
	b.ReportMetric(float64(base.Nanoseconds())/benchRows, "baseline-ns/row")
	b.ReportMetric(perRow/(float64(base.Nanoseconds())/benchRows), "x-baseline")
	b.ReportMetric(float64(p-min(p, before))/(1<<20), "peak-MB")
	b.ReportMetric(float64(before)/(1<<20), "input-MB")
}
