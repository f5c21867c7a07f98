package main

// Tests of clv serve's caching and compression headers (host/web.go), on a
// built page in a test file system, so they do not depend on make web.

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// gzipLevel compresses b at a gzip level.
func gzipLevel(t *testing.T, b []byte, level int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, level)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// gunzip decodes a gzip body.
func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("body is not gzip: %v", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// cachePageBuilt is build.json's "built" time in cachePage.
var cachePageBuilt = time.Date(2026, 11, 30, 9, 15, 42, 0, time.UTC)

// cachePage returns a built page as web/build.mjs writes it: text files
// large enough for gzip to pay, clv.wasm with its precompressed copy, a
// build.json too small to compress, and a file with its content hash in
// its name.
func cachePage(t *testing.T) (fstest.MapFS, map[string][]byte) {
	t.Helper()
	body := map[string][]byte{
		"index.html":       []byte("<!doctype html><title>clv</title>" + strings.Repeat("<p>calculator</p>", 100)),
		"app.js":           []byte(strings.Repeat("function app(){return 1}\n", 200)),
		"worker.js":        []byte(strings.Repeat("self.onmessage=()=>{};\n", 100)),
		"style.css":        []byte(strings.Repeat("body{margin:0}\n", 100)),
		"icon.svg":         []byte(`<svg xmlns="http://www.w3.org/2000/svg">` + strings.Repeat(`<path d="M0 0h1v1z"/>`, 50) + `</svg>`),
		"app.js.LEGAL.txt": []byte(strings.Repeat("MIT License. ", 50)),
		"clv.wasm":         append([]byte("\x00asm\x01\x00\x00\x00"), bytes.Repeat([]byte{1, 2, 3, 4, 0, 0, 0, 0}, 4000)...),
		"build.json":       []byte(`{"version":"x","built":"2026-11-30T09:15:42.512Z"}`),
	}
	hashed := []byte(strings.Repeat("chunk();", 100))
	sum := sha256.Sum256(hashed)
	body["chunk."+hex.EncodeToString(sum[:])[:10]+".js"] = hashed
	body["stale.deadbeef00.js"] = []byte(strings.Repeat("not what the name says;", 40))
	files := fstest.MapFS{}
	for name, b := range body {
		files[name] = &fstest.MapFile{Data: b}
	}
	files["clv.wasm.gz"] = &fstest.MapFile{Data: gzipLevel(t, body["clv.wasm"], gzip.BestCompression)}
	return files, body
}

// fetchWith sends a request with the given headers through a transport
// that does not decode gzip itself, and returns the response and body.
func fetchWith(t *testing.T, method, url string, header map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

var strongETagRE = regexp.MustCompile(`^"[0-9a-f]{32}(-gzip)?"$`)

// TestServeHeaders: every page file, with and without gzip, carries its
// type, a strong ETag, the build's Last-Modified, Cache-Control and (for
// compressible files) Vary, and decodes to the file's bytes.
func TestServeHeaders(t *testing.T) {
	files, body := cachePage(t)
	srv := httptest.NewServer(webHandler(files))
	defer srv.Close()
	types := map[string]string{
		"index.html": "text/html; charset=utf-8", "app.js": "text/javascript; charset=utf-8",
		"worker.js": "text/javascript; charset=utf-8", "style.css": "text/css; charset=utf-8",
		"icon.svg": "image/svg+xml", "app.js.LEGAL.txt": "text/plain; charset=utf-8",
		"clv.wasm": "application/wasm", "build.json": "application/json",
	}
	for name := range body {
		if _, ok := types[name]; !ok {
			types[name] = "text/javascript; charset=utf-8"
		}
	}
	etags := map[string]string{}
	for name, want := range body {
		for _, gz := range []bool{false, true} {
			path := "/" + name
			if name == "index.html" {
				path = "/"
			}
			h := map[string]string{}
			if gz {
				h["Accept-Encoding"] = "gzip, deflate, br, zstd" // Chromium's
			}
			resp, b := fetchWith(t, "GET", srv.URL+path, h)
			if resp.StatusCode != 200 {
				t.Errorf("GET %s (gzip %v): %d", path, gz, resp.StatusCode)
				continue
			}
			hd := resp.Header
			// build.json is smaller than its gzip encoding: sent as is.
			wantGzip := gz && name != "build.json"
			if got := hd.Get("Content-Encoding"); (got == "gzip") != wantGzip || (got != "" && got != "gzip") {
				t.Errorf("GET %s (gzip %v): Content-Encoding %q", path, gz, got)
			}
			// A strong ETag names the bytes sent: the SHA-256 of the body
			// as it crossed the wire (-gzip for the compressed form).
			sum := sha256.Sum256(b)
			wantTag := `"` + hex.EncodeToString(sum[:])[:32] + `"`
			if wantGzip {
				wantTag = wantTag[:33] + `-gzip"`
			}
			if got := hd.Get("ETag"); got != wantTag {
				t.Errorf("GET %s (gzip %v): ETag %q, want %q from the bytes sent", path, gz, got, wantTag)
			}
			if wantGzip {
				if len(b) >= len(want) {
					t.Errorf("GET %s: gzip body %d bytes, not smaller than %d", path, len(b), len(want))
				}
				b = gunzip(t, b)
			}
			if !bytes.Equal(b, want) {
				t.Errorf("GET %s (gzip %v): body differs from the file", path, gz)
			}
			if got := hd.Get("Content-Type"); got != types[name] {
				t.Errorf("GET %s: Content-Type %q, want %q", path, got, types[name])
			}
			if got := hd.Get("Vary"); got != "Accept-Encoding" {
				t.Errorf("GET %s (gzip %v): Vary %q, want Accept-Encoding", path, gz, got)
			}
			if got := hd.Get("Last-Modified"); got != cachePageBuilt.Format(http.TimeFormat) {
				t.Errorf("GET %s: Last-Modified %q, want the build time %s", path, got, cachePageBuilt.Format(http.TimeFormat))
			}
			etag := hd.Get("ETag")
			if !strongETagRE.MatchString(etag) || strings.HasSuffix(etag, `-gzip"`) != wantGzip {
				t.Errorf("GET %s (gzip %v): ETag %q, want a strong one (-gzip for the gzip body)", path, gz, etag)
			}
			if prev, ok := etags[etag]; ok && prev != name {
				t.Errorf("ETag %q of %s is also %s's", etag, name, prev)
			}
			etags[etag] = name
			wantCache := cacheUnhashed
			if strings.HasPrefix(name, "chunk.") {
				wantCache = cacheHashed
			}
			if got := hd.Get("Cache-Control"); got != wantCache {
				t.Errorf("GET %s: Cache-Control %q, want %q", path, got, wantCache)
			}
			if got := hd.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("GET %s: X-Content-Type-Options %q", path, got)
			}
		}
	}
	// The same content always gets the same ETag: it is the content's.
	files2, _ := cachePage(t)
	srv2 := httptest.NewServer(webHandler(files2))
	defer srv2.Close()
	r1, _ := fetchWith(t, "GET", srv.URL+"/app.js", nil)
	r2, _ := fetchWith(t, "GET", srv2.URL+"/app.js", nil)
	if r1.Header.Get("ETag") != r2.Header.Get("ETag") {
		t.Errorf("app.js: ETag %s from one server, %s from another", r1.Header.Get("ETag"), r2.Header.Get("ETag"))
	}
}

// TestServeNeverGzipsUnasked: a client that does not accept gzip never
// gets it.
func TestServeNeverGzipsUnasked(t *testing.T) {
	files, body := cachePage(t)
	srv := httptest.NewServer(webHandler(files))
	defer srv.Close()
	for _, ae := range []string{"", "identity", "gzip;q=0", "gzip; q=0.000, deflate", "br", "deflate, *;q=0", "*;q=0, identity", "gzip;q=x", "gzipx"} {
		for _, name := range []string{"app.js", "clv.wasm", "style.css"} {
			h := map[string]string{}
			if ae != "" {
				h["Accept-Encoding"] = ae
			}
			resp, b := fetchWith(t, "GET", srv.URL+"/"+name, h)
			if resp.Header.Get("Content-Encoding") != "" || !bytes.Equal(b, body[name]) {
				t.Errorf("Accept-Encoding %q: %s sent with Content-Encoding %q", ae, name, resp.Header.Get("Content-Encoding"))
			}
		}
	}
}

var acceptsGzipTests = []struct {
	header []string
	want   bool
}{
	{nil, false},
	{[]string{""}, false},
	{[]string{"gzip"}, true},
	{[]string{"GZIP"}, true},
	{[]string{"x-gzip"}, true},
	{[]string{"gzip, deflate, br, zstd"}, true},
	{[]string{"deflate", "gzip;q=0.5"}, true},
	{[]string{"br;q=1.0, gzip;q=0.8, *;q=0.1"}, true},
	{[]string{"*"}, true},
	{[]string{"identity"}, false},
	{[]string{"gzip;q=0"}, false},
	{[]string{"gzip;q=0.0, *"}, false}, // gzip named: its weight decides
	{[]string{"*;q=0"}, false},
	{[]string{"gzip;q=2"}, false}, // out of range: not accepted
	{[]string{"gzip;q="}, false},
	{[]string{"gzip ; Q=0.3"}, true},
	{[]string{"deflate;q=1, br"}, false},
	{[]string{"gzipper"}, false},
}

func TestAcceptsGzip(t *testing.T) {
	for _, tt := range acceptsGzipTests {
		if got := acceptsGzip(tt.header); got != tt.want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", tt.header, got, tt.want)
		}
	}
}

// TestServeNotModified: If-None-Match and If-Modified-Since get 304, for
// the plain and the gzip body, with the validators and caching headers
// and no body; a changed or other representation's ETag gets the file.
func TestServeNotModified(t *testing.T) {
	files, _ := cachePage(t)
	srv := httptest.NewServer(webHandler(files))
	defer srv.Close()
	const gz = "gzip, deflate"
	plain, _ := fetchWith(t, "GET", srv.URL+"/app.js", nil)
	zipped, _ := fetchWith(t, "GET", srv.URL+"/app.js", map[string]string{"Accept-Encoding": gz})
	plainTag, gzTag := plain.Header.Get("ETag"), zipped.Header.Get("ETag")
	if plainTag == gzTag {
		t.Fatalf("the plain and gzip bodies share the ETag %s", plainTag)
	}
	built := cachePageBuilt.Format(http.TimeFormat)
	tests := []struct {
		name   string
		header map[string]string
		status int
	}{
		{"plain ETag", map[string]string{"If-None-Match": plainTag}, 304},
		{"gzip ETag", map[string]string{"If-None-Match": gzTag, "Accept-Encoding": gz}, 304},
		{"one of several", map[string]string{"If-None-Match": `"0123", ` + gzTag, "Accept-Encoding": gz}, 304},
		{"weak form of it", map[string]string{"If-None-Match": "W/" + plainTag}, 304},
		{"star", map[string]string{"If-None-Match": "*"}, 304},
		{"old ETag", map[string]string{"If-None-Match": `"00000000000000000000000000000000"`}, 200},
		{"plain ETag, gzip accepted", map[string]string{"If-None-Match": plainTag, "Accept-Encoding": gz}, 200},
		{"gzip ETag, gzip not accepted", map[string]string{"If-None-Match": gzTag}, 200},
		{"since the build", map[string]string{"If-Modified-Since": built}, 304},
		{"since the build, gzip", map[string]string{"If-Modified-Since": built, "Accept-Encoding": gz}, 304},
		{"since later", map[string]string{"If-Modified-Since": cachePageBuilt.Add(time.Hour).Format(http.TimeFormat)}, 304},
		{"since earlier", map[string]string{"If-Modified-Since": cachePageBuilt.Add(-time.Second).Format(http.TimeFormat)}, 200},
		{"ETag wins over the date", map[string]string{"If-None-Match": `"0000"`, "If-Modified-Since": built}, 200},
	}
	for _, tt := range tests {
		for _, method := range []string{"GET", "HEAD"} {
			resp, b := fetchWith(t, method, srv.URL+"/app.js", tt.header)
			if resp.StatusCode != tt.status {
				t.Errorf("%s %s: status %d, want %d", method, tt.name, resp.StatusCode, tt.status)
				continue
			}
			wantTag := plainTag
			if tt.header["Accept-Encoding"] != "" {
				wantTag = gzTag
			}
			h := resp.Header
			if h.Get("ETag") != wantTag || h.Get("Cache-Control") != cacheUnhashed || h.Get("Vary") != "Accept-Encoding" {
				t.Errorf("%s %s: ETag %q Cache-Control %q Vary %q, want %s, %s, Accept-Encoding",
					method, tt.name, h.Get("ETag"), h.Get("Cache-Control"), h.Get("Vary"), wantTag, cacheUnhashed)
			}
			if tt.status == 304 && (len(b) != 0 || h.Get("Content-Encoding") != "") {
				t.Errorf("%s %s: 304 with %d body bytes, Content-Encoding %q", method, tt.name, len(b), h.Get("Content-Encoding"))
			}
			if method == "HEAD" && len(b) != 0 {
				t.Errorf("HEAD %s: %d body bytes", tt.name, len(b))
			}
		}
	}
	// The root (index.html) and the module revalidate the same way.
	for _, p := range []string{"/", "/clv.wasm"} {
		for _, ae := range []string{"", gz} {
			first, _ := fetchWith(t, "GET", srv.URL+p, map[string]string{"Accept-Encoding": ae})
			again, b := fetchWith(t, "GET", srv.URL+p, map[string]string{"Accept-Encoding": ae, "If-None-Match": first.Header.Get("ETag")})
			if again.StatusCode != 304 || len(b) != 0 {
				t.Errorf("GET %s (Accept-Encoding %q) with its ETag: %d, %d bytes; want 304", p, ae, again.StatusCode, len(b))
			}
		}
	}
}

// TestServeHashedNames: only a name whose hex part is the start of the
// content's SHA-256 is cached as immutable.
func TestServeHashedNames(t *testing.T) {
	body := []byte("x")
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	for _, tt := range []struct {
		name      string
		immutable bool
	}{
		{"app." + hash[:8] + ".js", true},
		{"clv-" + hash[:16] + ".wasm", true},
		{"app." + hash + ".js", true},
		{"app." + hash[:7] + ".js", false}, // too short to be a hash
		{"app.deadbeef.js", false},         // not this content's
		{"app." + strings.ToUpper(hash[:8]) + ".js", false},
		{"app.js", false},
		{hash[:8] + ".js", false},
	} {
		if got := newPageFile(tt.name, body, nil).immutable; got != tt.immutable {
			t.Errorf("%s: immutable %v, want %v", tt.name, got, tt.immutable)
		}
	}
}

// TestServeStalePrecompressed: a name.gz that is not the file's gzip (an
// old build's copy) is not sent; the file is compressed afresh.
func TestServeStalePrecompressed(t *testing.T) {
	files, body := cachePage(t)
	files["app.js.gz"] = &fstest.MapFile{Data: gzipLevel(t, []byte("old app"), gzip.BestCompression)}
	files["style.css.gz"] = &fstest.MapFile{Data: []byte("not gzip at all")}
	srv := httptest.NewServer(webHandler(files))
	defer srv.Close()
	for _, name := range []string{"app.js", "style.css"} {
		resp, b := fetchWith(t, "GET", srv.URL+"/"+name, map[string]string{"Accept-Encoding": "gzip"})
		if resp.Header.Get("Content-Encoding") != "gzip" || !bytes.Equal(gunzip(t, b), body[name]) {
			t.Errorf("%s: the stale precompressed copy was sent", name)
		}
	}
}

// TestServeMethods: the page is read-only; only GET and HEAD are served.
func TestServeMethods(t *testing.T) {
	files, _ := cachePage(t)
	srv := httptest.NewServer(webHandler(files))
	defer srv.Close()
	for _, m := range []string{"POST", "PUT", "DELETE", "PATCH"} {
		resp, _ := fetchWith(t, m, srv.URL+"/app.js", nil)
		if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET, HEAD" {
			t.Errorf("%s /app.js: %d, Allow %q; want 405, GET, HEAD", m, resp.StatusCode, resp.Header.Get("Allow"))
		}
	}
}

// TestServeNoBuildTime: without a build time in build.json there is no
// Last-Modified (the ETag still validates).
func TestServeNoBuildTime(t *testing.T) {
	files, _ := cachePage(t)
	files["build.json"] = &fstest.MapFile{Data: []byte(`{"version":"x"}`)}
	srv := httptest.NewServer(webHandler(files))
	defer srv.Close()
	resp, _ := fetchWith(t, "GET", srv.URL+"/app.js", nil)
	if lm := resp.Header.Get("Last-Modified"); lm != "" {
		t.Errorf("Last-Modified %q without a build time", lm)
	}
	again, _ := fetchWith(t, "GET", srv.URL+"/app.js", map[string]string{"If-None-Match": resp.Header.Get("ETag")})
	if again.StatusCode != 304 {
		t.Errorf("If-None-Match: %d, want 304", again.StatusCode)
	}
}
