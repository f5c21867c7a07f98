package wasm_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/clvkit/clvkit/plugins"
	"github.com/clvkit/clvkit/plugins/wasm"
)

// Load a formula plugin built with
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o bin/plugins/contribution.wasm ./examples/plugins/contribution/cmd/wasm
//
// and score one batch. The host checks every batch with plugins.CheckBatch.
func Example() {
	ctx := context.Background()
	p, err := wasm.Load(ctx, "bin/plugins/contribution.wasm", wasm.Config{
		MemoryLimitMB: 64,
		Timeout:       2 * time.Second,
		CacheDir:      os.TempDir() + "/clv-wasm-cache",
		Stderr:        os.Stderr,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close()
	d, _ := p.Describe(ctx)
	params, err := d.Resolve(plugins.Params{"margin": 0.35})
	if err != nil {
		log.Fatal(err)
	}
	if err := p.Configure(ctx, params); err != nil {
		log.Fatal(err)
	}
	in := [][]float64{{2, 0.5}, {50, 120}} // expected_purchases, expected_spend
	out := [][]float64{make([]float64, 2), make([]float64, 2)}
	if err := p.Compute(ctx, in, out); err != nil {
		log.Fatal(err) // e.g. "plugin contribution: batch 1: timed out after 2s"
	}
	if err := plugins.CheckBatch(d, 2, out, nil); err != nil {
		log.Fatalf("plugin %s: %v", d.Name, err)
	}
	fmt.Println(out[1]) // contribution_clv
}
