package config

import (
	"strings"
	"testing"
)

// TestLongValuesNotEchoed: a config with a 1 MB key or value is named in
// the error by a bounded prefix and its length, not echoed whole.
func TestLongValuesNotEchoed(t *testing.T) {
	long := strings.Repeat("k", 1<<20)
	for _, tt := range []struct{ name, text, want string }{
		{"unknown key", minimal + "\n[model]\n" + long + " = 1\n", "…(1048582 bytes): unknown key"},
		{"bad enum value", minimal + "\n[model]\npurchase = \"" + long + "\"\n", `model.purchase: "kkk`},
		{"bad syntax", minimal + "\n[model]\nmargin = " + long + "\n", "model"},
	} {
		_, err := Parse("clv.toml", []byte(tt.text))
		if err == nil || len(err.Error()) > 2000 || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error of %d bytes: %.300v", tt.name, len(err.Error()), err)
		}
	}
}
