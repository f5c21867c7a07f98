package config

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

const minimal = `
[input]
path = "tx.csv"

[time]
observation_end = "1997-09-30"
`

func TestParseDefaults(t *testing.T) {
	c, err := Parse("dir/clv.toml", []byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	if c.Time.Unit != "week" || c.Time.Grain != "day" || c.Model.Purchase != "bgnbd" || c.Output.Precision != 6 {
		t.Errorf("defaults not applied: %+v", c)
	}
	if got := c.Resolve(c.Input.Path); got != "dir/tx.csv" {
		t.Errorf("Resolve = %q, want dir/tx.csv", got)
	}
}

var badConfigs = []struct {
	name, text string
	line       int
	want       string
}{
	{"unknown key", minimal + "\n[model]\nmargn = 0.3\n", 9, "model.margn: unknown key"},
	{"unknown top-level table", minimal + "\n[modle]\nmargin = 0.3\n", 8, "modle: unknown key"},
	{"wrong type", minimal + "\n[model]\nmargin = \"thirty\"\n", 9, "model.margin"},
	{"syntax", "[input\npath = 1", 2, "expected"},
	{"bad enum", minimal + "\n[model]\npurchase = \"bgnb\"\n", 9, `model.purchase: "bgnb" is not one of`},
	{"missing observation end", "[input]\npath = \"x.csv\"\n", 0, "time.observation_end: missing"},
	{"formula with both", minimal + "\n[[formulas]]\nname = \"a\"\nbuiltin = \"margin_clv\"\nexpr = \"1\"\n", 8, "exactly one of builtin or expr"},
	{"tier labels", minimal + "\n[tiers]\ncolumn = \"clv\"\ncutoffs = [0.1]\nlabels = [\"a\"]\n", 11, "1 labels for 1 cutoffs"},
	{"purchase horizon without unit", minimal + "\n[model]\npurchase_horizon = \"39\"\n", 9, "model.purchase_horizon: time span \"39\""},
	{"purchase horizon unknown unit", minimal + "\n[model]\npurchase_horizon = \"2 fortnight\"\n", 9, "model.purchase_horizon: time span"},
	{"purchase horizon empty", minimal + "\n[model]\npurchase_horizon = \"\"\n", 9, "model.purchase_horizon: empty"},
	{"load empty", minimal + "\n[model]\nload = \"\"\n", 9, "model.load: empty"},
	{"load_spend without spend", minimal + "\n[model]\nspend = \"none\"\nload_spend = \"g.json\"\n", 10, `model.load_spend: a Gamma-Gamma model file needs model.spend = "gammagamma"`},
	{"explain as text", minimal + "\n[output]\nexplain = \"yes\"\n", 9, "output.explain"},
}

func TestParseErrors(t *testing.T) {
	for _, tc := range badConfigs {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("clv.toml", []byte(tc.text))
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("got %v (%T), want *Error", err, err)
			}
			if ce.File != "clv.toml" || (tc.line != 0 && ce.Line != tc.line) {
				t.Errorf("got %q (line %d), want line %d", err, ce.Line, tc.line)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %q, want it to contain %q", err, tc.want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add(minimal)
	f.Add(minimal + "\n[model]\nmargin = 0.3\n[[formulas]]\nname=\"x\"\nexpr=\"clv*2\"\n")
	f.Add(minimal + "\n[model]\nmargin = 0.3\nMargin = 0.9\n")
	f.Add(minimal + "\n[Model]\nmargin = 0\n[output]\nprecision = 0\n")
	f.Add(minimal + "\n[[plugins]]\nname = \"p\"\nkind = \"formula\"\ntransport = \"wasm\"\npath = \"p.wasm\"\nmemory_mb = -5\n")
	f.Add(minimal + "\nformulas = [{name = \"segment\", expr = \"1\"}, {NAME = \"b\"}]\n")
	f.Fuzz(func(t *testing.T, text string) {
		c, err := Parse("fuzz.toml", []byte(text))
		if err == nil && c == nil {
			t.Fatal("nil config without error")
		}
		// The same text gives the same result: no key's value depends on
		// map order (keys differing only by case once did).
		c2, err2 := Parse("fuzz.toml", []byte(text))
		if fmt.Sprint(err) != fmt.Sprint(err2) {
			t.Fatalf("two parses disagree: %v, then %v", err, err2)
		}
		if err == nil && !reflect.DeepEqual(c, c2) {
			t.Fatalf("two parses disagree:\n%+v\n%+v", c, c2)
		}
	})
}

func TestStarterParses(t *testing.T) {
	c, err := Parse("clv.toml", []byte(Starter))
	if err != nil {
		t.Fatalf("the starter config does not parse: %v", err)
	}
	if c.Input.Columns.Amount != "amount" || c.Model.Margin != 0.3 || len(c.Tiers.Labels) != 4 {
		t.Errorf("starter decoded wrongly: %+v", c)
	}
}

// TestStarterFormulas uncomments each example [[formulas]] table of the
// starter config: both kinds (expr, and builtin with inputs) must parse as
// written, so the keys the starter shows are real keys.
func TestStarterFormulas(t *testing.T) {
	var text []string
	inFormula := false
	for _, line := range strings.Split(Starter, "\n") {
		switch {
		case line == "# [[formulas]]":
			inFormula = true
		case inFormula && (line == "#" || !strings.HasPrefix(line, "# ")):
			inFormula = false
		}
		if inFormula {
			line = strings.TrimPrefix(line, "# ")
		}
		text = append(text, line)
	}
	c, err := Parse("clv.toml", []byte(strings.Join(text, "\n")))
	if err != nil {
		t.Fatalf("the starter's [[formulas]] examples, uncommented, do not parse: %v", err)
	}
	if len(c.Formulas) != 2 {
		t.Fatalf("%d formulas uncommented, want 2 (an expr and a builtin)", len(c.Formulas))
	}
	f := c.Formulas[1]
	if f.Builtin != "margin_clv" || f.Inputs["aov"] != "monetary_value" || f.Inputs["gross_margin"] != 0.30 || f.Inputs["lifespan"] != int64(1) {
		t.Errorf("builtin formula decoded as %+v", f)
	}
}

// TestFrozenKeys: model.load, model.load_spend, model.purchase_horizon and
// output.explain decode as given, are off when left out, and the model
// files resolve against the config's folder like other paths.
func TestFrozenKeys(t *testing.T) {
	c, err := Parse("dir/clv.toml", []byte(minimal+"\n[model]\nload = \"m/bgnbd.json\"\nload_spend = \"/abs/gg.json\"\npurchase_horizon = \"39 week\"\n[output]\nexplain = true\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Resolve(c.Model.Load) != "dir/m/bgnbd.json" || c.Resolve(c.Model.LoadSpend) != "/abs/gg.json" || c.Model.PurchaseHorizon != "39 week" || !c.Output.Explain {
		t.Errorf("decoded %+v, %+v", c.Model, c.Output)
	}
	d, err := Parse("clv.toml", []byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	if d.Model.Load != "" || d.Model.LoadSpend != "" || d.Model.PurchaseHorizon != "" || d.Output.Explain {
		t.Errorf("defaults %+v, %+v", d.Model, d.Output)
	}
}
