package grpc_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/clvkit/clvkit/plugins"
	"github.com/clvkit/clvkit/plugins/grpc"
)

// Load a formula plugin built with
//
//	go build -o bin/plugins/contribution-grpc ./examples/plugins/contribution/cmd/grpc
//
// whose sha256 (sha256sum bin/plugins/contribution-grpc) is in clv.toml,
// and compute one batch of two customers.
func ExampleLoad() {
	ctx := context.Background()
	p, err := grpc.Load(ctx, "bin/plugins/contribution-grpc", grpc.Config{
		SHA256:  "…the 64 hex digits from clv.toml…",
		Timeout: 10 * time.Second,
		Stderr:  os.Stderr,
		Kind:    plugins.KindFormula,
	})
	if err != nil {
		log.Fatal(err) // plugin contribution-grpc: checksum mismatch: …
	}
	defer p.Close()
	if err := p.Configure(ctx, plugins.Params{"margin": 0.4}); err != nil {
		log.Fatal(err)
	}
	in := [][]float64{{2, 0.5}, {50, 80}} // expected_purchases, expected_spend
	out := [][]float64{make([]float64, 2), make([]float64, 2)}
	if err := p.Compute(ctx, in, out); err != nil {
		log.Fatal(err) // plugin contribution: batch 1: …
	}
	fmt.Println(out[1]) // contribution_clv
}
