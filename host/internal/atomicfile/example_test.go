package atomicfile_test

import (
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/clvkit/clvkit/host/internal/atomicfile"
)

// The host creates one Set, removes its temporary files when interrupted,
// and writes each output through it.
func Example() {
	set := atomicfile.NewSet()
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)
	go func() {
		if _, ok := <-sigs; ok {
			set.Cleanup() // no partial output survives Ctrl-C
			os.Exit(130)
		}
	}()

	dir, _ := os.MkdirTemp("", "clv-example")
	defer os.RemoveAll(dir)

	// The scores and their manifest are published together; the manifest
	// is created last so that it only ever describes complete outputs.
	g := set.NewGroup()
	defer g.Close() // removes the temporary files on any error path
	scores, err := g.Create(filepath.Join(dir, "scores.csv"), 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Fprintln(scores, "customer,clv")
	fmt.Fprintln(scores, "c1,12.50")
	manifest, err := g.Create(filepath.Join(dir, "manifest.json"), 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Fprintln(manifest, `{"rows":1}`)
	if err := g.Commit(); err != nil {
		fmt.Println(err)
		return
	}
	b, _ := os.ReadFile(filepath.Join(dir, "scores.csv"))
	fmt.Print(string(b))
	// Output:
	// customer,clv
	// c1,12.50
}
