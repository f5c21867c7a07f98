//go:build unix

package grpc_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/clvkit/clvkit/plugins/grpc"
)

// A relative path names a file relative to the working directory: it is
// run by its absolute path, never looked up in $PATH, where a program of
// the same name would otherwise run instead (exec.Command's lookup).
func TestRelativePathNotFromPATH(t *testing.T) {
	decoys := t.TempDir()
	marker := filepath.Join(t.TempDir(), "decoy-ran")
	script := "#!/bin/sh\ntouch " + marker + "\n"
	if err := os.WriteFile(filepath.Join(decoys, "contribution"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", decoys+string(os.PathListSeparator)+os.Getenv("PATH"))
	t.Chdir(binDir)
	for _, path := range []string{"contribution", "./contribution"} {
		t.Run(path, func(t *testing.T) {
			p, err := grpc.Load(context.Background(), path, grpc.Config{SHA256: sha256File(bin("contribution")), Timeout: 10 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			d, err := p.Describe(context.Background())
			if err != nil || d.Name != "contribution" {
				t.Errorf("Describe: %+v, %v; want the contribution plugin", d, err)
			}
			if _, err := os.Stat(marker); err == nil {
				t.Error("the program of that name in $PATH ran")
			}
		})
	}
}
