package table

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
)

// textTests are fields read with Row.Text: ids must be valid UTF-8 as
// written in the file, or "Jos\xe9" and "Jos\xe8" become one customer.
var textTests = []struct {
	name  string
	f     Format
	input string
	want  string // the text, or the error
	isErr bool
}{
	{"CSV UTF-8", CSV, "id\nJosé\n", "José", false},
	{"CSV Latin-1", CSV, "id\nJos\xe9\n", `in:2: column "id": "Jos\xe9": not valid UTF-8 text`, true},
	{"JSONL UTF-8", JSONL, `{"id":"José"}`, "José", false},
	{"JSONL escaped pair", JSONL, `{"id":"\ud83d\ude00"}`, "😀", false},
	{"JSONL escaped U+FFFD", JSONL, `{"id":"\ufffd"}`, "\uFFFD", false},
	{"JSONL escaped backslash then u", JSONL, `{"id":"\\ud800"}`, `\ud800`, false},
	// encoding/json decodes each of these to U+FFFD.
	{"JSONL Latin-1 bytes", JSONL, "{\"id\":\"Jos\xe9\"}", `in:1: column "id": JSON string: not valid UTF-8 text`, true},
	{"JSONL lone high surrogate", JSONL, `{"id":"a\ud800"}`, `in:1: column "id": JSON string: not valid UTF-8 text`, true},
	{"JSONL lone low surrogate", JSONL, `{"id":"\udc00b"}`, `in:1: column "id": JSON string: not valid UTF-8 text`, true},
	{"JSONL high then not low", JSONL, `{"id":"\ud800\u0041"}`, `in:1: column "id": JSON string: not valid UTF-8 text`, true},
	{"JSONL bad id on a later line", JSONL, `{"id":"ok"}` + "\n" + "{\"id\":\"\xff\"}", `in:2: column "id"`, true},
}

func TestRowText(t *testing.T) {
	for _, tt := range textTests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Open(strings.NewReader(tt.input), "in", tt.f, ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			rows := readAll(t, r)
			got, err := rows[len(rows)-1].Text(0)
			if !tt.isErr {
				if err != nil || got != tt.want {
					t.Fatalf("Text = %q, %v; want %q", got, err, tt.want)
				}
				return
			}
			var te *Error
			if !errors.As(err, &te) || !errors.Is(err, ErrNotUTF8) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Text error %v, want a *Error wrapping ErrNotUTF8 containing %q", err, tt.want)
			}
		})
	}
}

// TestJSONLKeyNotUTF8: keys "a\xe9" and "a\xe8" would both decode to
// "a\uFFFD"; a key JSON decoding changes is an error at once.
func TestJSONLKeyNotUTF8(t *testing.T) {
	for _, in := range []string{"{\"a\xe9\":1}", `{"a\udc00":1}`, `{"ok":1}` + "\n" + "{\"ok\":1,\"a\xe8\":2}"} {
		r, err := Open(strings.NewReader(in), "in", JSONL, ReadOptions{})
		if err == nil {
			for err == nil {
				_, err = r.Next()
			}
		}
		if err == nil || !strings.Contains(err.Error(), "key is not valid UTF-8 text") {
			t.Errorf("%q: error %v", in, err)
		}
	}
}

func TestParquetTextNotUTF8(t *testing.T) {
	// Another tool can put any bytes in a Parquet string column.
	type order struct {
		ID string `parquet:"id"`
	}
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[order](&buf)
	if _, err := w.Write([]order{{"José"}, {"Jos\xe9"}}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := Open(bytes.NewReader(buf.Bytes()), "in.parquet", Parquet, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rows := readAll(t, r)
	if id, err := rows[0].Text(0); id != "José" || err != nil {
		t.Errorf("row 1: Text = %q, %v", id, err)
	}
	if _, err := rows[1].Text(0); !errors.Is(err, ErrNotUTF8) || !strings.Contains(err.Error(), `in.parquet:2: column "id": "Jos\xe9"`) {
		t.Errorf("row 2: Text error %v", err)
	}
}

// TestLongHeaderNotEchoed: a 2 MB column name or value is quoted in
// errors by its first 200 bytes and its length.
func TestLongHeaderNotEchoed(t *testing.T) {
	long := strings.Repeat("h", 2<<20)
	r, err := Open(strings.NewReader("id,"+long+"\nc1,"+long+"\n"), "in.csv", CSV, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.Require("customer_id")
	if err == nil || len(err.Error()) > 600 || !strings.Contains(err.Error(), "…(2097152 bytes)") {
		t.Errorf("Require: error of %d bytes: %.300v", len(err.Error()), err)
	}
	row, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	_, err = row.Float(1)
	if err == nil || len(err.Error()) > 1000 || strings.Count(err.Error(), "…(2097152 bytes)") != 2 {
		t.Errorf("Float: error of %d bytes: %.600v", len(err.Error()), err)
	}
}
