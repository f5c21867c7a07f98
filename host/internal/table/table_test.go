package table

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"math"
	"strings"
	"testing"
)

// scoreColumns is a typical scored-table layout.
var scoreColumns = []Column{
	{Name: "customer_id", Kind: String},
	{Name: "frequency", Kind: Int},
	{Name: "p_alive", Kind: Float, Precision: 4},
	{Name: "clv", Kind: Float, Precision: 2},
	{Name: "raw", Kind: Float, Precision: -1},
	{Name: "segment, tier", Kind: String},
}

// scoreRows exercises quoting, escaping, rounding and nulls.
var scoreRows = [][]Value{
	{StringValue("c1"), IntValue(3), FloatValue(0.87654), FloatValue(1234.5), FloatValue(0.1), StringValue("Champions")},
	{StringValue("c,2"), IntValue(0), FloatValue(1), FloatValue(-0.001), FloatValue(1e-7), StringValue(`say "hi"`)},
	{StringValue(" lead space"), IntValue(-7), Null(), Null(), Null(), Null()},
	{StringValue("multi\nline\ttab \u2028 é 日本"), IntValue(math.MaxInt64), FloatValue(2.5e-5), FloatValue(1e15), FloatValue(-123.456), StringValue("")},
}

// want is what reading scoreRows back gives: text per field ("" for null)
// and whether it is null. Floats were rounded to their precision on write.
var wantText = map[Format][][]string{
	CSV: {
		{"c1", "3", "0.8765", "1234.50", "0.1", "Champions"},
		{"c,2", "0", "1.0000", "0.00", "0.0000001", `say "hi"`},
		{" lead space", "-7", "", "", "", ""},
		{"multi\nline\ttab \u2028 é 日本", "9223372036854775807", "0.0000", "1000000000000000.00", "-123.456", ""},
	},
	JSONL: {
		{"c1", "3", "0.8765", "1234.50", "0.1", "Champions"},
		{"c,2", "0", "1.0000", "0.00", "0.0000001", `say "hi"`},
		{" lead space", "-7", "", "", "", ""},
		{"multi\nline\ttab \u2028 é 日本", "9223372036854775807", "0.0000", "1000000000000000.00", "-123.456", ""},
	},
	Parquet: {
		{"c1", "3", "0.8765", "1234.5", "0.1", "Champions"},
		{"c,2", "0", "1", "0", "1e-7", `say "hi"`},
		{" lead space", "-7", "", "", "", ""},
		{"multi\nline\ttab \u2028 é 日本", "9223372036854775807", "0", "1000000000000000", "-123.456", ""},
	},
}

// wantNull marks the null fields of scoreRows (CSV has no nulls).
var wantNull = [][]bool{
	{false, false, false, false, false, false},
	{false, false, false, false, false, false},
	{false, false, true, true, true, true},
	{false, false, false, false, false, false},
}

func writeTable(t testing.TB, f Format, opts WriteOptions, cols []Column, rows [][]Value) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := Create(&buf, f, cols, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := w.WriteRow(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func readAll(t testing.TB, r *Reader) []Row {
	t.Helper()
	var rows []Row
	for {
		row, err := r.Next()
		if err == io.EOF {
			return rows
		}
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, row)
	}
}

func TestRoundTrip(t *testing.T) {
	for _, f := range []Format{CSV, JSONL, Parquet} {
		for _, gz := range []bool{false, true} {
			if gz && f == Parquet {
				continue
			}
			name := "scores." + f.String()
			if gz {
				name += ".gz"
			}
			t.Run(name, func(t *testing.T) {
				data := writeTable(t, f, WriteOptions{Gzip: gz}, scoreColumns, scoreRows)
				if gz && !bytes.HasPrefix(data, gzipMagic) {
					t.Fatalf("not gzip: % x", data[:4])
				}
				// Name the input "-" so gzip must be found by its magic bytes.
				r, err := Open(bytes.NewReader(data), "-", f, ReadOptions{})
				if err != nil {
					t.Fatal(err)
				}
				var names []string
				for _, c := range scoreColumns {
					names = append(names, c.Name)
				}
				if got := strings.Join(r.Columns(), "|"); got != strings.Join(names, "|") {
					t.Errorf("columns = %s", got)
				}
				rows := readAll(t, r)
				if len(rows) != len(scoreRows) {
					t.Fatalf("read %d rows, wrote %d", len(rows), len(scoreRows))
				}
				for i, row := range rows {
					for j := range scoreColumns {
						if got, want := row.Field(j), wantText[f][i][j]; got != want {
							t.Errorf("row %d column %s: text %q, want %q", i+1, scoreColumns[j].Name, got, want)
						}
						if got, want := row.IsNull(j), wantNull[i][j] && f != CSV; got != want {
							t.Errorf("row %d column %s: IsNull = %v, want %v", i+1, scoreColumns[j].Name, got, want)
						}
					}
					// Numbers read back equal across formats.
					for _, j := range []int{2, 3, 4} {
						got, err := row.Float(j)
						want, werr := (Row{fields: wantText[CSV][i], hdr: row.hdr}).Float(j)
						if (err == nil) != (werr == nil) || got != want {
							t.Errorf("row %d column %s: Float = %v, %v; want %v, %v", i+1, scoreColumns[j].Name, got, err, want, werr)
						}
					}
					n, err := row.Int(1)
					if err != nil || n != scoreRows[i][1].i {
						t.Errorf("row %d: Int = %d, %v; want %d", i+1, n, err, scoreRows[i][1].i)
					}
				}
			})
		}
	}
}

func TestDeterministic(t *testing.T) {
	for _, f := range []Format{CSV, JSONL, Parquet} {
		for _, gz := range []bool{false, true} {
			if gz && f == Parquet {
				continue
			}
			a := writeTable(t, f, WriteOptions{Gzip: gz}, scoreColumns, scoreRows)
			b := writeTable(t, f, WriteOptions{Gzip: gz}, scoreColumns, scoreRows)
			if !bytes.Equal(a, b) {
				t.Errorf("%v gzip=%v: two writes of the same table differ", f, gz)
			}
		}
	}
	// The gzip header carries no name and no time (RFC 1952: MTIME at bytes 4-7).
	gz := writeTable(t, CSV, WriteOptions{Gzip: true}, scoreColumns, scoreRows)
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	if zr.Name != "" || !zr.ModTime.IsZero() || !bytes.Equal(gz[4:8], []byte{0, 0, 0, 0}) {
		t.Errorf("gzip header not fixed: name %q, mtime %v", zr.Name, zr.ModTime)
	}
	// created_by is fixed, whatever the library version.
	pq := writeTable(t, Parquet, WriteOptions{}, scoreColumns, scoreRows)
	if !bytes.Contains(pq, []byte(CreatedBy)) || bytes.Contains(pq, []byte("parquet-go")) {
		t.Errorf("created_by is not the fixed %q", CreatedBy)
	}
}

func TestWriteText(t *testing.T) {
	cols := []Column{{Name: "id", Kind: String}, {Name: "v", Kind: Float, Precision: 2}, {Name: "n", Kind: Int}}
	rows := [][]Value{
		{StringValue("a"), FloatValue(2.345), IntValue(1)}, // 2.345 is 2.34499999... in binary
		{StringValue(`\.`), FloatValue(-0.004), Null()},    // rounds to zero: no sign
		{StringValue("café"), FloatValue(1e21), IntValue(-2)},
	}
	tests := []struct {
		f    Format
		want string
	}{
		{CSV, "id,v,n\na,2.35,1\n\"\\.\",0.00,\ncafé,1000000000000000000000.00,-2\n"},
		{JSONL, `{"id":"a","v":2.35,"n":1}` + "\n" + `{"id":"\\.","v":0.00,"n":null}` + "\n" + `{"id":"café","v":1000000000000000000000.00,"n":-2}` + "\n"},
	}
	for _, tt := range tests {
		if got := string(writeTable(t, tt.f, WriteOptions{}, cols, rows)); got != tt.want {
			t.Errorf("%v:\n got %q\nwant %q", tt.f, got, tt.want)
		}
	}
}

func TestWriteErrors(t *testing.T) {
	tests := []struct {
		name string
		f    Format
		opts WriteOptions
		cols []Column
		row  []Value
		want string
	}{
		{"no columns", CSV, WriteOptions{}, nil, nil, "no columns"},
		{"duplicate", CSV, WriteOptions{}, []Column{{Name: "a", Kind: Int}, {Name: "a", Kind: Int}}, nil, `column "a" appears twice`},
		{"unnamed", CSV, WriteOptions{}, []Column{{Kind: Int}}, nil, "column 1 has no name"},
		{"bad kind", JSONL, WriteOptions{}, []Column{{Name: "a"}}, nil, "unknown kind"},
		{"bad precision", CSV, WriteOptions{}, []Column{{Name: "a", Kind: Float, Precision: 99}}, nil, "precision 99 out of range"},
		{"gzip parquet", Parquet, WriteOptions{Gzip: true}, []Column{{Name: "a", Kind: Int}}, nil, "gzip is not supported for Parquet"},
		{"bad format", Format(9), WriteOptions{}, []Column{{Name: "a", Kind: Int}}, nil, "unknown table format"},
		{"short row", CSV, WriteOptions{}, []Column{{Name: "a", Kind: Int}, {Name: "b", Kind: Int}}, []Value{IntValue(1)}, "write row 1: 1 values for 2 columns"},
		{"wrong kind", Parquet, WriteOptions{}, []Column{{Name: "a", Kind: Int}}, []Value{FloatValue(1)}, `write row 1: column "a": got a float value, the column is int`},
		// A NaN or infinite value (an overflowed sum) used to become an
		// empty cell; it is an error in every format.
		{"NaN", CSV, WriteOptions{}, []Column{{Name: "m", Kind: Float}}, []Value{FloatValue(math.NaN())}, `write row 1: column "m": NaN is not a finite number`},
		{"+Inf", JSONL, WriteOptions{}, []Column{{Name: "m", Kind: Float}}, []Value{FloatValue(math.Inf(1))}, `write row 1: column "m": +Inf is not a finite number`},
		{"-Inf", Parquet, WriteOptions{}, []Column{{Name: "m", Kind: Float}}, []Value{FloatValue(math.Inf(-1))}, `write row 1: column "m": -Inf is not a finite number`},
		// JSON Lines wrote "Jos\xe9" as "Jos\ufffd", the same as "Jos\xe8":
		// two ids merged. Not valid UTF-8 is an error in every format.
		{"not UTF-8, CSV", CSV, WriteOptions{}, []Column{{Name: "id", Kind: String}}, []Value{StringValue("Jos\xe9")}, `write row 1: column "id": "Jos\xe9": not valid UTF-8 text`},
		{"not UTF-8, JSONL", JSONL, WriteOptions{}, []Column{{Name: "id", Kind: String}}, []Value{StringValue("Jos\xe9")}, `write row 1: column "id": "Jos\xe9": not valid UTF-8 text`},
		{"not UTF-8, Parquet", Parquet, WriteOptions{}, []Column{{Name: "id", Kind: String}}, []Value{StringValue("Jos\xe8")}, `write row 1: column "id": "Jos\xe8": not valid UTF-8 text`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := Create(io.Discard, tt.f, tt.cols, tt.opts)
			if err == nil {
				err = w.WriteRow(tt.row)
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestParquetColumnOrder(t *testing.T) {
	// parquet.Group would sort these alphabetically; the schema must not.
	cols := []Column{{Name: "zeta", Kind: Int}, {Name: "alpha", Kind: String}, {Name: "mid", Kind: Float, Precision: 1}}
	data := writeTable(t, Parquet, WriteOptions{}, cols, [][]Value{{IntValue(1), StringValue("x"), FloatValue(2.25)}})
	r, err := Open(bytes.NewReader(data), "t.parquet", Parquet, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(r.Columns(), ","); got != "zeta,alpha,mid" {
		t.Errorf("columns = %s", got)
	}
	rows := readAll(t, r)
	if len(rows) != 1 || rows[0].Field(0) != "1" || rows[0].Field(1) != "x" || rows[0].Field(2) != "2.2" {
		// 2.25 is exact in binary, so precision 1 rounds half to even: 2.2.
		t.Errorf("row = %v", rows)
	}
}

func TestReaderIndex(t *testing.T) {
	r, err := Open(strings.NewReader("\uFEFFid,date,amount\nc1,2024-01-02,3.5\n"), "orders.csv", CSV, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Index("id") != 0 || r.Index("amount") != 2 || r.Index("nope") != -1 {
		t.Errorf("Index: id %d amount %d nope %d (the BOM must be stripped)", r.Index("id"), r.Index("amount"), r.Index("nope"))
	}
	idx, err := r.Require("amount", "id")
	if err != nil || idx[0] != 2 || idx[1] != 0 {
		t.Errorf("Require = %v, %v", idx, err)
	}
	_, err = r.Require("id", "customer")
	if err == nil || err.Error() != `orders.csv: column "customer": no such column (the input has ["id" "date" "amount"])` {
		t.Errorf("Require missing: %v", err)
	}
	row, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	err = row.Wrap(1, errors.New("date is in the future"))
	if err.Error() != `orders.csv:2: column "date": date is in the future` {
		t.Errorf("Wrap = %v", err)
	}
	if r.Line() != 2 || row.Line() != 2 {
		t.Errorf("Line = %d, %d; want 2", r.Line(), row.Line())
	}
}

func TestSemicolonCSV(t *testing.T) {
	r, err := Open(strings.NewReader("a;b\n1,5;x\n"), "eu.csv", CSV, ReadOptions{Comma: ';'})
	if err != nil {
		t.Fatal(err)
	}
	rows := readAll(t, r)
	if len(rows) != 1 || rows[0].Field(0) != "1,5" || rows[0].Field(1) != "x" {
		t.Errorf("rows = %v", rows)
	}
}

func TestEmptyInputs(t *testing.T) {
	if _, err := Open(strings.NewReader(""), "empty.csv", CSV, ReadOptions{}); err == nil || err.Error() != "empty.csv:1: empty input: no header row" {
		t.Errorf("empty CSV: %v", err)
	}
	r, err := Open(strings.NewReader("\n\n"), "empty.jsonl", JSONL, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Columns()) != 0 {
		t.Errorf("columns of empty JSONL = %v", r.Columns())
	}
	if _, err := r.Next(); err != io.EOF {
		t.Errorf("Next on empty JSONL = %v, want io.EOF", err)
	}
	// A header-only CSV and a row-less Parquet file have columns and no rows.
	for _, f := range []Format{CSV, Parquet} {
		data := writeTable(t, f, WriteOptions{}, scoreColumns, nil)
		r, err := Open(bytes.NewReader(data), "x", f, ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Columns()) != len(scoreColumns) {
			t.Errorf("%v: columns = %v", f, r.Columns())
		}
		if _, err := r.Next(); err != io.EOF {
			t.Errorf("%v: Next = %v, want io.EOF", f, err)
		}
	}
}

// TestOpenDecompressedGzName reads bytes already decompressed under a name
// ending in .gz, as the clv binary passes them (its input opener gunzips
// first): they are not gunzipped a second time ("gzip: invalid header"
// made clv score and validate fail on every .csv.gz input).
func TestOpenDecompressedGzName(t *testing.T) {
	r, err := Open(strings.NewReader("customer_id,date\nc1,2024-03-01\n"), "orders.csv.gz", CSV, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rows := readAll(t, r); len(rows) != 1 {
		t.Errorf("read %d rows, want 1", len(rows))
	}
}
