package config

import (
	"errors"
	"strings"
	"testing"
)

const attrBase = "[input]\npath = \"tx.csv\"\n[input.columns]\ncustomer = \"cust\"\n[time]\nobservation_end = \"2024-12-31\"\n"

// TestAttributesDefaults: attributes.id defaults to the customer column's
// name, the acquisition targets to 3 and 30; values given are kept.
func TestAttributesDefaults(t *testing.T) {
	c, err := Parse("clv.toml", []byte(attrBase+"[attributes]\ncolumns = [\"channel\"]\npath = \"customers.csv\"\n[acquisition]\npath = \"cac.csv\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Attributes.ID != "cust" || c.Acquisition.TargetLTVCAC != 3 || c.Acquisition.MinCustomers != 30 || c.AttributeDelimiter() != ',' {
		t.Errorf("defaults: %+v %+v", c.Attributes, c.Acquisition)
	}
	c, err = Parse("clv.toml", []byte(attrBase+"[attributes]\ncolumns = [\"channel\"]\nid = \"customer_id\"\ndelimiter = \";\"\n[acquisition]\ncost_column = \"cost\"\ntarget_ltv_cac = 4.5\nmin_customers = 0\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Attributes.ID != "customer_id" || c.Acquisition.TargetLTVCAC != 4.5 || c.Acquisition.MinCustomers != 0 || c.AttributeDelimiter() != ';' {
		t.Errorf("given: %+v %+v", c.Attributes, c.Acquisition)
	}
}

var attributeErrors = []struct {
	name, text, line, want string
}{
	{"unknown key", "[attributes]\ncolumns = [\"channel\"]\ncolumn = \"x\"\n", "column = \"x\"", "unknown key"},
	{"built-in name", "[attributes]\ncolumns = [\"clv\"]\n", "columns = [\"clv\"]", "name of a scored column"},
	{"twice", "[attributes]\ncolumns = [\"a\", \"a\"]\n", "columns = [\"a\", \"a\"]", "listed twice"},
	{"path without columns", "[attributes]\npath = \"c.csv\"\n", "path = \"c.csv\"", "needs attributes.columns"},
	{"empty path", "[attributes]\ncolumns = [\"a\"]\npath = \"\"\n", "path = \"\"", "empty"},
	{"bad delimiter", "[attributes]\ncolumns = [\"a\"]\ndelimiter = \":\"\n", "delimiter = \":\"", "is not one of"},
	{"cost without attributes", "[acquisition]\npath = \"cac.csv\"\n", "", "no attribute is configured"},
	{"both costs", "[attributes]\ncolumns = [\"a\"]\n[acquisition]\npath = \"cac.csv\"\ncost_column = \"c\"\n", "cost_column = \"c\"", "not both"},
	{"target 0", "[attributes]\ncolumns = [\"a\"]\n[acquisition]\ntarget_ltv_cac = 0\n", "target_ltv_cac = 0", "above 0"},
	{"min -1", "[attributes]\ncolumns = [\"a\"]\n[acquisition]\nmin_customers = -1\n", "min_customers = -1", "0 (no flag) or more"},
	{"cost column is an attribute", "[attributes]\ncolumns = [\"a\"]\n[acquisition]\ncost_column = \"a\"\n", "columns = [\"a\"]", "also acquisition.cost_column"},
	{"summary input", "[attributes]\ncolumns = [\"a\"]\n", "", "per-customer summary"},
}

// TestAttributesErrors: each mistake names the key, and its line when it
// is in the file.
func TestAttributesErrors(t *testing.T) {
	for _, tt := range attributeErrors {
		t.Run(tt.name, func(t *testing.T) {
			text := attrBase + tt.text
			if tt.name == "summary input" {
				text = strings.Replace(text, "path = \"tx.csv\"", "path = \"tx.csv\"\nkind = \"summary\"", 1)
			}
			_, err := Parse("clv.toml", []byte(text))
			var ce *Error
			if !errors.As(err, &ce) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an *Error containing %q", err, tt.want)
			}
			if tt.line != "" {
				if want := line(text, tt.line); ce.Line != want {
					t.Errorf("%v: line %d, want %d", err, ce.Line, want)
				}
			}
		})
	}
}
