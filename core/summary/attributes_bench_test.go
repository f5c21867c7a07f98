package summary

import (
	"bytes"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"
)

const (
	attrBenchRows      = 2_000_000
	attrBenchCustomers = 200_000
)

// makeAttrBenchData is a log of attrBenchRows rows and attrBenchCustomers
// customers (fixed seed) with a channel column: each customer has one of
// five channels on all rows, except 1 row in 50 that names another one.
func makeAttrBenchData() []byte {
	r := rand.New(rand.NewPCG(3, 4))
	chans := []string{"email", "paid_search", "social", "affiliate", "organic"}
	var dates [731][]byte
	for i := range dates {
		dates[i] = []byte(time.Date(2020, 1, 1+i, 0, 0, 0, 0, time.UTC).Format(time.DateOnly))
	}
	buf := make([]byte, 0, attrBenchRows*36)
	buf = append(buf, "customer_id,date,amount,channel\n"...)
	for range attrBenchRows {
		id := r.IntN(attrBenchCustomers) + 1
		buf = strconv.AppendInt(buf, int64(id), 10)
		buf = append(buf, ',')
		buf = append(buf, dates[r.IntN(len(dates))]...)
		buf = append(buf, ',')
		cents := 100 + r.IntN(49_901)
		buf = strconv.AppendInt(buf, int64(cents/100), 10)
		buf = append(buf, '.', byte('0'+cents/10%10), byte('0'+cents%10), ',')
		ch := chans[id%len(chans)]
		if r.IntN(50) == 0 {
			ch = chans[r.IntN(len(chans))]
		}
		buf = append(buf, ch...)
		buf = append(buf, '\n')
	}
	return buf
}

// BenchmarkAttributes summarizes the same 2M-row log with and without the
// channel attribute, benchRounds times each, interleaved, and reports the
// minimum of each and their ratio (x-without), in wall time and in CPU
// time (cpu-x-without): the cost of tracking an attribute at the first
// purchase.
func BenchmarkAttributes(b *testing.B) {
	data := makeAttrBenchData()
	opt := CSVOptions{Header: true, Columns: Columns{Customer: "customer_id", Date: "date", Amount: "amount"}}
	best := [2]time.Duration{math.MaxInt64, math.MaxInt64}
	cpu := [2]time.Duration{math.MaxInt64, math.MaxInt64}
	for b.Loop() {
		for range benchRounds {
			for k, attrs := range [][]string{nil, {"channel"}} {
				start, startCPU := time.Now(), cpuTime()
				bl, err := NewBuilder(Options{ObservationEnd: date("2021-12-31"), Unit: Weeks, Attributes: attrs})
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
				best[k] = min(best[k], time.Since(start))
				cpu[k] = min(cpu[k], cpuTime()-startCPU)
				if (s.Attributes != nil) != (attrs != nil) || len(s.Customers) < attrBenchCustomers*99/100 {
					b.Fatalf("summary of %d customers", len(s.Customers))
				}
			}
		}
	}
	without, with := float64(best[0].Nanoseconds())/attrBenchRows, float64(best[1].Nanoseconds())/attrBenchRows
	b.ReportMetric(without, "without-ns/row")
	b.ReportMetric(with, "ns/row")
	b.ReportMetric(with/without, "x-without")
	// CPU time (user + system, all goroutines) is steadier than wall time
	// when other processes share the cores.
	b.ReportMetric(float64(cpu[1])/float64(cpu[0]), "cpu-x-without")
}
