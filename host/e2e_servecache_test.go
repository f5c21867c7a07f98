package main

// End-to-end tests of clv serve's compression and caching headers: the
// real binary serving the page make web embedded in it.

import (
	"bufio"
	"bytes"
	"io/fs"
	"net/http"
	"os/exec"
	"regexp"
	"testing"
	"time"
)

// startClvServe runs clv serve on a free port and returns its address; the
// server is stopped when the test ends.
func startClvServe(t *testing.T) string {
	t.Helper()
	cmd := exec.Command(clvBin, "serve", "--addr", "127.0.0.1:0")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	lines := bufio.NewScanner(stderr)
	if !lines.Scan() {
		t.Fatalf("clv serve printed nothing: %v", lines.Err())
	}
	url := regexp.MustCompile(`http://127\.0\.0\.1:\d+/`).FindString(lines.Text())
	if url == "" {
		t.Fatalf("clv serve's first line %q names no address", lines.Text())
	}
	return url
}

// TestServeCachingE2E fetches every file of the embedded page from the
// real clv serve as Chromium does (gzip accepted) and as a client without
// gzip, checks the body against the file, the headers, and that its ETag
// and Last-Modified each get a 304.
func TestServeCachingE2E(t *testing.T) {
	page := embeddedPage()
	if _, err := fs.Stat(page, "index.html"); err != nil {
		t.Skip("the page is not built into the test binary (run make web first)")
	}
	url := startClvServe(t)
	built := buildTime(page)
	if built.IsZero() || time.Since(built) < 0 {
		t.Fatalf("build.json has no build time in the past: %v", built)
	}
	entries, err := fs.ReadDir(page, ".")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		name := e.Name()
		if !isPageFile(name) {
			continue
		}
		want, err := fs.ReadFile(page, name)
		if err != nil {
			t.Fatal(err)
		}
		n++
		path := name
		if name == "index.html" {
			path = "" // index.html itself redirects to the folder
		}
		for _, ae := range []string{"gzip, deflate, br, zstd", ""} {
			h := map[string]string{}
			if ae != "" {
				h["Accept-Encoding"] = ae
			}
			resp, b := fetchWith(t, "GET", url+path, h)
			if resp.StatusCode != 200 {
				t.Errorf("GET /%s: %d", name, resp.StatusCode)
				continue
			}
			enc := resp.Header.Get("Content-Encoding")
			// build.mjs writes name.gz for every file gzip makes smaller.
			_, pre := fs.Stat(page, name+".gz")
			if wantGzip := ae != "" && pre == nil; (enc == "gzip") != wantGzip {
				t.Errorf("GET /%s (Accept-Encoding %q): Content-Encoding %q", name, ae, enc)
			}
			if enc == "gzip" {
				b = gunzip(t, b)
			}
			if !bytes.Equal(b, want) {
				t.Errorf("GET /%s (Accept-Encoding %q): body is not the embedded file", name, ae)
			}
			if got := resp.Header.Get("Vary"); got != "Accept-Encoding" {
				t.Errorf("GET /%s: Vary %q", name, got)
			}
			if got := resp.Header.Get("Cache-Control"); got != cacheUnhashed {
				t.Errorf("GET /%s: Cache-Control %q, want %q (the build's names carry no hash)", name, got, cacheUnhashed)
			}
			if got := resp.Header.Get("Last-Modified"); got != built.Format(http.TimeFormat) {
				t.Errorf("GET /%s: Last-Modified %q, want %s", name, got, built.Format(http.TimeFormat))
			}
			etag := resp.Header.Get("ETag")
			if !strongETagRE.MatchString(etag) {
				t.Errorf("GET /%s: ETag %q is not a strong content hash", name, etag)
			}
			for _, cond := range []map[string]string{{"If-None-Match": etag}, {"If-Modified-Since": resp.Header.Get("Last-Modified")}} {
				for k, v := range h {
					cond[k] = v
				}
				again, b := fetchWith(t, "GET", url+path, cond)
				if again.StatusCode != http.StatusNotModified || len(b) != 0 || again.Header.Get("ETag") != etag {
					t.Errorf("GET /%s %v: %d, %d bytes, ETag %q; want 304 with ETag %s", name, cond, again.StatusCode, len(b), again.Header.Get("ETag"), etag)
				}
			}
		}
	}
	resp, _ := fetchWith(t, "GET", url+"clv.wasm", map[string]string{"Accept-Encoding": "gzip"})
	if ct := resp.Header.Get("Content-Type"); ct != "application/wasm" {
		t.Errorf("clv.wasm: Content-Type %q, want application/wasm (instantiateStreaming needs it)", ct)
	}
	if n < 6 {
		t.Errorf("only %d page files embedded", n)
	}
}
