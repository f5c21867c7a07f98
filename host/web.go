package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
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

// pageTypes maps the extensions of the page's files to their Content-Type
// and whether clv serve offers them gzip-compressed (text and the
// WebAssembly module; see isPageFile for the files). The types are fixed
// here rather than taken from the system's MIME tables, which differ from
// machine to machine (.js as application/javascript or text/javascript,
// .wasm missing).
var pageTypes = map[string]struct {
	contentType string
	compress    bool
}{
	".html": {"text/html; charset=utf-8", true},
	".js":   {"text/javascript; charset=utf-8", true},
	".css":  {"text/css; charset=utf-8", true},
	".json": {"application/json", true},
	".svg":  {"image/svg+xml", true},
	".txt":  {"text/plain; charset=utf-8", true},
	".wasm": {"application/wasm", true},
}

// isPageFile reports whether name (a slash-separated path without the
// leading slash; "" for the root) is one of the page's files: the root, or
// a file in the top folder, not a dotfile, with an extension of what
// web/build.mjs writes (index.html, app.js, worker.js, wasm_exec.js,
// style.css, clv.wasm, build.json, esbuild's *.LEGAL.txt notices) or an
// SVG image. So README.md, .gitignore, the precompressed *.gz copies and
// anything in a subfolder are never served.
func isPageFile(name string) bool {
	if name == "" {
		return true
	}
	if strings.Contains(name, "/") || strings.HasPrefix(name, ".") {
		return false
	}
	_, ok := pageTypes[path.Ext(name)]
	return ok
}

// Cache-Control values. A file whose name carries its content hash can be
// kept for a year without asking again: a new build gives a new name. Any
// other name may change content under the same name, so browsers keep it
// but revalidate on every use (a 304 when the ETag still matches).
const (
	cacheHashed   = "public, max-age=31536000, immutable"
	cacheUnhashed = "no-cache"
)

// hashedName matches a name with a hex content hash before its extension,
// such as app.3f9a1c2b.js or clv-3f9a1c2b5d.wasm.
var hashedName = regexp.MustCompile(`[.-]([0-9a-f]{8,64})\.[a-z0-9]+$`)

// pageFile is one of the page's files as clv serve sends it.
type pageFile struct {
	name        string
	contentType string
	body        []byte
	etag        string // strong: from the SHA-256 of body
	compress    bool   // offered gzip-compressed to clients that accept it
	immutable   bool   // the name carries body's hash (cacheHashed)
	// gzipped returns the gzip encoding of body and its strong ETag, or
	// nil when gzip does not make body smaller; computed once.
	gzipped func() *encoded
}

// encoded is a page file's gzip encoding as sent.
type encoded struct {
	body []byte
	etag string // strong: from the SHA-256 of these bytes, "-gzip" added
}

// strongETag returns a strong ETag for b: the first 128 bits of its
// SHA-256 in hex, and the hash in full.
func strongETag(b []byte, suffix string) (etag, hash string) {
	sum := sha256.Sum256(b)
	hash = hex.EncodeToString(sum[:])
	return `"` + hash[:32] + suffix + `"`, hash
}

// newPageFile describes the file name with content body; pre is the
// build's precompressed copy (name.gz), or nil.
func newPageFile(name string, body, pre []byte) *pageFile {
	t := pageTypes[path.Ext(name)]
	etag, hash := strongETag(body, "")
	f := &pageFile{
		name:        name,
		contentType: t.contentType,
		body:        body,
		etag:        etag,
		compress:    t.compress,
	}
	if m := hashedName.FindStringSubmatch(name); m != nil && strings.HasPrefix(hash, m[1]) {
		f.immutable = true
	}
	f.gzipped = sync.OnceValue(func() *encoded {
		gz := gzipOf(body, pre)
		if gz == nil {
			return nil
		}
		etag, _ := strongETag(gz, "-gzip")
		return &encoded{body: gz, etag: etag}
	})
	return f
}

// gzipOf returns the gzip encoding of body: pre (the build's precompressed
// copy) when it decodes to body exactly, else body compressed here. It
// returns nil when the encoding is not smaller than body.
func gzipOf(body, pre []byte) []byte {
	gz := pre
	if gz == nil || !gunzipsTo(gz, body) {
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression) // the level is valid
		_, _ = zw.Write(body)                                  // a bytes.Buffer does not fail
		_ = zw.Close()
		gz = b.Bytes()
	}
	if len(gz) >= len(body) {
		return nil
	}
	return gz
}

// gunzipsTo reports whether gz is a gzip stream of exactly want, so a
// stale precompressed copy is never sent.
func gunzipsTo(gz, want []byte) bool {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return false
	}
	got, err := io.ReadAll(io.LimitReader(zr, int64(len(want))+1))
	return err == nil && bytes.Equal(got, want)
}

// acceptsGzip reports whether a request's Accept-Encoding header values
// accept gzip (RFC 9110, section 12.5.3): gzip (or x-gzip) listed with a
// non-zero weight, or not listed and "*" listed with a non-zero weight. A
// request without the header gets the file as it is.
func acceptsGzip(values []string) bool {
	gz, star := -1.0, -1.0
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			coding, params, _ := strings.Cut(part, ";")
			coding = strings.ToLower(strings.TrimSpace(coding))
			q := 1.0
			for _, p := range strings.Split(params, ";") {
				k, val, ok := strings.Cut(p, "=")
				if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
					w, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
					if err != nil || w < 0 || w > 1 {
						w = 0 // a malformed weight accepts nothing
					}
					q = w
				}
			}
			switch coding {
			case "gzip", "x-gzip":
				gz = max(gz, q)
			case "*":
				star = max(star, q)
			}
		}
	}
	if gz >= 0 {
		return gz > 0
	}
	return star > 0
}

// buildTime returns the time web/build.mjs recorded in build.json
// ("built", RFC 3339), the Last-Modified of every page file; zero when
// there is none.
func buildTime(files fs.FS) time.Time {
	b, err := fs.ReadFile(files, "build.json")
	if err != nil {
		return time.Time{}
	}
	var info struct {
		Built string `json:"built"`
	}
	if json.Unmarshal(b, &info) != nil {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, info.Built)
	if err != nil {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Second)
}

// webHandler serves the embedded page's files (see isPageFile; any other
// path is 404), GET and HEAD only. Every response carries a strong ETag
// (from the SHA-256 of the bytes sent), Last-Modified (the build time in
// build.json) and Cache-Control (cacheHashed or cacheUnhashed), and
// If-None-Match and If-Modified-Since get 304 Not Modified. Text files and
// clv.wasm are sent gzip-compressed to clients whose Accept-Encoding
// accepts gzip (the build's precompressed name.gz when it matches,
// otherwise compressed once on first use), with Vary: Accept-Encoding.
// Without index.html every page path gets the notBuilt page and status
// 503.
func webHandler(files fs.FS) http.Handler {
	page := map[string]*pageFile{}
	if entries, err := fs.ReadDir(files, "."); err == nil {
		for _, e := range entries {
			name := e.Name()
			if !e.Type().IsRegular() || !isPageFile(name) {
				continue
			}
			body, err := fs.ReadFile(files, name)
			if err != nil {
				continue
			}
			pre, _ := fs.ReadFile(files, name+".gz") // nil when absent
			page[name] = newPageFile(name, body, pre)
		}
	}
	index := page["index.html"]
	built := buildTime(files)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
		if !isPageFile(name) {
			http.NotFound(w, r)
			return
		}
		if index == nil {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(notBuilt))
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		if name == "index.html" {
			// The page's address is the folder, as http.FileServer does.
			w.Header().Set("Location", "./")
			w.WriteHeader(http.StatusMovedPermanently)
			return
		}
		f := index
		if name != "" {
			if f = page[name]; f == nil {
				http.NotFound(w, r)
				return
			}
		}
		f.serve(w, r, built)
	})
}

// serve sends f, gzip-compressed when the client accepts it, with its
// validators; http.ServeContent answers the conditional and range
// requests.
func (f *pageFile) serve(w http.ResponseWriter, r *http.Request, built time.Time) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Type", f.contentType)
	if f.immutable {
		h.Set("Cache-Control", cacheHashed)
	} else {
		h.Set("Cache-Control", cacheUnhashed)
	}
	body, etag := f.body, f.etag
	if f.compress {
		h.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r.Header.Values("Accept-Encoding")) {
			if gz := f.gzipped(); gz != nil {
				body, etag = gz.body, gz.etag
				h.Set("Content-Encoding", "gzip")
			}
		}
	}
	h.Set("ETag", etag)
	http.ServeContent(w, r, f.name, built, bytes.NewReader(body))
}

// embeddedPage returns the page files embedded in the binary.
func embeddedPage() fs.FS {
	sub, err := fs.Sub(webdist, "webdist")
	if err != nil {
		panic(err) // webdist is a literal directory name
	}
	return sub
}
