package table

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/clvkit/clvkit/internal/quote"
)

// Format is a tabular file format. The zero value is not a format, so a
// forgotten choice is caught rather than silently meaning CSV.
type Format int

// The supported formats.
const (
	CSV     Format = iota + 1 // comma-separated values with a header row
	JSONL                     // JSON Lines: one flat JSON object per line
	Parquet                   // Apache Parquet with a flat schema
)

// String returns the format's canonical name: "csv", "jsonl" or "parquet".
func (f Format) String() string {
	switch f {
	case CSV:
		return "csv"
	case JSONL:
		return "jsonl"
	case Parquet:
		return "parquet"
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// ParseFormat parses a format name as written in configuration or on the
// command line: "csv", "jsonl" (or "ndjson") or "parquet", in any case.
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "csv":
		return CSV, nil
	case "jsonl", "ndjson":
		return JSONL, nil
	case "parquet":
		return Parquet, nil
	}
	return 0, fmt.Errorf("unknown table format %s (want csv, jsonl or parquet)", quote.Value(s))
}

// FormatFromPath infers the format from a file name's extension: .csv,
// .jsonl or .ndjson, each optionally followed by .gz, or .parquet. Case is
// ignored. Use Gzipped to learn whether the name asks for compression.
func FormatFromPath(path string) (Format, error) {
	base := strings.ToLower(filepath.Base(path))
	gz := strings.HasSuffix(base, ".gz")
	base = strings.TrimSuffix(base, ".gz")
	switch ext := filepath.Ext(base); ext {
	case ".csv":
		return CSV, nil
	case ".jsonl", ".ndjson":
		return JSONL, nil
	case ".parquet":
		if gz {
			return 0, fmt.Errorf("%s: gzip-compressed Parquet is not supported (Parquet compresses internally); use .parquet", path)
		}
		return Parquet, nil
	}
	return 0, fmt.Errorf("%s: cannot tell the table format from the name (want .csv, .csv.gz, .jsonl, .jsonl.gz, .ndjson or .parquet); name the format explicitly", path)
}

// Gzipped reports whether path ends in ".gz" (in any case), meaning output
// written there should be gzip-compressed.
func Gzipped(path string) bool {
	return strings.HasSuffix(strings.ToLower(path), ".gz")
}
