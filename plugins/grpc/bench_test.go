package grpc_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/clvkit/clvkit/examples/plugins/contribution"
	"github.com/clvkit/clvkit/plugins"
	"github.com/clvkit/clvkit/plugins/grpc"
)

const benchCustomers = 1 << 20

// BenchmarkContribution runs the contribution formula over 1M customers
// natively (in process) and through the go-plugin binary, one host batch
// of all customers cut into chunks of ChunkRows rows (0 is the default,
// 65536 for two columns). It reports ns/customer, and for the plugin the
// ns/customer added over the native run measured just before.
func BenchmarkContribution(b *testing.B) {
	in := customers(benchCustomers)
	out := [][]float64{make([]float64, benchCustomers), make([]float64, benchCustomers)}
	var nativeNs float64
	b.Run("native", func(b *testing.B) {
		f := &contribution.Formula{}
		p, _ := f.Describe().Resolve(nil)
		f.Configure(p)
		for b.Loop() {
			f.Compute(in, out)
		}
		nativeNs = float64(b.Elapsed().Nanoseconds()) / float64(b.N) / benchCustomers
		b.ReportMetric(nativeNs, "ns/customer")
	})
	for _, chunk := range []int{0, 8192, 16384, 32768, 131072, 262144} {
		name := "grpc/chunk=default"
		if chunk > 0 {
			name = fmt.Sprintf("grpc/chunk=%d", chunk)
		}
		b.Run(name, func(b *testing.B) {
			p := load(b, "contribution", grpc.Config{ChunkRows: chunk})
			ctx := context.Background()
			if err := p.Configure(ctx, nil); err != nil {
				b.Fatal(err)
			}
			host, plugin := selfCPU(), procCPU(p.PID())
			for b.Loop() {
				if err := p.Compute(ctx, in, out); err != nil {
					b.Fatal(err)
				}
			}
			host, plugin = selfCPU()-host, procCPU(p.PID())-plugin
			per := float64(b.N) * benchCustomers
			ns := float64(b.Elapsed().Nanoseconds()) / per
			b.ReportMetric(ns, "ns/customer")
			b.ReportMetric(ns-nativeNs, "added-ns/customer")
			// CPU time of both sides: steadier than wall time on a busy
			// machine (Linux only; zero elsewhere).
			b.ReportMetric(float64(host.Nanoseconds())/per, "host-cpu-ns/customer")
			b.ReportMetric(float64(plugin.Nanoseconds())/per, "plugin-cpu-ns/customer")
		})
	}
}

// BenchmarkLoad measures starting a plugin to its first answer: checksum,
// process start, handshake with AutoMTLS, Describe; and Close.
func BenchmarkLoad(b *testing.B) {
	path := bin("contribution")
	sum := sha256File(path)
	var loadTotal time.Duration
	for b.Loop() {
		start := time.Now()
		p, err := grpc.Load(context.Background(), path, grpc.Config{SHA256: sum})
		if err != nil {
			b.Fatal(err)
		}
		loadTotal += time.Since(start)
		p.Close()
	}
	b.ReportMetric(float64(loadTotal.Milliseconds())/float64(b.N), "ms/load")
	b.ReportMetric(float64((b.Elapsed()-loadTotal).Milliseconds())/float64(b.N), "ms/close")
	var _ plugins.Client = (*grpc.Plugin)(nil)
}
