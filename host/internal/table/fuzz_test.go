package table

import (
	"bytes"
	"errors"
	"github.com/clvkit/clvkit/internal/textenc"
	"io"
	"runtime/metrics"
	"testing"
	"unicode/utf8"
)

// drain reads every row and touches every accessor; it must never panic,
// and every error must be a positioned *Error.
func drain(t *testing.T, data []byte, name string, f Format) {
	r, err := Open(bytes.NewReader(data), name, f, ReadOptions{})
	if err != nil {
		var te *Error
		if !errors.As(err, &te) {
			t.Fatalf("Open error %T is not a *Error: %v", err, err)
		}
		return
	}
	for range 10000 {
		row, err := r.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			var te *Error
			if !errors.As(err, &te) {
				t.Fatalf("Next error %T is not a *Error: %v", err, err)
			}
			return
		}
		if row.Len() != len(r.Columns()) {
			t.Fatalf("row has %d fields, %d columns", row.Len(), len(r.Columns()))
		}
		for i := range row.Len() {
			row.Field(i)
			row.IsNull(i)
			row.Float(i)
			row.Int(i)
		}
	}
}

func FuzzCSVReader(f *testing.F) {
	for _, s := range []string{
		"id,date,amount\nc1,2024-01-01,5\n",
		"\uFEFFa,b\n\"x,\"\"y\",2\n",
		"a,b\n1\n",
		"a\n\"unterminated\n",
		"",
	} {
		f.Add([]byte(s))
	}
	f.Add(writeTable(f, CSV, WriteOptions{Gzip: true}, scoreColumns, scoreRows))
	f.Fuzz(func(t *testing.T, data []byte) {
		drain(t, data, "fuzz.csv", CSV)
	})
}

func FuzzJSONLReader(f *testing.F) {
	for _, s := range []string{
		`{"id":"c1","amount":5}` + "\n" + `{"id":"c2"}`,
		`{"a":{"b":1}}`,
		`{"a":1}` + "\n" + `{"b":2}`,
		`[1,2]`,
		"\n\n{}\n",
		`{"a":"\ud800"}`,
	} {
		f.Add([]byte(s))
	}
	f.Add(writeTable(f, JSONL, WriteOptions{}, scoreColumns, scoreRows))
	f.Fuzz(func(t *testing.T, data []byte) {
		drain(t, data, "fuzz.jsonl", JSONL)
	})
}

// FuzzParquetReader reads arbitrary bytes as Parquet: never a panic, every
// error positioned, and what the reader allocates bounded by the input's
// size (parquet-go allocates whatever lengths a file declares unless
// parquetcheck.go has checked them first).
func FuzzParquetReader(f *testing.F) {
	good := writeTable(f, Parquet, WriteOptions{}, scoreColumns, scoreRows)
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add([]byte("PAR1PAR1"))
	for _, tt := range parquetCorruptTests {
		f.Add(tt.data(f))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		before := heapAllocs()
		drain(t, data, "fuzz.parquet", Parquet)
		if n, limit := heapAllocs()-before, parquetAllocLimit(len(data)); n > limit {
			t.Fatalf("reading %d bytes of Parquet allocated %d bytes (limit %d)", len(data), n, limit)
		}
	})
}

// parquetAllocLimit is what reading a Parquet file of size bytes (and up
// to drain's 10000 rows) may allocate: a fixed allowance for parquet-go's
// buffers and the rows, plus a multiple of the size for the decoded footer
// and decompressed pages.
func parquetAllocLimit(size int) uint64 {
	return 64<<20 + 2*maxPageExpansion*uint64(size)
}

// heapAllocs returns the bytes allocated on the heap so far, cumulatively
// (runtime/metrics reads it without stopping the world).
func heapAllocs() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// FuzzTextRoundTrip checks the hand-written CSV quoting and JSON string
// escaping: whatever string is written is read back unchanged (in CSV, with
// the formula guard's leading ' where it applies), and a string that is not
// valid UTF-8 (which JSON cannot hold) is refused.
func FuzzTextRoundTrip(f *testing.F) {
	for _, s := range []string{"", "plain", "a,b", `q"q`, " lead", "\\.", "line\nbreak", "cr\r\n", "\xff", "\u2028", "\x00\x1f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cols := []Column{{Name: "s", Kind: String}, {Name: "n", Kind: Int}}
		for _, format := range []Format{CSV, JSONL} {
			if !utf8.ValidString(s) {
				w, err := Create(io.Discard, format, cols, WriteOptions{})
				if err != nil {
					t.Fatal(err)
				}
				if err := w.WriteRow([]Value{StringValue(s), IntValue(1)}); !errors.Is(err, ErrNotUTF8) {
					t.Fatalf("%v: writing %q: error %v, want ErrNotUTF8", format, s, err)
				}
				continue
			}
			data := writeTable(t, format, WriteOptions{}, cols, [][]Value{{StringValue(s), IntValue(1)}})
			r, err := Open(bytes.NewReader(data), "rt", format, ReadOptions{})
			if err != nil {
				t.Fatalf("%v: %v\n%q", format, err, data)
			}
			row, err := r.Next()
			if err != nil {
				t.Fatalf("%v: %v\n%q", format, err, data)
			}
			want := s
			if format == CSV {
				// encoding/csv reads "\r\n" inside a quoted field as "\n".
				want = string(bytes.ReplaceAll([]byte(s), []byte("\r\n"), []byte("\n")))
				// A label cell that a spreadsheet would run as a formula is
				// written with a leading ' (the default csv_formula_guard).
				if textenc.FormulaLike(s) {
					want = "'" + want
				}
			}
			if got := row.Field(0); got != want {
				t.Fatalf("%v: wrote %q, read %q\n%q", format, s, got, data)
			}
		}
	})
}
