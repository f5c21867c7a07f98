//go:build unix

package summary

import (
	"bufio"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The order-line benchmark: an export with one row per order line, as
// shops write them. At full size (CLV_BENCH_ORDER_LINES=100000000) it is
// 100M lines: 1M customers, 20M orders over the two years 2020-2021, 1 to 9
// lines per order (5 on average), about 2.5 GB of CSV. By default it runs
// at a tenth of that (10M lines, 100k customers, 2M orders), which fits
// any machine: the full size writes the file to os.TempDir() (check its
// free space) and deletes it afterwards.
const (
	orderLinesEnv     = "CLV_BENCH_ORDER_LINES"
	orderLinesDefault = 10_000_000
	orderLinesChild   = "CLV_ORDER_LINES_CHILD" // the file a child process summarizes
)

// writeOrderLines writes an order-line log of about lines rows to path
// (fixed seed) and returns its number of rows. Orders come in date order,
// 10 per 50 lines on average, each of a customer drawn uniformly among
// lines/100 customers, with 1 to 9 lines of 1.00 to 200.00.
func writeOrderLines(path string, lines int) (int, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	customers := max(1, lines/100)
	orders := lines / 5
	r := rand.New(rand.NewPCG(3, 4))
	const days = 731
	var dates [days][]byte
	for i := range dates {
		dates[i] = []byte(time.Date(2020, 1, 1+i, 0, 0, 0, 0, time.UTC).Format(time.DateOnly))
	}
	w.WriteString("customer_id,date,amount\n")
	rows := 0
	var buf []byte
	for o := range orders {
		id := int64(r.IntN(customers)) + 1
		d := dates[int(int64(o)*days/int64(orders))]
		for range 1 + r.IntN(9) {
			buf = strconv.AppendInt(buf[:0], id, 10)
			buf = append(buf, ',')
			buf = append(buf, d...)
			buf = append(buf, ',')
			cents := 100 + r.IntN(19_901)
			buf = strconv.AppendInt(buf, int64(cents/100), 10)
			buf = append(buf, '.', byte('0'+cents/10%10), byte('0'+cents%10), '\n')
			w.Write(buf)
			rows++
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return 0, err
	}
	return rows, f.Close()
}

// TestOrderLinesChild is the child process of BenchmarkOrderLines: it
// summarizes the file named by CLV_ORDER_LINES_CHILD and prints the time
// taken; without that variable it is skipped.
func TestOrderLinesChild(t *testing.T) {
	path := os.Getenv(orderLinesChild)
	if path == "" {
		t.Skip("the child process of BenchmarkOrderLines")
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	start := time.Now()
	b, err := NewBuilder(Options{ObservationEnd: date("2021-12-31"), Unit: Weeks})
	if err != nil {
		t.Fatal(err)
	}
	opt := CSVOptions{Header: true, Columns: Columns{Customer: "customer_id", Date: "date", Amount: "amount"}}
	if err := ReadCSV(f, opt, b); err != nil {
		t.Fatal(err)
	}
	s, err := b.Summary()
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("orderlines-child ns=%d rows=%d customers=%d\n", time.Since(start).Nanoseconds(), s.Report.Rows, len(s.Customers))
}

// BenchmarkOrderLines summarizes an order-line log (see writeOrderLines;
// CLV_BENCH_ORDER_LINES sets its size) read from a file, in a child
// process, and compares it with encoding/csv reading the same file in this
// process: each iteration times both benchRounds times, interleaved, and
// keeps the minimum of each (x-baseline is their ratio). peak-MB is the
// child's peak resident memory (rusage maxrss): the whole process,
// runtime included.
func BenchmarkOrderLines(b *testing.B) {
	lines := orderLinesDefault
	if s := os.Getenv(orderLinesEnv); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 100 {
			b.Fatalf("%s=%q: want a number of lines ≥ 100", orderLinesEnv, s)
		}
		lines = n
	}
	path := filepath.Join(b.TempDir(), "orderlines.csv")
	rows, err := writeOrderLines(path, lines)
	if err != nil {
		b.Fatal(err)
	}
	defer os.Remove(path)
	best := [2]time.Duration{math.MaxInt64, math.MaxInt64}
	var peak int64
	for b.Loop() {
		for range benchRounds {
			f, err := os.Open(path)
			if err != nil {
				b.Fatal(err)
			}
			start := time.Now()
			n := csvBaseline(b, bufio.NewReaderSize(f, 1<<16))
			best[0] = min(best[0], time.Since(start))
			f.Close()
			if n != rows+1 {
				b.Fatalf("baseline read %d records, want %d", n, rows+1)
			}

			cmd := exec.Command(os.Args[0], "-test.run=^TestOrderLinesChild$", "-test.v")
			cmd.Env = append(os.Environ(), orderLinesChild+"="+path)
			out, err := cmd.Output()
			if err != nil {
				b.Fatalf("child: %v\n%s", err, out)
			}
			var ns, gotRows, customers int64
			i := strings.Index(string(out), "orderlines-child ")
			if i < 0 {
				b.Fatalf("child output: %s", out)
			}
			if _, err := fmt.Sscanf(string(out[i:]), "orderlines-child ns=%d rows=%d customers=%d", &ns, &gotRows, &customers); err != nil {
				b.Fatalf("child output %q: %v", out, err)
			}
			if gotRows != int64(rows) || customers < int64(lines/100)*9/10 {
				b.Fatalf("child summarized %d rows (want %d), %d customers", gotRows, rows, customers)
			}
			best[1] = min(best[1], time.Duration(ns))
			if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
				peak = max(peak, int64(ru.Maxrss)) // KiB on Linux
			}
		}
	}
	base, sum := float64(best[0].Nanoseconds())/float64(rows), float64(best[1].Nanoseconds())/float64(rows)
	b.ReportMetric(sum, "ns/row")
	b.ReportMetric(base, "baseline-ns/row")
	b.ReportMetric(sum/base, "x-baseline")
	b.ReportMetric(float64(peak)/1024, "peak-MB")
	b.ReportMetric(float64(rows), "rows")
}
