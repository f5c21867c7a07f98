package config

import (
	"errors"
	"strings"
	"testing"
)

// TestFormulaGuardSetting: output.csv_formula_guard defaults to "labels",
// takes the three values, and names its line when wrong.
func TestFormulaGuardSetting(t *testing.T) {
	for text, want := range map[string]string{
		minimal: "labels",
		minimal + "\n[output]\ncsv_formula_guard = \"labels\"\n":   "labels",
		minimal + "\n[output]\ncsv_formula_guard = \"all_text\"\n": "all_text",
		minimal + "\n[output]\ncsv_formula_guard = \"off\"\n":      "off",
	} {
		c, err := Parse("clv.toml", []byte(text))
		if err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		if c.Output.CSVFormulaGuard != want {
			t.Errorf("%q: csv_formula_guard = %q, want %q", text, c.Output.CSVFormulaGuard, want)
		}
	}
}

// guardErrors: a bad guard value, and formula column names a spreadsheet
// would run as a formula in the CSV header, are rejected with their line.
var guardErrors = []struct {
	name, text string
	line       int
	want       string
}{
	{"bad value", minimal + "\n[output]\ncsv_formula_guard = \"none\"\n", 9, `output.csv_formula_guard: "none" is not one of labels, all_text, off`},
	{"equals", minimal + "\n[[formulas]]\nname = \"=HYPERLINK(1)\"\nexpr = \"clv\"\n", 9, `formulas[0].name: "=HYPERLINK(1)" starts with "="`},
	{"plus", minimal + "\n[[formulas]]\nname = \"+x\"\nexpr = \"clv\"\n", 9, `"+x" starts with "+"`},
	{"minus", minimal + "\n[[formulas]]\nname = \"a\"\nexpr = \"clv\"\n[[formulas]]\nname = \"-x\"\nexpr = \"clv\"\n", 12, `formulas[1].name: "-x" starts with "-"`},
	{"at", minimal + "\n[[formulas]]\nname = \"@x\"\nexpr = \"clv\"\n", 9, `"@x" starts with "@"`},
	{"tab", minimal + "\n[[formulas]]\nname = \"\\tx\"\nexpr = \"clv\"\n", 9, `"\tx" starts with "\t"`},
	{"CR", minimal + "\n[[formulas]]\nname = \"\\rx\"\nexpr = \"clv\"\n", 9, `"\rx" starts with "\r"`},
	{"even with the guard off", minimal + "\n[output]\ncsv_formula_guard = \"off\"\n[[formulas]]\nname = \"=x\"\nexpr = \"clv\"\n", 11, `"=x" starts with "="`},
}

func TestFormulaGuardErrors(t *testing.T) {
	for _, tc := range guardErrors {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("clv.toml", []byte(tc.text))
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("got %v (%T), want *Error", err, err)
			}
			if ce.File != "clv.toml" || ce.Line != tc.line {
				t.Errorf("got %q (line %d), want line %d", err, ce.Line, tc.line)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %q, want it to contain %q", err, tc.want)
			}
		})
	}
}
