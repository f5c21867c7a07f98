package main

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/clvkit/clvkit/core/settings"
	"github.com/clvkit/clvkit/host/internal/config"
	"github.com/clvkit/clvkit/wasm/bind"
)

// pageJSON turns a clv.toml's text into the page's settings JSON: every
// key the file gives that the page shares (core/settings), under its JSON
// name, with its value as written; input.delimiter and input.no_header
// become the page's delimiter and header. Keys only the binary has (files,
// formats, plugins) are left out. Nothing is filled in: the defaults of
// the keys left out come from the page's own decoding.
func pageJSON(t *testing.T, text string) []byte {
	t.Helper()
	var tree map[string]any
	if _, err := toml.Decode(text, &tree); err != nil {
		t.Fatal(err)
	}
	out := map[string]any{}
	if in, ok := tree["input"].(map[string]any); ok {
		if d, ok := in["delimiter"]; ok {
			out["delimiter"] = d
		}
		if nh, ok := in["no_header"].(bool); ok {
			out["header"] = !nh
		}
	}
	toJSON(reflect.TypeFor[settings.Settings](), tree, out)
	b, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// toJSON puts the keys of a TOML table of struct type t into out under
// their JSON names (a promoted section's keys into out itself).
func toJSON(t reflect.Type, table map[string]any, out map[string]any) {
	for k, v := range table {
		f, ok := settings.Lookup(t, settings.TOML, k)
		if !ok {
			continue // a key of the binary only
		}
		name, _, _ := strings.Cut(f.Tag.Get(settings.JSON), ",")
		switch v := v.(type) {
		case map[string]any:
			if f.Type.Kind() == reflect.Map { // formula inputs: free keys
				out[name] = v
				continue
			}
			sub := out
			if name != "" {
				sub = map[string]any{}
				out[name] = sub
			}
			toJSON(f.Type, v, sub)
		case []map[string]any:
			var list []any
			for _, e := range v {
				sub := map[string]any{}
				toJSON(f.Type.Elem(), e, sub)
				list = append(list, sub)
			}
			out[name] = list
		default:
			out[name] = v
		}
	}
}

// settingsVariants are configs over the CDNOW example that use settings
// the example does not: built-in formulas with inputs, segmentation
// rules, tiers on a formula column, RFM and model options, a holdout,
// row rules and returns. %s is the transaction file.
var settingsVariants = map[string]string{
	"rules and builtin": `
[input]
path = "%s"
[input.columns]
customer = "customer_id"
amount = "amount"
[time]
observation_end = "1997-09-30"
[model]
purchase = "mbgnbd"
horizon_months = 24
annual_discount_rate = 0
margin = 0
penalty = 0.001
[rfm]
monetary = "total"
[[formulas]]
name = "simple_clv"
builtin = "margin_clv"
inputs = { aov = "monetary_value", frequency = 4, lifespan = 3, gross_margin = 0.3 }
[[formulas]]
name = "twice"
expr = "simple_clv * 2"
[segmentation]
map = "rules"
default = "Rest of base"
[[segmentation.rules]]
segment = "Big"
when = "twice > 100"
[[segmentation.rules]]
segment = "Alive"
when = "p_alive > 0.5"
[tiers]
column = "twice"
cutoffs = [0.2, 0.6]
labels = ["Gold", "Silver", "Bronze"]
[output]
precision = 4
csv_formula_guard = "all_text"
`,
	"weekly, holdout, rules over rows": `
[input]
path = "%s"
date_format = "auto"
returns = "drop"
where = "amount < 500"
missing_customer = "skip"
[input.columns]
amount = "amount"
[time]
grain = "week"
unit = "month"
calibration_end = "1997-06-30"
observation_end = "1997-09-30"
[model]
spend = "none"
[tiers]
column = ""
`,
}

// TestSettingsPageMatchesScore sends every example clv.toml without
// plugins, and variants using the settings the example does not, through
// the page's settings path (its JSON keys, bind.DecodeSettings, a
// bind.Session, natively) and through clv score: the scored CSVs are the
// same byte for byte. Before core/settings, the page had no formulas,
// segmentation rules or tiers settings, and a third set of default tiers
// (core/segment's) said "Rest".
func TestSettingsPageMatchesScore(t *testing.T) {
	var configs []string
	err := filepath.WalkDir(filepath.Join(repoRoot, "examples"), func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.Name() == "clv.toml" {
			configs = append(configs, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	cdnow := filepath.Join(repoRoot, "examples", "cdnow", "transactions.csv")
	for name, text := range settingsVariants {
		path := filepath.Join(tmp, strings.ReplaceAll(name, " ", "_")+".toml")
		writeFile(t, path, strings.Replace(text, "%s", filepath.ToSlash(cdnow), 1))
		configs = append(configs, path)
	}
	compared := 0
	for _, path := range configs {
		text := readFile(t, path)
		cfg, err := config.Parse(path, text)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if len(cfg.Plugins) > 0 {
			continue // the page runs plugins in the browser, not in its settings
		}
		if cfg.Input.URL != "" || cfg.Output.URL != "" {
			continue // the page reads and writes files, not database tables
		}
		name, _ := filepath.Rel(repoRoot, path)
		if strings.HasPrefix(name, "..") {
			name = filepath.Base(path)
		}
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(tmp, "scores.csv")
			clv(t, "score", "--config", path, "--out", out, "--quiet").mustOK(t, "clv score")
			want := readFile(t, out)

			js := pageJSON(t, string(text))
			st, err := bind.DecodeSettings(js)
			if err != nil {
				t.Fatalf("page settings %s: %v", js, err)
			}
			var s bind.Session
			s.Load(readFile(t, cfg.Resolve(cfg.Input.Path)))
			if _, err := s.Score(context.Background(), st, nil); err != nil {
				t.Fatalf("page settings %s: %v", js, err)
			}
			got := s.CSV(-1)
			if string(got) != string(want) {
				t.Errorf("page settings %s:\nthe page's CSV differs from clv score's: %s", js, firstLineDiff(want, got))
			}
			if len(want) < 1000 {
				t.Errorf("clv score wrote only %d bytes", len(want))
			}
		})
		compared++
	}
	if compared < 1+len(settingsVariants) {
		t.Errorf("compared %d configs, want the examples without plugins and %d variants", compared, len(settingsVariants))
	}
}

// decoderCases are bad settings given to clv.toml and to the page: both
// must reject them with the same message under the same key (each in its
// encoding's names).
var decoderCases = []struct {
	name       string
	toml, json string // added to a valid clv.toml / page settings
	key        string // TOML name of the key the error names
	msg        string // in the message
}{
	{"unknown key with a hint", "[model]\nmargn = 0.3\n", `"margn":0.3`, "model.margn", "unknown key: did you mean margin?"},
	{"key in the wrong case", "[model]\nMargin = 0.3\n", `"Margin":0.3`, "model.Margin", "unknown key: did you mean margin? (keys are case-sensitive)"},
	{"nested unknown key", "[input.columns]\ncustomr = \"id\"\n", `"columns":{"customr":"id"}`, "input.columns.customr", "unknown key: did you mean customer?"},
	{"unknown key far from any", "[model]\ncolour = 1\n", `"colour":1`, "model.colour", "unknown key: check its spelling"},
	{"number for text", "[model]\npurchase = 3\n", `"purchase":3`, "model.purchase", "wrong type: want text (a quoted string)"},
	{"text for a number", "[model]\nmargin = \"thirty\"\n", `"margin":"thirty"`, "model.margin", "wrong type: want a number"},
	{"fraction for a whole number", "[model]\nhorizon_months = 1.5\n", `"months":1.5`, "model.horizon_months", "wrong type: want a whole number"},
	{"text for a list", "[tiers]\ncutoffs = \"0.1\"\n", `"tiers":{"cutoffs":"0.1"}`, "tiers.cutoffs", "wrong type: want a list of numbers"},
	{"number for true or false", "[input]\nskip_bad_rows = 1\n", `"skipBadRows":1`, "input.skip_bad_rows", "wrong type: want true or false"},
	{"margin out of range", "[model]\nmargin = 1.5\n", `"margin":1.5`, "model.margin", "1.5 is out of range [0, 1]"},
	{"horizon out of range", "[model]\nhorizon_months = 0\n", `"months":0`, "model.horizon_months", "0 is out of range 1..1200"},
	{"discount as a percent", "[model]\nannual_discount_rate = 10\n", `"annualDiscountRate":10`, "model.annual_discount_rate", "10 is out of range [0, 10)"},
	{"precision out of range", "[output]\nprecision = 18\n", `"precision":18`, "output.precision", "18 is out of range 0..17"},
	{"negative penalty", "[model]\npenalty = -1\n", `"penalty":-1`, "model.penalty", "must be zero or positive"},
	{"unknown model", "[model]\npurchase = \"bgnb\"\n", `"purchase":"bgnb"`, "model.purchase", `"bgnb" is not one of bgnbd, paretonbd, mbgnbd, bgbb`},
	{"empty grain", "[time]\ngrain = \"\"\n", `"grain":""`, "time.grain", `empty: omit the key for the default, "day"`},
	{"tier labels", "[tiers]\ncutoffs = [0.1]\nlabels = [\"a\"]\n", `"tiers":{"cutoffs":[0.1],"labels":["a"]}`, "tiers.labels", "1 labels for 1 cutoffs"},
	{"formula named like a column", "[[formulas]]\nname = \"clv\"\nexpr = \"1\"\n", `"formulas":[{"name":"clv","expr":"1"}]`, "formulas[0].name", "built-in column"},
	{"formula input", "[[formulas]]\nname = \"a\"\nbuiltin = \"margin_clv\"\ninputs = { aov = true }\n", `"formulas":[{"name":"a","builtin":"margin_clv","inputs":{"aov":true}}]`, "formulas[0].inputs.aov", "an input is a number or a column name"},
}

// TestSettingsDecodersAgree: the binary's TOML decoder and the page's JSON
// decoder reject the same bad settings with the same message, under the
// same key named in each encoding.
func TestSettingsDecodersAgree(t *testing.T) {
	const tomlBase = "[input]\npath = \"tx.csv\"\n[input.columns]\namount = \"amount\"\n[time]\nobservation_end = \"1997-09-30\"\n"
	const jsonBase = `"columns":{"amount":"amount"},"observationEnd":"1997-09-30"`
	if _, err := config.Parse("clv.toml", []byte(tomlBase)); err != nil {
		t.Fatal(err)
	}
	if _, err := bind.DecodeSettings([]byte("{" + jsonBase + "}")); err != nil {
		t.Fatal(err)
	}
	st := reflect.TypeFor[settings.Settings]()
	for _, tc := range decoderCases {
		t.Run(tc.name, func(t *testing.T) {
			// The TOML case's table may be [input...] or [time], already in
			// the base: put its keys in the base's table then.
			text := mergeTOML(tomlBase, tc.toml)
			_, terr := config.Parse("clv.toml", []byte(text))
			var ce *config.Error
			if !errors.As(terr, &ce) {
				t.Fatalf("clv.toml:\n%s\ngot %v, want an error", text, terr)
			}
			_, jerr := bind.DecodeSettings([]byte("{" + jsonBase + "," + tc.json + "}"))
			var ke *settings.KeyError
			if !errors.As(jerr, &ke) {
				t.Fatalf("page: %s: got %v, want a *settings.KeyError", tc.json, jerr)
			}
			if ce.Key != tc.key || !strings.Contains(ce.Msg, tc.msg) || ce.Line == 0 {
				t.Errorf("clv.toml: got %q (key %s, line %d), want %s: ...%s...", terr, ce.Key, ce.Line, tc.key, tc.msg)
			}
			// An unknown key is named by its table's name and itself.
			want := settings.Rename(st, settings.TOML, settings.JSON, tc.key)
			if _, ok := settings.FieldAt(st, settings.TOML, tc.key); !ok {
				i := strings.LastIndexByte(tc.key, '.')
				want = strings.TrimPrefix(settings.Rename(st, settings.TOML, settings.JSON, tc.key[:i])+"."+tc.key[i+1:], ".")
			}
			if ke.Key != want {
				t.Errorf("page: key %q, want %q (%s)", ke.Key, want, tc.key)
			}
			// The keys an unknown key is not are listed in each encoding's names.
			known := func(msg string) string { m, _, _ := strings.Cut(msg, " (known here: "); return m }
			if known(ce.Msg) != known(ke.Msg) {
				t.Errorf("messages differ:\nclv.toml: %s\npage:     %s", ce.Msg, ke.Msg)
			}
		})
	}
}

// mergeTOML appends add to base, moving add's lines under a table header
// base already has into that table (TOML forbids a table twice).
func mergeTOML(base, add string) string {
	lines := strings.Split(strings.TrimSuffix(add, "\n"), "\n")
	if len(lines) > 0 && strings.HasPrefix(lines[0], "[") && !strings.HasPrefix(lines[0], "[[") {
		if i := strings.Index(base, lines[0]+"\n"); i >= 0 {
			at := i + len(lines[0]) + 1
			return base[:at] + strings.Join(lines[1:], "\n") + "\n" + base[at:]
		}
	}
	return base + add
}
