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
// chunks concurrently but adding the partial sums in chunk order.
func sumRows(n int, f func(lo, hi int) float64) float64 {
	chunks := (n + chunkRows - 1) / chunkRows
	if chunks <= 1 {
		return f(0, n)
	}
	workers := min(runtime.GOMAXPROCS(0), chunks)
	if workers <= 1 {
		// One thread (GOMAXPROCS=1, and always under js/wasm): the same
		// chunks added in the same order, without goroutines or channels.
		total := 0.0
		for lo := 0; lo < n; lo += chunkRows {
			total += f(lo, min(lo+chunkRows, n))
		}
		return total
	}
	partial := make([]float64, chunks)
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
				partial[c] = f(lo, min(lo+chunkRows, n))
			}
		}()
	}
	wg.Wait()
	total := 0.0
	for _, v := range partial {
		total += v
	}
	return total
}
