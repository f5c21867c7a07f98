package wasm

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
	"unsafe"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/clvkit/clvkit/examples/plugins/contribution"
	"github.com/clvkit/clvkit/plugins"
)

// benchCustomers is the customer count of the throughput benchmarks.
const benchCustomers = 1_000_000

// benchColumns are the contribution formula's inputs for benchCustomers
// and room for its outputs.
func benchColumns() (in, out [][]float64) {
	in = [][]float64{
		column(benchCustomers, func(i int) float64 { return float64(i%17) * 0.37 }),
		column(benchCustomers, func(i int) float64 { return 10 + float64(i%101)*1.3 }),
	}
	out = [][]float64{make([]float64, benchCustomers), make([]float64, benchCustomers)}
	return in, out
}

// runBatches runs compute over the columns in batches of rows customers.
func runBatches(b *testing.B, in, out [][]float64, rows int, compute func(in, out [][]float64) error) {
	for lo := 0; lo < benchCustomers; lo += rows {
		hi := min(lo+rows, benchCustomers)
		if err := compute([][]float64{in[0][lo:hi], in[1][lo:hi]}, [][]float64{out[0][lo:hi], out[1][lo:hi]}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkContribution scores 1M customers with the contribution formula
// natively and as a WebAssembly plugin (timeout guard on) at several batch
// sizes, reporting ns/customer.
func BenchmarkContribution(b *testing.B) {
	in, out := benchColumns()
	params := plugins.Params{"margin": 0.3, "return_rate": 0.08, "cost_per_order": 2.5}
	b.Run("native", func(b *testing.B) {
		f := &contribution.Formula{}
		f.Configure(params)
		for b.Loop() {
			runBatches(b, in, out, DefaultBatchRows, f.Compute)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchCustomers, "ns/customer")
	})
	for _, rows := range []int{1024, 4096, DefaultBatchRows, 65536} {
		b.Run("wasm/batch="+strconv.Itoa(rows), func(b *testing.B) {
			benchPlugin(b, in, out, rows, params, Config{})
		})
	}
	// The same without the timeout guard, to show what the guard costs.
	b.Run("wasm-unguarded/batch="+strconv.Itoa(DefaultBatchRows), func(b *testing.B) {
		benchPlugin(b, in, out, DefaultBatchRows, params, Config{unguarded: true})
	})
}

func benchPlugin(b *testing.B, in, out [][]float64, rows int, params plugins.Params, cfg Config) {
	p := loadTest(b, "contribution", cfg)
	ctx := context.Background()
	if err := p.Configure(ctx, params); err != nil {
		b.Fatal(err)
	}
	compute := func(in, out [][]float64) error { return p.Compute(ctx, in, out) }
	runBatches(b, in, out, rows, compute) // warm: size the guest's buffer
	for b.Loop() {
		runBatches(b, in, out, rows, compute)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchCustomers, "ns/customer")
}

// BenchmarkLoad is the time to load the contribution plugin: compiling it
// (no cache) against taking the compiled code from a warm cache directory.
func BenchmarkLoad(b *testing.B) {
	path := filepath.Join(wasmDir, "contribution.wasm")
	ctx := context.Background()
	b.Run("cold", func(b *testing.B) {
		for b.Loop() {
			p, err := Load(ctx, path, Config{})
			if err != nil {
				b.Fatal(err)
			}
			p.Close()
		}
		b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/load")
	})
	b.Run("cached", func(b *testing.B) {
		dir := b.TempDir()
		p, err := Load(ctx, path, Config{CacheDir: dir}) // warm the cache
		if err != nil {
			b.Fatal(err)
		}
		p.Close()
		for b.Loop() {
			p, err := Load(ctx, path, Config{CacheDir: dir})
			if err != nil {
				b.Fatal(err)
			}
			p.Close()
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/load")
	})
}

// BenchmarkLayout compares the batch layouts the ABI could use, end to end
// (host copy in, guest compute, host copy out) over 1M customers in batches
// of DefaultBatchRows, with testdata/layout: column-major (the ABI's
// choice), row-major transposed for the columnar contract, and row-major
// computed in place.
func BenchmarkLayout(b *testing.B) {
	ctx := context.Background()
	code, err := os.ReadFile(filepath.Join(wasmDir, "layout.wasm"))
	if err != nil {
		b.Fatal(err)
	}
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithCloseOnContextDone(true))
	defer rt.Close(ctx)
	wasi_snapshot_preview1.MustInstantiate(ctx, rt)
	mod, err := rt.InstantiateWithConfig(ctx, code, wazero.NewModuleConfig().WithStartFunctions("_initialize"))
	if err != nil {
		b.Fatal(err)
	}
	const rows = DefaultBatchRows
	res, err := mod.ExportedFunction("layout_buf").Call(ctx, rows)
	if err != nil {
		b.Fatal(err)
	}
	ptr := uint32(res[0])
	in, out := benchColumns()
	floats := func() []float64 { // re-read: memory may grow
		view, _ := mod.Memory().Read(ptr, 4*8*rows)
		return unsafe.Slice((*float64)(unsafe.Pointer(&view[0])), 4*rows)
	}
	for _, layout := range []string{"col", "row", "row_direct"} {
		fn := mod.ExportedFunction("layout_" + layout)
		b.Run(layout, func(b *testing.B) {
			for b.Loop() {
				for lo := 0; lo < benchCustomers; lo += rows {
					n := min(rows, benchCustomers-lo)
					buf := floats()
					if layout == "col" {
						copy(buf[:n], in[0][lo:lo+n])
						copy(buf[n:2*n], in[1][lo:lo+n])
					} else {
						for i := 0; i < n; i++ {
							buf[2*i], buf[2*i+1] = in[0][lo+i], in[1][lo+i]
						}
					}
					cctx, cancel := context.WithTimeout(ctx, time.Minute)
					if _, err := fn.Call(cctx, uint64(n)); err != nil {
						b.Fatal(err)
					}
					cancel()
					buf = floats()
					if layout == "col" {
						copy(out[0][lo:lo+n], buf[2*n:3*n])
						copy(out[1][lo:lo+n], buf[3*n:4*n])
					} else {
						o := buf[2*n:]
						for i := 0; i < n; i++ {
							out[0][lo+i], out[1][lo+i] = o[2*i], o[2*i+1]
						}
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchCustomers, "ns/customer")
		})
	}
}
