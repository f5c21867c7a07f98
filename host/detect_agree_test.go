package main

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/clvkit/clvkit/core/detect"
	"github.com/clvkit/clvkit/wasm/bind"
)

// TestPageAndCLIDetectAlike feeds the same files to the page's adapter
// (wasm/bind.Inspect) and to the binary's path (resolveCSVFormats, as
// clv score runs it with date_format and amount_format = "auto" and the
// page's column mapping): both must choose the same formats, or both
// refuse an ambiguous sample.
func TestPageAndCLIDetectAlike(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(repoRoot, "core/detect/testdata/*.csv"))
	if err != nil || len(files) < 4 {
		t.Fatalf("test files: %v %v", files, err)
	}
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		ins := bind.Inspect(data)
		src := source{Path: path, Delimiter: ins.Delimiter, NoHeader: !ins.Header, DateFormat: "auto", AmountFormat: "auto"}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		got, _, err := resolveCSVFormats(f, src, transactionColumns(ins.Guess))
		f.Close()
		name := filepath.Base(path)
		var ae *detect.AmbiguousError
		switch {
		case ins.Ambiguous || ins.AmountError != "":
			if !errors.As(err, &ae) {
				t.Errorf("%s: the page finds it ambiguous, the binary says %v", name, err)
			}
		case err != nil:
			t.Errorf("%s: the page detects %q and %q, the binary fails: %v", name, ins.DateFormat, ins.AmountFormat, err)
		case got.DateFormat != ins.DateFormat || got.AmountFormat != ins.AmountFormat:
			t.Errorf("%s: the page detects %q and %q, the binary %q and %q", name, ins.DateFormat, ins.AmountFormat, got.DateFormat, got.AmountFormat)
		}
	}
}
