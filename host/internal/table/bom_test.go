package table

import (
	"strings"
	"testing"
)

// TestByteOrderMark reads CSV and JSON Lines files that start with a UTF-8
// byte order mark, as Windows tools write them: the first column keeps its
// name and the first row its values.
func TestByteOrderMark(t *testing.T) {
	for _, tt := range []struct {
		name string
		f    Format
		in   string
	}{
		{"orders.csv", CSV, "\ufeff\"id\",\"amount\"\r\n\"c1\",\"3.5\"\r\n"},
		{"orders.jsonl", JSONL, "\ufeff{\"id\":\"c1\",\"amount\":3.5}\n"},
	} {
		r, err := Open(strings.NewReader(tt.in), tt.name, tt.f, ReadOptions{})
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		idx, err := r.Require("id", "amount")
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		row, err := r.Next()
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if v, err := row.Float(idx[1]); row.Field(idx[0]) != "c1" || v != 3.5 || err != nil {
			t.Errorf("%s: row %q, %v, %v", tt.name, row.Field(idx[0]), v, err)
		}
	}
}
