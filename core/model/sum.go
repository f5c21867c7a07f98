package model

import (
	"runtime"
	"sync"
)

// chunkRows is the fixed number of rows per partial sum. It is a constant,
// not derived from GOMAXPROCS, so totals are added in the same order and are
// bit-identical on any machine.
const chunkRows = 4096

// sumRows returns Σ f(lo, hi) over consecutive chunks of [0, n), computing
// chunks concurrently (forChunks) but adding the partial sums in chunk
// order.
func sumRows(n int, f func(lo, hi int) float64) float64 {
	chunks := (n + chunkRows - 1) / chunkRows
	if chunks <= 1 {
		return f(0, n)
	}
	partial := make([]float64, chunks)
	forChunks(n, func(lo, hi int) { partial[lo/chunkRows] = f(lo, hi) })
	total := 0.0
	for _, v := range partial {
		total += v
	}
	return total
}

// forChunks runs f over consecutive chunks of [0, n) concurrently. It is for
// work whose results are written per index, so the order of execution does
// not matter. With one thread (GOMAXPROCS=1, and always under js/wasm,
// where goroutines only add scheduling) it calls f on each chunk in turn.
func forChunks(n int, f func(lo, hi int)) {
	chunks := (n + chunkRows - 1) / chunkRows
	if chunks <= 1 {
		f(0, n)
		return
	}
	workers := min(runtime.GOMAXPROCS(0), chunks)
	if workers <= 1 {
		for lo := 0; lo < n; lo += chunkRows {
			f(lo, min(lo+chunkRows, n))
		}
		return
	}
	var wg sync.WaitGroup
	next := make(chan int, chunks)
	for c := range chunks {
		next <- c
	}
	close(next)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range next {
				lo := c * chunkRows
				f(lo, min(lo+chunkRows, n))
			}
		}()
	}
	wg.Wait()
}

// sumRowsVec is sumRows for k sums at once: f adds its chunk's
// contributions into acc (length k, zeroed). Partial sums are added in chunk
// order, so totals are bit-identical on any machine.
func sumRowsVec(n, k int, f func(lo, hi int, acc []float64)) []float64 {
	chunks := max((n+chunkRows-1)/chunkRows, 1)
	partial := make([]float64, chunks*k)
	forChunks(n, func(lo, hi int) {
		c := lo / chunkRows
		f(lo, hi, partial[c*k:(c+1)*k])
	})
	total := make([]float64, k)
	for c := range chunks {
		for j := range k {
			total[j] += partial[c*k+j]
		}
	}
	return total
}
