package table

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
)

// readErrorTests are inputs whose reading fails, with the exact message:
// every message names the input, the line and, where there is one, the
// column.
var readErrorTests = []struct {
	name  string
	f     Format
	input string
	want  string
}{
	{
		name:  "CSV ragged row",
		f:     CSV,
		input: "id,date,amount\nc1,2024-01-01,5\nc2,2024-01-02\n",
		want:  "orders:3: row has 2 fields, the header has 3",
	},
	{
		name:  "CSV ragged row after a multi-line field",
		f:     CSV,
		input: "id,note\nc1,\"two\nlines\"\nc2,x,y\n",
		want:  "orders:4: row has 3 fields, the header has 2",
	},
	{
		name:  "CSV bare quote",
		f:     CSV,
		input: "id,note\nc1,ab\"c\n",
		want:  "orders:2: byte 6: bare \" in non-quoted-field",
	},
	{
		name:  "CSV duplicate header",
		f:     CSV,
		input: "id,amount,id\n",
		want:  `orders:1: header: column "id" appears twice (columns 1 and 3)`,
	},
	{
		name:  "JSONL bad JSON on line 3",
		f:     JSONL,
		input: `{"id":"c1","amount":5}` + "\n" + `{"id":"c2","amount":6}` + "\n" + `{"id":"c3","amount":}` + "\n",
		want:  `orders:3: column "amount": invalid JSON: invalid character '}' looking for beginning of value`,
	},
	{
		name:  "JSONL bad JSON after blank lines",
		f:     JSONL,
		input: `{"id":"c1"}` + "\n\n\n" + `{"id":` + "\n",
		want:  `orders:4: column "id": invalid JSON: unexpected EOF (the object must end on its line)`,
	},
	{
		name:  "JSONL nested object",
		f:     JSONL,
		input: `{"id":"c1","amount":5}` + "\n" + `{"id":"c2","amount":{"value":6}}` + "\n",
		want:  `orders:2: column "amount": value is an object; only strings, numbers, booleans and null are supported (flatten nested data)`,
	},
	{
		name:  "JSONL array in first object",
		f:     JSONL,
		input: `{"id":"c1","tags":["a"]}` + "\n",
		want:  `orders:1: column "tags": value is an array; only strings, numbers, booleans and null are supported (flatten nested data)`,
	},
	{
		name:  "JSONL key not in first object",
		f:     JSONL,
		input: `{"id":"c1"}` + "\n" + `{"id":"c2","amount":6}` + "\n",
		want:  `orders:2: column "amount": ` + errNotFixed,
	},
	{
		name:  "JSONL duplicate key",
		f:     JSONL,
		input: `{"id":"c1","amount":1}` + "\n" + `{"id":"c2","amount":6,"amount":7}` + "\n",
		want:  `orders:2: column "amount": key appears twice in the object`,
	},
	{
		name:  "JSONL duplicate key in first object",
		f:     JSONL,
		input: `{"id":"c1","id":"c2"}` + "\n",
		want:  `orders:1: column "id" appears twice (columns 1 and 2)`,
	},
	{
		name:  "JSONL not an object",
		f:     JSONL,
		input: `{"id":"c1"}` + "\n" + `["c2"]` + "\n",
		want:  `orders:2: not a JSON object (each line must hold one {...} object)`,
	},
	{
		name:  "JSONL two objects on a line",
		f:     JSONL,
		input: `{"id":"c1"} {"id":"c2"}` + "\n",
		want:  `orders:1: invalid JSON: extra data after the object`,
	},
	{
		name:  "Parquet garbage",
		f:     Parquet,
		input: "id,amount\nc1,5\n",
		want:  "orders: invalid Parquet file: ",
	},
}

func TestReadErrors(t *testing.T) {
	for _, tt := range readErrorTests {
		t.Run(tt.name, func(t *testing.T) {
			err := readUntilError("orders", tt.f, []byte(tt.input))
			if err == nil {
				t.Fatal("no error")
			}
			var te *Error
			if !errors.As(err, &te) {
				t.Errorf("%T is not a *Error", err)
			}
			got := err.Error()
			if strings.HasSuffix(tt.want, ": ") {
				if !strings.HasPrefix(got, tt.want) {
					t.Errorf("err = %q, want prefix %q", got, tt.want)
				}
			} else if got != tt.want {
				t.Errorf("err = %q\nwant %q", got, tt.want)
			}
		})
	}
}

// readUntilError reads the whole table and returns the first error.
func readUntilError(name string, f Format, data []byte) error {
	r, err := Open(bytes.NewReader(data), name, f, ReadOptions{})
	if err != nil {
		return err
	}
	for {
		if _, err := r.Next(); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
	}
}

func TestFieldErrors(t *testing.T) {
	input := `{"id":"c1","amount":"12.5","qty":3,"note":null}` + "\n" +
		`{"id":"c2","amount":"twelve","qty":2.5}` + "\n" +
		`{"id":"c3","amount":"NaN","qty":99999999999999999999,"note":true}` + "\n"
	r, err := Open(strings.NewReader(input), "orders.jsonl", JSONL, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rows := readAll(t, r)
	tests := []struct {
		row, col int
		asInt    bool
		want     string  // error text, "" for success
		value    float64 // expected value on success
	}{
		{0, 1, false, "", 12.5},
		{0, 2, true, "", 3},
		{0, 3, false, `orders.jsonl:1: column "note": value is missing`, 0},
		{1, 1, false, `orders.jsonl:2: column "amount": "twelve" is not a number`, 0},
		{1, 2, true, `orders.jsonl:2: column "qty": "2.5" is not an integer`, 0},
		{1, 2, false, "", 2.5},
		{1, 3, true, `orders.jsonl:2: column "note": value is missing`, 0}, // absent key
		{2, 1, false, `orders.jsonl:3: column "amount": "NaN" is not a finite number`, 0},
		{2, 2, true, `orders.jsonl:3: column "qty": "99999999999999999999" is out of the 64-bit integer range`, 0},
		{2, 3, false, `orders.jsonl:3: column "note": "true" is not a number`, 0},
	}
	for _, tt := range tests {
		var v float64
		var err error
		if tt.asInt {
			var n int64
			n, err = rows[tt.row].Int(tt.col)
			v = float64(n)
		} else {
			v, err = rows[tt.row].Float(tt.col)
		}
		if tt.want == "" {
			if err != nil || v != tt.value {
				t.Errorf("row %d col %d = %v, %v; want %v", tt.row+1, tt.col, v, err, tt.value)
			}
			continue
		}
		if err == nil || err.Error() != tt.want {
			t.Errorf("row %d col %d: err = %v\nwant %s", tt.row+1, tt.col, err, tt.want)
		}
	}
	if !rows[0].IsNull(3) || !rows[1].IsNull(3) || rows[2].IsNull(3) || rows[2].Field(3) != "true" {
		t.Errorf("null handling of note: %v %v %v %q", rows[0].IsNull(3), rows[1].IsNull(3), rows[2].IsNull(3), rows[2].Field(3))
	}
	if _, err := rows[0].Float(3); !errors.Is(err, ErrNull) {
		t.Errorf("null Float error %v does not wrap ErrNull", err)
	}

	// CSV: an empty field asked as a number is missing; text is not a number.
	r, err = Open(strings.NewReader("id,amount\nc1,\nc2,abc\n"), "orders.csv", CSV, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rows = readAll(t, r)
	if _, err := rows[0].Float(1); !errors.Is(err, ErrNull) || err.Error() != `orders.csv:2: column "amount": value is missing` {
		t.Errorf("empty CSV field: %v", err)
	}
	if _, err := rows[1].Float(1); err == nil || err.Error() != `orders.csv:3: column "amount": "abc" is not a number` {
		t.Errorf("non-numeric CSV field: %v", err)
	}
}

func TestJSONLValues(t *testing.T) {
	// Numbers keep their exact text; later objects may reorder and omit keys.
	input := "{\"id\":\"c1\",\"amount\":1.50,\"big\":12345678901234567890,\"ok\":false}\r\n" +
		"   \n" +
		`{"ok":true,"id":"c\u00e9\n2"}` + "\n" +
		`{"amount":-0.0e0,"id":"c3","big":null}` // no final newline
	r, err := Open(strings.NewReader(input), "t.jsonl", JSONL, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(r.Columns(), ","); got != "id,amount,big,ok" {
		t.Errorf("columns = %s", got)
	}
	rows := readAll(t, r)
	want := []struct {
		line   int
		fields []string
		null   []bool
	}{
		{1, []string{"c1", "1.50", "12345678901234567890", "false"}, []bool{false, false, false, false}},
		{3, []string{"cé\n2", "", "", "true"}, []bool{false, true, true, false}},
		{4, []string{"c3", "-0.0e0", "", ""}, []bool{false, false, true, true}},
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d", len(rows), len(want))
	}
	for i, w := range want {
		if rows[i].Line() != w.line {
			t.Errorf("row %d: line %d, want %d", i, rows[i].Line(), w.line)
		}
		for j := range w.fields {
			if rows[i].Field(j) != w.fields[j] || rows[i].IsNull(j) != w.null[j] {
				t.Errorf("row %d field %d = %q null=%v, want %q null=%v", i, j, rows[i].Field(j), rows[i].IsNull(j), w.fields[j], w.null[j])
			}
		}
	}
}

func TestJSONLLongLine(t *testing.T) {
	long := strings.Repeat("x", 200<<10) // longer than the 64 KiB read buffer
	input := `{"id":"` + long + `"}` + "\n" + `{"id":"short"}` + "\n"
	r, err := Open(strings.NewReader(input), "t.jsonl", JSONL, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rows := readAll(t, r)
	if len(rows) != 2 || rows[0].Field(0) != long || rows[1].Field(0) != "short" || rows[1].Line() != 2 {
		t.Errorf("long line misread: %d rows", len(rows))
	}
}

// TestParquetLogicalTypes reads a file written by parquet-go from a Go
// struct, as another tool would write one, with dates, timestamps,
// decimals and unsigned integers.
func TestParquetLogicalTypes(t *testing.T) {
	type order struct {
		ID      string    `parquet:"id"`
		Day     int32     `parquet:"day,date"`
		At      time.Time `parquet:"at,timestamp(millisecond)"`
		Price   int64     `parquet:"price,decimal(2:18)"`
		Qty     uint32    `parquet:"qty"`
		Weight  float32   `parquet:"weight"`
		Gift    bool      `parquet:"gift"`
		Comment *string   `parquet:"comment,optional"`
	}
	note := "gift wrap"
	orders := []order{
		// Day 19724 is 2024-01-02 (19724 × 86400 s after 1970-01-01).
		{"c1", 19724, time.Date(2024, 1, 2, 15, 4, 5, 123e6, time.UTC), 1999, 3, 0.5, true, &note},
		{"c2", 0, time.Unix(0, 0), -5, 4000000000, 1.1, false, nil},
	}
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[order](&buf)
	if _, err := w.Write(orders); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := Open(bytes.NewReader(buf.Bytes()), "orders.parquet", Parquet, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(r.Columns(), ","); got != "id,day,at,price,qty,weight,gift,comment" {
		t.Errorf("columns = %s", got)
	}
	rows := readAll(t, r)
	want := [][]string{
		{"c1", "2024-01-02", "2024-01-02T15:04:05.123Z", "19.99", "3", "0.5", "true", "gift wrap"},
		{"c2", "1970-01-01", "1970-01-01T00:00:00Z", "-0.05", "4000000000", "1.1", "false", ""},
	}
	for i := range want {
		for j := range want[i] {
			if got := rows[i].Field(j); got != want[i][j] {
				t.Errorf("row %d column %s = %q, want %q", i+1, r.Columns()[j], got, want[i][j])
			}
		}
		if rows[i].Line() != i+1 {
			t.Errorf("row %d: Line = %d", i+1, rows[i].Line())
		}
	}
	if !rows[1].IsNull(7) || rows[0].IsNull(7) {
		t.Errorf("optional comment nulls wrong")
	}
}

func TestParquetNestedRejected(t *testing.T) {
	type item struct {
		SKU string `parquet:"sku"`
	}
	type order struct {
		ID    string `parquet:"id"`
		Items []item `parquet:"items"`
	}
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[order](&buf)
	w.Write([]order{{ID: "c1", Items: []item{{"a"}}}})
	w.Close()
	_, err := Open(bytes.NewReader(buf.Bytes()), "o.parquet", Parquet, ReadOptions{})
	if err == nil || err.Error() != `o.parquet: column "items": nested or repeated Parquet columns are not supported; use a flat schema` {
		t.Errorf("err = %v", err)
	}
}

func TestFormatDecimal(t *testing.T) {
	tests := []struct {
		b     []byte
		scale int32
		want  string
	}{
		{[]byte{0x07, 0xcf}, 2, "19.99"},
		{[]byte{0xff}, 3, "-0.001"},
		{[]byte{0x80}, 0, "-128"},
		{[]byte{0x01}, -2, "100"},
		{[]byte{0x00}, -2, "0"},
		{[]byte{}, 1, "0.0"},
	}
	for _, tt := range tests {
		if got := formatDecimal(bigFromTwosComplement(tt.b), tt.scale); got != tt.want {
			t.Errorf("decimal % x scale %d = %s, want %s", tt.b, tt.scale, got, tt.want)
		}
	}
}
