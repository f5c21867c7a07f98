package config

import (
	"fmt"
	"strings"
	"testing"
)

// dbInput is a config reading a PostgreSQL table.
const dbInput = `
[input]
url = "postgres://clv:secret@db.example:5432/shop"
table = "orders"

[time]
observation_end = "1997-09-30"
`

// TestDatabaseKeys: input.url/table/query and output.url/table/if_exists
// decode, and output.table and output.if_exists get their defaults.
func TestDatabaseKeys(t *testing.T) {
	c, err := Parse("clv.toml", []byte(dbInput+"\n[output]\nurl = \"postgres://db.example/shop\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Input.URL != "postgres://clv:secret@db.example:5432/shop" || c.Input.Table != "orders" || c.Input.Path != "" {
		t.Errorf("input: %+v", c.Input)
	}
	if c.Output.URL != "postgres://db.example/shop" || c.Output.Table != DefaultOutputTable || c.Output.IfExists != "fail" || c.Output.Path != "" {
		t.Errorf("output: url %q table %q if_exists %q path %q", c.Output.URL, c.Output.Table, c.Output.IfExists, c.Output.Path)
	}
	c, err = Parse("clv.toml", []byte(dbInput+"\n[output]\nurl = \"postgres://db/shop\"\ntable = \"a.s\"\nif_exists = \"replace\"\n"))
	if err != nil || c.Output.Table != "a.s" || c.Output.IfExists != "replace" {
		t.Errorf("given output keys: %+v, %v", c.Output, err)
	}
}

var badDatabaseConfigs = []struct {
	name, text string
	line       int
	want       string
}{
	{"path and url", strings.Replace(dbInput, "[input]\n", "[input]\npath = \"x.csv\"\n", 1), 4, "input.url: give input.path (a file) or input.url (a database), not both"},
	{"not postgres", strings.Replace(dbInput, "postgres://clv:secret@", "mysql://clv:secret@", 1), 3, "input.url: not a PostgreSQL URL"},
	{"table without url", strings.Replace(minimal, "[input]\n", "[input]\ntable = \"t\"\n", 1), 3, "input.table: a table is read from a database: give input.url too"},
	{"query without url", strings.Replace(minimal, "[input]\n", "[input]\nquery = \"SELECT 1\"\n", 1), 3, "input.query: a query is run in a database: give input.url too"},
	{"both table and query", strings.Replace(dbInput, "table = \"orders\"\n", "table = \"orders\"\nquery = \"SELECT 1\"\n", 1), 5, "input.query: give input.table or input.query, not both"},
	{"neither", strings.Replace(dbInput, "table = \"orders\"\n", "", 1), 0, "input.table: missing"},
	{"url with delimiter", strings.Replace(dbInput, "[input]\n", "[input]\ndelimiter = \";\"\n", 1), 4, "input.format, input.delimiter and input.no_header are for files"},
	{"output table without url", minimal + "\n[output]\ntable = \"s\"\n", 9, "output.table: a table is written to a database: give output.url too"},
	{"output path and url", dbInput + "\n[output]\npath = \"x.csv\"\nurl = \"postgres://h/d\"\n", 11, "output.url: give output.path (a file) or output.url (a database table), not both"},
	{"bad if_exists", dbInput + "\n[output]\nurl = \"postgres://h/d\"\nif_exists = \"append\"\n", 11, `output.if_exists: "append" is not one of fail, replace`},
	{"output url empty", dbInput + "\n[output]\nurl = \"\"\n", 10, "output.url: empty"},
	{"misspelt key", dbInput + "\n[output]\nurl = \"postgres://h/d\"\nif_exist = \"replace\"\n", 11, "output.if_exist: unknown key"},
}

// TestDatabaseKeyErrors: mistakes in the database keys name the key and
// its line, and never quote the URL (which may hold a password).
func TestDatabaseKeyErrors(t *testing.T) {
	for _, tt := range badDatabaseConfigs {
		if tt.want == "" {
			continue
		}
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("clv.toml", []byte(tt.text))
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want %q", err, tt.want)
			}
			if tt.line > 0 && !strings.HasPrefix(err.Error(), fmt.Sprintf("clv.toml:%d:", tt.line)) {
				t.Errorf("error %q, want it at line %d", err, tt.line)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("the error quotes the password: %q", err)
			}
		})
	}
}
