package wasm

import (
	"bytes"
	"context"
	"encoding/binary"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// loadWarned loads the valuematrix module with the cache in dir, checks
// that it works (one batch) and returns the warnings Load gave.
func loadWarned(t *testing.T, dir string) []string {
	t.Helper()
	var warnings []string
	p := loadTest(t, "valuematrix", Config{CacheDir: dir, Warn: func(err error) { warnings = append(warnings, err.Error()) }})
	if err := p.Configure(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	// CLV 60, P(alive) 0.9: "High value, active", label 0 (see TestValueMatrix).
	got := []int32{-1}
	if err := p.Segment(context.Background(), [][]float64{{60}, {0.9}}, got); err != nil {
		t.Fatal(err)
	}
	if got[0] != 0 {
		t.Fatalf("label %d, want 0", got[0])
	}
	p.Close()
	return warnings
}

// cacheEntries returns the files of a compilation cache folder.
func cacheEntries(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// A cache folder that cannot be created (here beneath a file, which fails
// for root too) does not stop the plugin: one warning, and it runs.
func TestCacheUnwritable(t *testing.T) {
	file := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	warnings := loadWarned(t, filepath.Join(file, "cache"))
	if len(warnings) != 1 || !strings.Contains(warnings[0], "compiling without it") {
		t.Fatalf("warnings %q, want one saying the module is compiled without the cache", warnings)
	}
}

// flipCode flips a byte in the middle of the native code of a wazero cache
// entry (its layout: engine_cache.go, serializeCompiledModule): "WAZEVO",
// a version length byte and the version, the function count (u32), one
// u64 offset per function, the code length (u64), the code, its CRC-32.
func flipCode(t *testing.T, b []byte) []byte {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("WAZEVO")) {
		t.Fatalf("not a wazero cache entry: %.20q", b)
	}
	at := 6 + 1 + int(b[6])
	funcs := int(binary.LittleEndian.Uint32(b[at:]))
	at += 4 + 8*funcs
	codeLen := int(binary.LittleEndian.Uint64(b[at:]))
	at += 8
	b[at+codeLen/2] ^= 0xff
	return b
}

// A corrupt entry is discarded and rebuilt, with one warning; the load
// after that finds a good entry and says nothing. An unreadable entry that
// cannot be replaced (a folder with a file in it, where the entry's file
// should be) leaves the plugin compiled without the cache, with one
// warning.
func TestCacheCorruptEntry(t *testing.T) {
	// One good entry, copied into a fresh cache folder for each case.
	first := t.TempDir()
	if w := loadWarned(t, first); len(w) != 0 {
		t.Fatalf("first load into an empty cache: warnings %q", w)
	}
	entries := cacheEntries(t, first)
	if len(entries) != 1 {
		t.Fatalf("cache entries %q, want 1", entries)
	}
	rel, err := filepath.Rel(first, entries[0])
	if err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(entries[0])
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		corrupt func(t *testing.T, entry string) // replaces the good entry
		want    string                           // in the one warning
		rebuilt bool                             // the good entry is back
	}{
		{"garbage", writeEntry([]byte("this is not compiled code")), "discarded an entry", true},
		{"truncated", writeEntry(good[:len(good)/2]), "discarded an entry", true},
		{"a flipped byte in the code", func(t *testing.T, entry string) {
			writeEntry(flipCode(t, bytes.Clone(good)))(t, entry)
		}, "discarded an entry", true},
		{"a folder in its place", func(t *testing.T, entry string) {
			if err := os.MkdirAll(filepath.Join(entry, "in-the-way"), 0o755); err != nil {
				t.Fatal(err)
			}
		}, "compiled without it", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			entry := filepath.Join(dir, rel)
			if err := os.MkdirAll(filepath.Dir(entry), 0o755); err != nil {
				t.Fatal(err)
			}
			tt.corrupt(t, entry)
			warnings := loadWarned(t, dir)
			if len(warnings) != 1 || !strings.Contains(warnings[0], tt.want) {
				t.Fatalf("warnings %q, want one saying %q", warnings, tt.want)
			}
			t.Logf("warning: %s", warnings[0])
			if !tt.rebuilt {
				return
			}
			if rebuilt, err := os.ReadFile(entry); err != nil || !bytes.Equal(rebuilt, good) {
				t.Errorf("the rebuilt entry (%d bytes, %v) differs from the first (%d bytes)", len(rebuilt), err, len(good))
			}
			if w := loadWarned(t, dir); len(w) != 0 {
				t.Errorf("load after the rebuild: warnings %q, want none", w)
			}
			if e := cacheEntries(t, dir); len(e) != 1 {
				t.Errorf("cache entries after the rebuild %q, want 1 (no temporary file left)", e)
			}
		})
	}
}

// writeEntry returns a corruption that writes b as the entry.
func writeEntry(b []byte) func(t *testing.T, entry string) {
	return func(t *testing.T, entry string) {
		if err := os.WriteFile(entry, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// A module that does not compile is reported as such, with a cache or
// without, and is not blamed on the cache.
func TestCacheBadModule(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "text.wasm")
	if err := os.WriteFile(bad, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	var warnings []string
	_, err := Load(context.Background(), bad, Config{CacheDir: t.TempDir(), Warn: func(err error) { warnings = append(warnings, err.Error()) }})
	if err == nil || !strings.HasPrefix(err.Error(), "plugin text: compile: ") {
		t.Errorf("got %v, want a compile error", err)
	}
	if len(warnings) != 0 {
		t.Errorf("warnings %q about the cache for a module that does not compile", warnings)
	}
}
