package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestWebHandlerNotBuilt(t *testing.T) {
	srv := httptest.NewServer(webHandler(fstest.MapFS{"README.md": {Data: []byte("x")}}))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(b), "make web") {
		t.Errorf("status %d, body %q", resp.StatusCode, b)
	}
}

// get fetches path from a test server and returns the status and body.
func get(t *testing.T, base, path string) (int, string) {
	t.Helper()
	resp, err := http.Get(base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// pageOnlyTests: the page's files are served, nothing else (a built page
// in a test fs, so the test does not depend on make web).
var pageOnlyTests = []struct {
	path   string
	status int
	body   string // served files: the body
}{
	{"/", 200, "<title>clv</title>"},
	{"/index.html", 301, ""}, // FileServer's redirect to ./
	{"/app.js", 200, "app()"},
	{"/style.css", 200, "body{}"},
	{"/build.json", 200, `{"version":"x"}`},
	{"/app.js.LEGAL.txt", 200, "MIT"},
	{"/README.md", 404, ""},
	{"/.gitignore", 404, ""},
	{"/.env", 404, ""},
	{"/.git/config", 404, ""},
	{"/sub/app.js", 404, ""},
	{"/sub/", 404, ""},
	{"/notes.md", 404, ""},
	{"/clv.wasm.gz", 404, ""},
	{"/%2egitignore", 404, ""},
	{"/x/../README.md", 404, ""},
}

func TestWebHandlerServesPageFilesOnly(t *testing.T) {
	files := fstest.MapFS{
		"index.html":        {Data: []byte("<!doctype html><title>clv</title>")},
		"app.js":            {Data: []byte("app()")},
		"style.css":         {Data: []byte("body{}")},
		"build.json":        {Data: []byte(`{"version":"x"}`)},
		"app.js.LEGAL.txt":  {Data: []byte("MIT")},
		"clv.wasm.gz":       {Data: []byte("gz")},
		"README.md":         {Data: []byte("# host/webdist")},
		".gitignore":        {Data: []byte("*")},
		".env":              {Data: []byte("SECRET=1")},
		".git/config":       {Data: []byte("[core]")},
		"notes.md":          {Data: []byte("notes")},
		"sub/app.js":        {Data: []byte("sub()")},
		"sub/secret.txt":    {Data: []byte("secret")},
		"sub/.hidden.json":  {Data: []byte("{}")},
		"sub/more/page.css": {Data: []byte("x")},
	}
	srv := httptest.NewServer(webHandler(files))
	defer srv.Close()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, tt := range pageOnlyTests {
		resp, err := client.Get(srv.URL + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.status || (tt.status == 200 && !strings.Contains(string(b), tt.body)) {
			t.Errorf("GET %s: %d %q, want %d %q", tt.path, resp.StatusCode, b, tt.status, tt.body)
		}
	}
}

// TestEmbeddedPageHidesREADME checks the files really in host/webdist:
// README.md and .gitignore are committed there and must not be served,
// whether or not make web has filled the folder.
func TestEmbeddedPageHidesREADME(t *testing.T) {
	page := embeddedPage()
	for _, name := range []string{"README.md", ".gitignore"} {
		if _, err := page.Open(name); err != nil {
			t.Fatalf("host/webdist/%s is not embedded (%v): the test would prove nothing", name, err)
		}
	}
	srv := httptest.NewServer(webHandler(page))
	defer srv.Close()
	for _, p := range []string{"/README.md", "/.gitignore"} {
		if code, body := get(t, srv.URL, p); code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404; body %.60q", p, code, body)
		}
	}
	if code, _ := get(t, srv.URL, "/"); code != http.StatusOK && code != http.StatusServiceUnavailable {
		t.Errorf("GET /: %d, want 200 (page built) or 503 (not built)", code)
	}
}

func TestServeTimeoutsSet(t *testing.T) {
	d := defaultServeTimeouts()
	srv := newServer(http.NotFoundHandler(), d)
	for name, got := range map[string]time.Duration{
		"ReadHeaderTimeout": srv.ReadHeaderTimeout,
		"ReadTimeout":       srv.ReadTimeout,
		"WriteTimeout":      srv.WriteTimeout,
		"IdleTimeout":       srv.IdleTimeout,
	} {
		// Zero means no limit in net/http (IdleTimeout falls back to
		// ReadTimeout); a limit over 10 minutes is no limit in practice.
		if got <= 0 || got > 10*time.Minute {
			t.Errorf("%s = %v, want a limit between 0 and 10 minutes", name, got)
		}
	}
	if d.Shutdown <= 0 || d.Shutdown > 30*time.Second {
		t.Errorf("shutdown deadline %v, want a short one", d.Shutdown)
	}
}

// startServe runs serve on a free local port with the given timeouts and
// returns its address and a function that stops it and returns serve's
// error.
func startServe(t *testing.T, h http.Handler, to serveTimeouts) (string, func() error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var stderr bytes.Buffer
	done := make(chan error, 1)
	go func() { done <- serve(ctx, &env{stderr: &stderr}, ln, h, to) }()
	return ln.Addr().String(), func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(10 * time.Second):
			t.Fatal("serve did not return 10 s after its context was cancelled")
			return nil
		}
	}
}

// closedWithin reports whether the server closes conn within d.
func closedWithin(conn net.Conn, d time.Duration) bool {
	_ = conn.SetReadDeadline(time.Now().Add(d))
	_, err := io.Copy(io.Discard, conn)
	var ne net.Error
	return !(errors.As(err, &ne) && ne.Timeout())
}

// TestServeTimeoutsApply checks that serve uses the timeouts: an idle
// kept-alive connection and a client that never finishes its headers are
// both cut off.
func TestServeTimeoutsApply(t *testing.T) {
	to := defaultServeTimeouts()
	to.Idle, to.ReadHeader = 200*time.Millisecond, 200*time.Millisecond
	addr, stop := startServe(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "ok") }), to)
	defer stop()

	idle, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	if _, err := io.WriteString(idle, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(idle), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Close {
		t.Fatalf("first response: %d, close %v; want 200 on a kept-alive connection", resp.StatusCode, resp.Close)
	}
	if !closedWithin(idle, 3*time.Second) {
		t.Error("an idle kept-alive connection was not closed after IdleTimeout")
	}

	slow, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	if _, err := io.WriteString(slow, "GET / HTTP/1.1\r\nHost: x\r\n"); err != nil {
		t.Fatal(err)
	}
	if !closedWithin(slow, 3*time.Second) {
		t.Error("a client that never finished its headers was not cut off after ReadHeaderTimeout")
	}
}

// TestServeShutdownWaitsForRequests: stopping serve lets a request under
// way finish, and is not an error.
func TestServeShutdownWaitsForRequests(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		_, _ = io.WriteString(w, "finished")
	})
	addr, stop := startServe(t, h, defaultServeTimeouts())
	got := make(chan string, 1)
	go func() {
		resp, err := http.Get("http://" + addr + "/")
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		got <- string(b)
	}()
	<-started
	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	time.Sleep(100 * time.Millisecond)
	close(release)
	if err := <-stopped; err != nil {
		t.Errorf("serve returned %v after a graceful stop, want nil", err)
	}
	if b := <-got; b != "finished" {
		t.Errorf("the request under way got %q, want it to finish", b)
	}
}

func TestWebHandlerServesGzippedWasm(t *testing.T) {
	wasm := bytes.Repeat([]byte("\x00asm plain module "), 200)
	pre := gzipLevel(t, wasm, gzip.BestSpeed) // the build's copy, as sent
	files := fstest.MapFS{
		"index.html":  {Data: []byte("<!doctype html><title>clv</title>")},
		"clv.wasm":    {Data: wasm},
		"clv.wasm.gz": {Data: pre},
	}
	srv := httptest.NewServer(webHandler(files))
	defer srv.Close()
	req, _ := http.NewRequest("GET", srv.URL+"/clv.wasm", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.Header.Get("Content-Encoding") != "gzip" || resp.Header.Get("Content-Type") != "application/wasm" || !bytes.Equal(b, pre) {
		t.Errorf("headers %v body %d bytes, want the precompressed copy (%d bytes)", resp.Header, len(b), len(pre))
	}
	resp, err = http.Get(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), "<title>clv</title>") {
		t.Errorf("index: %d %q", resp.StatusCode, b)
	}
}
