package main

// End-to-end tests of clv serve: the real binary, stopped by a signal.

import (
	"bufio"
	"io"
	"net/http"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServeStopsGracefully starts clv serve on a free port, fetches the
// page and README.md, then sends each stop signal and requires exit code 0.
func TestServeStopsGracefully(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd := exec.Command(clvBin, "serve", "--addr", "127.0.0.1:0")
			stderr, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			lines := bufio.NewScanner(stderr)
			if !lines.Scan() {
				t.Fatalf("clv serve printed nothing: %v", lines.Err())
			}
			first := lines.Text()
			url := regexp.MustCompile(`http://127\.0\.0\.1:\d+/`).FindString(first)
			if url == "" {
				t.Fatalf("clv serve's first line %q names no address", first)
			}
			for path, want := range map[string][]int{
				"":           {http.StatusOK, http.StatusServiceUnavailable}, // page built by make web, or not
				"README.md":  {http.StatusNotFound},
				".gitignore": {http.StatusNotFound},
			} {
				resp, err := http.Get(url + path)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != want[0] && (len(want) == 1 || resp.StatusCode != want[1]) {
					t.Errorf("GET /%s: %d, want %v", path, resp.StatusCode, want)
				}
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			var rest []byte
			done := make(chan error, 1)
			go func() {
				rest, _ = io.ReadAll(stderr) // until clv exits
				done <- cmd.Wait()
			}()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("after %v: %v, want exit code 0\nstderr: %s\n%s", sig, err, first, rest)
				}
			case <-time.After(20 * time.Second):
				t.Fatalf("clv serve still running 20 s after %v", sig)
			}
			if !strings.Contains(string(rest), "stopped") {
				t.Errorf("after %v: stderr %q, want it to say stopped", sig, rest)
			}
		})
	}
}
