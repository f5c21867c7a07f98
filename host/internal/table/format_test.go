package table

import "testing"

var formatFromPathTests = []struct {
	path string
	want Format // 0 means an error
	gz   bool
}{
	{"orders.csv", CSV, false},
	{"dir/ORDERS.CSV", CSV, false},
	{"orders.csv.gz", CSV, true},
	{"orders.jsonl", JSONL, false},
	{"orders.ndjson", JSONL, false},
	{"orders.jsonl.gz", JSONL, true},
	{"scores.parquet", Parquet, false},
	{"scores.parquet.gz", 0, true},
	{"orders.txt", 0, false},
	{"orders", 0, false},
	{"-", 0, false},
}

func TestFormatFromPath(t *testing.T) {
	for _, tt := range formatFromPathTests {
		got, err := FormatFromPath(tt.path)
		if got != tt.want || (err != nil) != (tt.want == 0) {
			t.Errorf("FormatFromPath(%q) = %v, %v; want %v", tt.path, got, err, tt.want)
		}
		if Gzipped(tt.path) != tt.gz {
			t.Errorf("Gzipped(%q) = %v, want %v", tt.path, !tt.gz, tt.gz)
		}
	}
}

func TestParseFormat(t *testing.T) {
	tests := []struct {
		in   string
		want Format
	}{
		{"csv", CSV}, {"CSV", CSV}, {" jsonl ", JSONL}, {"ndjson", JSONL}, {"Parquet", Parquet},
		{"json", 0}, {"", 0}, {"tsv", 0},
	}
	for _, tt := range tests {
		got, err := ParseFormat(tt.in)
		if got != tt.want || (err != nil) != (tt.want == 0) {
			t.Errorf("ParseFormat(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
		if tt.want != 0 {
			if back, _ := ParseFormat(got.String()); back != got {
				t.Errorf("ParseFormat(%v.String()) = %v", got, back)
			}
		}
	}
}
