package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
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

func TestWebHandlerServesGzippedWasm(t *testing.T) {
	files := fstest.MapFS{
		"index.html":  {Data: []byte("<!doctype html><title>clv</title>")},
		"clv.wasm":    {Data: []byte("\x00asm plain")},
		"clv.wasm.gz": {Data: []byte("gz-bytes")},
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
	if resp.Header.Get("Content-Encoding") != "gzip" || resp.Header.Get("Content-Type") != "application/wasm" || string(b) != "gz-bytes" {
		t.Errorf("headers %v body %q", resp.Header, b)
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
