//go:build linux || darwin

package wasm

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/clvkit/clvkit/plugins"
)

// A named pipe in the granted folder is refused, not opened: opening one
// blocks in a host call, until something writes to it, where no timeout
// can reach.
func TestFilesystemSandboxFIFO(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	p := loadTest(t, "misbehave", Config{AllowDir: dir, Timeout: time.Second})
	ctx := context.Background()
	if err := p.Configure(ctx, plugins.Params{"mode": readPaths}); err != nil {
		t.Fatal(err)
	}
	out := [][]float64{{0}, {0}}
	done := make(chan error, 1)
	go func() { done <- p.Compute(ctx, [][]float64{{10}}, out) }() // probe 10: /data/fifo
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
		if out[0][0] != -1 {
			t.Errorf("read %v bytes from a named pipe, want -1 (refused)", out[0][0])
		}
	case <-time.After(5 * time.Second):
		// Open the other end, so the blocked call returns and the test ends.
		if w, err := os.OpenFile(fifo, os.O_WRONLY, 0); err == nil {
			w.Close()
		}
		<-done
		t.Fatal("opening a named pipe in the granted folder blocked past the 1s timeout")
	}
}
