package main

import (
	"embed"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

// webdist holds the calculator page built by make web (web/dist copied to
// host/webdist); only README.md is committed.
//
//go:embed all:webdist
var webdist embed.FS

// notBuilt is served when the page was not built into the binary.
const notBuilt = `<!doctype html><meta charset="utf-8"><title>clv serve: page not built</title>
<h1>The calculator page was not built into this clv binary</h1>
<p>Run <code>make web</code> (it needs Node.js and npm), then rebuild clv with <code>make build</code>.</p>`

// isPageFile reports whether name (a slash-separated path without the
// leading slash; "" for the root) is one of the page's files: the root, or
// a file in the top folder, not a dotfile, with an extension of what
// web/build.mjs writes (index.html, app.js, worker.js, wasm_exec.js,
// style.css, clv.wasm, build.json, esbuild's *.LEGAL.txt notices). So
// README.md, .gitignore and anything in a subfolder are never served.
func isPageFile(name string) bool {
	if name == "" {
		return true
	}
	if strings.Contains(name, "/") || strings.HasPrefix(name, ".") {
		return false
	}
	switch path.Ext(name) {
	case ".html", ".js", ".css", ".wasm", ".json", ".txt":
		return true
	}
	return false
}

// webHandler serves the embedded page's files (see isPageFile; any other
// path is 404). clv.wasm is sent gzip-compressed (the build stores
// clv.wasm.gz beside it) to clients that accept gzip. Without index.html
// every page path gets the notBuilt page and status 503.
func webHandler(files fs.FS) http.Handler {
	_, err := fs.Stat(files, "index.html")
	built := err == nil
	static := http.FileServerFS(files)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
		if !isPageFile(name) {
			http.NotFound(w, r)
			return
		}
		if !built {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(notBuilt))
			return
		}
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Cache-Control", "no-cache")
		if name == "clv.wasm" && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			if b, err := fs.ReadFile(files, "clv.wasm.gz"); err == nil {
				w.Header().Set("Content-Type", "application/wasm")
				w.Header().Set("Content-Encoding", "gzip")
				w.Header().Set("Vary", "Accept-Encoding")
				_, _ = w.Write(b)
				return
			}
		}
		if name == "clv.wasm" {
			w.Header().Set("Content-Type", "application/wasm")
		}
		static.ServeHTTP(w, r)
	})
}

// embeddedPage returns the page files embedded in the binary.
func embeddedPage() fs.FS {
	sub, err := fs.Sub(webdist, "webdist")
	if err != nil {
		panic(err) // webdist is a literal directory name
	}
	return sub
}
