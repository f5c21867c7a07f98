package formula

import (
	"testing"
	"time"
)

// BenchmarkExprVsNative evaluates the five-input custom formula
// aov * frequency * lifespan * margin - cac over a table of rows, compiled and
// written natively in Go in the same run, and reports ns per row for both and
// their ratio. It times a fixed number of rows per iteration, so the figures
// are meaningful even with -benchtime 1x (as `make bench` runs it).
func BenchmarkExprVsNative(b *testing.B) {
	const rows, passes = 4096, 256
	p, err := Compile("aov * frequency * lifespan * margin - cac", []string{"aov", "frequency", "lifespan", "margin", "cac"})
	if err != nil {
		b.Fatal(err)
	}
	table := make([][]float64, rows)
	for i := range table {
		table[i] = []float64{float64(50 + i%100), float64(1 + i%7), float64(1 + i%10), 0.1 + float64(i%5)/10, float64(i % 60)}
	}
	// The same formula in Go; the compiler inlines it into the loop, so this
	// is the strongest baseline a hand-written scorer could have.
	native := func(x []float64) float64 { return x[0]*x[1]*x[2]*x[3] - x[4] }

	var sink float64
	var exprTime, nativeTime time.Duration
	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		for range passes {
			for _, x := range table {
				v, err := p.Eval(x)
				if err != nil {
					b.Fatal(err)
				}
				sink += v
			}
		}
		exprTime += time.Since(start)
		start = time.Now()
		for range passes {
			for _, x := range table {
				sink += native(x)
			}
		}
		nativeTime += time.Since(start)
	}
	n := float64(b.N) * rows * passes
	b.ReportMetric(float64(exprTime.Nanoseconds())/n, "ns/row-expr")
	b.ReportMetric(float64(nativeTime.Nanoseconds())/n, "ns/row-native")
	b.ReportMetric(float64(exprTime)/float64(nativeTime), "expr/native")
	if sink == 0 {
		b.Fatal("no work done")
	}
}
