package config

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/clvkit/clvkit/core/score"
	"github.com/clvkit/clvkit/core/settings"
)

// doc builds a config text from tables in order; each table is a header
// ("" for the top level) and its lines. line returns the 1-based line of
// the first line equal to s.
type doc []struct {
	header string
	lines  []string
}

func (d doc) text() string {
	var b strings.Builder
	for _, t := range d {
		if t.header != "" {
			b.WriteString(t.header + "\n")
		}
		for _, l := range t.lines {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

func line(text, s string) int {
	for i, l := range strings.Split(text, "\n") {
		if l == s {
			return i + 1
		}
	}
	return 0
}

// keyPaths lists every key of Config as its toml tags: tables, arrays of
// tables and values, with the Go type of each.
func keyPaths(t reflect.Type, prefix []string) (paths [][]string, types []reflect.Type) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("toml")
		if tag == "" && f.Anonymous {
			// An embedded section of core/settings: its keys are the table's.
			ps, ts := keyPaths(f.Type, prefix)
			paths, types = append(paths, ps...), append(types, ts...)
			continue
		}
		if tag == "" || tag == "-" {
			continue
		}
		p := append(slices.Clone(prefix), tag)
		paths, types = append(paths, p), append(types, f.Type)
		ft := f.Type
		if ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct {
			ps, ts := keyPaths(ft, p)
			paths, types = append(paths, ps...), append(types, ts...)
		}
	}
	return paths, types
}

// caseVariants returns spellings of k that differ from it only by case.
func caseVariants(k string) []string {
	r := []rune(k)
	first := slices.Clone(r)
	if unicode.IsUpper(r[0]) {
		first[0] = unicode.ToLower(r[0])
	} else {
		first[0] = unicode.ToUpper(r[0])
	}
	out := []string{string(first)}
	for _, v := range []string{strings.ToUpper(k), strings.ToLower(k)} {
		if v != k && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// sample is a TOML value of Go type t.
func sample(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return `"x"`
	case reflect.Int:
		return "1"
	case reflect.Float64:
		return "0.5"
	case reflect.Bool:
		return "true"
	case reflect.Slice:
		if t.Elem().Kind() == reflect.String {
			return `["a"]`
		}
		return "[0.5]"
	case reflect.Map:
		return "{}"
	}
	panic("no sample for " + t.String())
}

// isArrayTable reports whether the table path p of Config is an array of
// tables ([[formulas]]).
func isArrayTable(p []string) bool {
	switch strings.Join(p, ".") {
	case "formulas", "plugins", "segmentation.rules":
		return true
	}
	return false
}

// TestKeyCaseVariants writes every key of clv.toml, table names included,
// with its case changed, beside the required keys, and checks that each is
// an unknown key at its line with a hint naming the right spelling. (The
// decoder alone matches keys ignoring case: `Margin = 0.3` was taken for
// margin.)
func TestKeyCaseVariants(t *testing.T) {
	paths, types := keyPaths(reflect.TypeFor[Config](), nil)
	if len(paths) < 50 {
		t.Fatalf("only %d key paths found", len(paths))
	}
	for i, p := range paths {
		last := p[len(p)-1]
		for _, v := range caseVariants(last) {
			written := append(slices.Clone(p[:len(p)-1]), v)
			d := doc{
				{"[input]", []string{`path = "tx.csv"`}},
				{"[time]", []string{`observation_end = "1997-09-30"`}},
			}
			var bad string // the line that must be reported
			parent := p[:len(p)-1]
			ft := types[i]
			table := ft.Kind() == reflect.Struct || ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct
			switch {
			case table && isArrayTable(p):
				bad = "[[" + strings.Join(written, ".") + "]]"
				d = append(d, struct {
					header string
					lines  []string
				}{bad, nil})
			case table:
				bad = "[" + strings.Join(written, ".") + "]"
				d = append(d, struct {
					header string
					lines  []string
				}{bad, nil})
			default:
				bad = v + " = " + sample(ft)
				switch strings.Join(parent, ".") {
				case "input":
					d[0].lines = append(d[0].lines, bad)
				case "time":
					d[1].lines = append(d[1].lines, bad)
				default:
					h := "[" + strings.Join(parent, ".") + "]"
					if isArrayTable(parent) {
						h = "[" + h + "]"
					}
					// Parents of nested tables first, so the header is valid.
					if len(parent) == 2 && isArrayTable(parent[:1]) {
						d = append(d, struct {
							header string
							lines  []string
						}{"[[" + parent[0] + "]]", nil})
					}
					d = append(d, struct {
						header string
						lines  []string
					}{h, []string{bad}})
				}
			}
			text := d.text()
			name := strings.Join(written, ".")
			t.Run(name, func(t *testing.T) {
				_, err := Parse("clv.toml", []byte(text))
				var ce *Error
				if !errors.As(err, &ce) {
					t.Fatalf("%s\ngot %v, want an unknown key error", text, err)
				}
				wantLine := line(text, bad)
				if ce.Line != wantLine || !strings.Contains(ce.Msg, "unknown key") ||
					!strings.Contains(ce.Msg, "did you mean "+last+"?") || !strings.HasSuffix(ce.Key, v) {
					t.Errorf("%s\ngot %q (key %q, line %d), want unknown key %s at line %d with the hint %q", text, err, ce.Key, ce.Line, v, wantLine, last)
				}
			})
		}
	}
}

// TestDuplicateKeysByCase: two keys differing by case are two keys to TOML
// and one field to the decoder, which kept either by map order. Now the
// misspelt one is an error at its line, whichever comes first.
func TestDuplicateKeysByCase(t *testing.T) {
	for _, tc := range []struct{ name, text, bad string }{
		{"lower first", minimal + "[model]\nmargin = 0.30\nMargin = 0.9\n", "Margin = 0.9"},
		{"upper first", minimal + "[model]\nMargin = 0.9\nmargin = 0.30\n", "Margin = 0.9"},
		{"table", minimal + "[output]\nprecision = 2\n[Output]\nprecision = 3\n", "[Output]"},
		{"array table", minimal + "[[formulas]]\nname = \"a\"\nNAME = \"b\"\nexpr = \"clv\"\n", `NAME = "b"`},
		{"inline table", minimal + "[model]\nmargin = 0.3\n[output]\nprecision = 2\n[input.columns]\ncustomer = \"id\"\n[tiers]\ncolumn = \"clv\"\n[segmentation]\nrules = [{segment = \"A\", When = \"clv > 1\"}]\n", `rules = [{segment = "A", When = "clv > 1"}]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for range 20 { // the old outcome varied from run to run
				_, err := Parse("clv.toml", []byte(tc.text))
				var ce *Error
				if !errors.As(err, &ce) || !strings.Contains(ce.Msg, "unknown key: did you mean") {
					t.Fatalf("got %v, want an unknown key error", err)
				}
				if want := line(tc.text, tc.bad); ce.Line != want {
					t.Fatalf("got %q at line %d, want line %d", err, ce.Line, want)
				}
			}
		})
	}
}

// TestUnknownKeyHints checks the hint for near misses and its absence for
// keys far from any.
func TestUnknownKeyHints(t *testing.T) {
	for _, tc := range []struct{ key, want string }{
		{"margn", "did you mean margin?"},
		{"horizon_month", "did you mean horizon_months?"},
		{"Horizon_Month", "did you mean horizon_months?"},
		{"purchse", "did you mean purchase?"},
		{"colour", "check its spelling"},
	} {
		text := minimal + "[model]\n" + tc.key + " = 1\n"
		_, err := Parse("clv.toml", []byte(text))
		if err == nil || !strings.Contains(err.Error(), "model."+tc.key+": unknown key") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want unknown key with %q", tc.key, err, tc.want)
		}
	}
}

// plugin is a [[plugins]] table that passes Validate.
const plugin = "[[plugins]]\nname = \"p\"\nkind = \"formula\"\ntransport = \"wasm\"\npath = \"p.wasm\"\n"

// explicitTests give keys explicit zero, negative or empty values. Each is
// honoured (check) or rejected at its line (bad names that line). Before,
// margin 0 became 1, precision 0 became 6, horizon_months 0 became 12,
// memory_mb -5 became 256, and every empty string its default.
type explicitTest struct {
	name  string
	text  string
	bad   string // the line of the error; "" when the value is honoured
	want  string // in the error
	check func(*Config) bool
}

var explicitTests = []explicitTest{
	{"margin 0", minimal + "[model]\nmargin = 0\n", "", "", func(c *Config) bool { return c.Model.Margin == 0 }},
	{"margin 0.0", minimal + "[model]\nmargin = 0.0\n", "", "", func(c *Config) bool { return c.Model.Margin == 0 }},
	{"margin absent", minimal, "", "", func(c *Config) bool { return c.Model.Margin == 1 }},
	{"precision 0", minimal + "[output]\nprecision = 0\n", "", "", func(c *Config) bool { return c.Output.Precision == 0 }},
	{"annual_discount_rate 0", minimal + "[model]\nannual_discount_rate = 0\n", "", "", func(c *Config) bool { return c.Model.AnnualDiscountRate == 0 }},
	{"penalty 0", minimal + "[model]\npenalty = 0\n", "", "", func(c *Config) bool { return c.Model.Penalty == 0 }},
	{"tiers column empty", minimal + "[tiers]\ncolumn = \"\"\n", "", "", func(c *Config) bool { return c.Tiers.Column == "" }},
	{"tiers cutoffs without column", minimal + "[tiers]\ncutoffs = [0.2]\nlabels = [\"a\", \"b\"]\n", "", "", func(c *Config) bool {
		return c.Tiers.Column == "clv" && len(c.Tiers.Labels) == 2
	}},
	{"tiers column without cutoffs", minimal + "[tiers]\ncolumn = \"p_alive\"\n", "", "", func(c *Config) bool {
		return c.Tiers.Column == "p_alive" && len(c.Tiers.Cutoffs) == 3 && c.Tiers.Labels[3] == "Bottom 50%"
	}},
	{"tiers without spend", minimal + "[model]\nspend = \"none\"\n", "", "", func(c *Config) bool { return c.Tiers.Column == "expected_purchases" }},
	{"amount empty", minimal + "[input.columns]\namount = \"\"\n", "", "", func(c *Config) bool { return c.Input.Columns.Amount == "" }},
	{"batch_size 1", minimal + plugin + "batch_size = 1\n", "", "", func(c *Config) bool { return c.Plugins[0].BatchSize == 1 }},
	{"plugin defaults", minimal + plugin, "", "", func(c *Config) bool {
		p := c.Plugins[0]
		return p.BatchSize == 4096 && p.MemoryMB == 256 && p.Timeout == "10s"
	}},

	{"horizon_months 0", minimal + "[model]\nhorizon_months = 0\n", "horizon_months = 0", "0 is out of range 1..1200", nil},
	{"horizon_months -3", minimal + "[model]\nhorizon_months = -3\n", "horizon_months = -3", "-3 is out of range", nil},
	{"margin -0.1", minimal + "[model]\nmargin = -0.1\n", "margin = -0.1", "out of range [0, 1]", nil},
	{"margin 1.5", minimal + "[model]\nmargin = 1.5\n", "margin = 1.5", "out of range [0, 1]", nil},
	{"margin nan", minimal + "[model]\nmargin = nan\n", "margin = nan", "out of range [0, 1]", nil},
	{"annual_discount_rate -0.1", minimal + "[model]\nannual_discount_rate = -0.1\n", "annual_discount_rate = -0.1", "out of range [0, 10)", nil},
	{"annual_discount_rate nan", minimal + "[model]\nannual_discount_rate = nan\n", "annual_discount_rate = nan", "out of range [0, 10)", nil},
	{"penalty -1", minimal + "[model]\npenalty = -1\n", "penalty = -1", "zero or positive", nil},
	{"penalty inf", minimal + "[model]\npenalty = inf\n", "penalty = inf", "zero or positive", nil},
	{"precision -1", minimal + "[output]\nprecision = -1\n", "precision = -1", "out of range 0..17", nil},
	{"precision 18", minimal + "[output]\nprecision = 18\n", "precision = 18", "out of range 0..17", nil},
	{"memory_mb 0", minimal + plugin + "memory_mb = 0\n", "memory_mb = 0", "out of range 1..4096", nil},
	{"memory_mb -5", minimal + plugin + "memory_mb = -5\n", "memory_mb = -5", "out of range 1..4096", nil},
	{"batch_size 0", minimal + plugin + "batch_size = 0\n", "batch_size = 0", "at least 1", nil},
	{"batch_size -2", minimal + plugin + "batch_size = -2\n", "batch_size = -2", "at least 1", nil},
	{"timeout 0s", minimal + plugin + "timeout = \"0s\"\n", `timeout = "0s"`, "positive duration", nil},
	{"timeout -1s", minimal + plugin + "timeout = \"-1s\"\n", `timeout = "-1s"`, "positive duration", nil},
	{"second plugin memory_mb 0", minimal + plugin + strings.Replace(plugin, `"p"`, `"q"`, 1) + "memory_mb = 0\n", "memory_mb = 0", `plugin "q"`, nil},
}

// emptyTests give "" to every key that has a default or is inferred when
// left out: each is rejected at its line.
func emptyTests() []explicitTest {
	var out []explicitTest
	for _, k := range []struct{ table, key string }{
		{"[input]", "kind"}, {"[input]", "format"}, {"[input]", "delimiter"}, {"[input]", "date_format"},
		{"[input.columns]", "customer"}, {"[input.columns]", "date"}, {"[input.columns]", "frequency"},
		{"[input.columns]", "recency"}, {"[input.columns]", "T"}, {"[input.columns]", "monetary_value"},
		{"[time]", "grain"}, {"[time]", "unit"}, {"[time]", "calibration_end"}, {"[time]", "observation_end"},
		{"[model]", "purchase"}, {"[model]", "spend"},
		{"[segmentation]", "map"}, {"[segmentation]", "default"},
		{"[output]", "path"}, {"[output]", "format"}, {"[output]", "manifest"},
		{"[[plugins]]", "timeout"},
	} {
		bad := k.key + ` = ""`
		var text string
		switch k.table {
		case "[input]":
			text = "[input]\npath = \"tx.csv\"\n" + bad + "\n[time]\nobservation_end = \"1997-09-30\"\n"
		case "[time]":
			text = "[input]\npath = \"tx.csv\"\n[time]\n" + bad + "\n"
			if k.key != "observation_end" {
				text += "observation_end = \"1997-09-30\"\n"
			}
		case "[[plugins]]":
			text = minimal + plugin + bad + "\n"
		default:
			text = minimal + k.table + "\n" + bad + "\n"
		}
		out = append(out, explicitTest{strings.Trim(k.table, "[]") + "." + k.key + " empty", text, bad, "empty", nil})
	}
	return out
}

func TestExplicitValues(t *testing.T) {
	for _, tc := range append(explicitTests, emptyTests()...) {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse("clv.toml", []byte(tc.text))
			if tc.bad == "" {
				if err != nil {
					t.Fatalf("%s\ngot %v, want the value honoured", tc.text, err)
				}
				if !tc.check(c) {
					t.Errorf("%s\nvalue not as given: %+v", tc.text, c)
				}
				return
			}
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("%s\ngot %v (config %+v), want an error", tc.text, err, c)
			}
			if want := line(tc.text, tc.bad); ce.Line != want || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s\ngot %q at line %d, want %q at line %d", tc.text, err, ce.Line, tc.want, want)
			}
		})
	}
}

// TestOverrideHonoured: a flag's value set through ParseWith is kept even
// when it is zero (--precision 0 became 6).
func TestOverrideHonoured(t *testing.T) {
	c, err := ParseWith("clv.toml", []byte(minimal+"[output]\nprecision = 4\n"), func(c *Config) { c.Output.Precision = 0 })
	if err != nil {
		t.Fatal(err)
	}
	if c.Output.Precision != 0 {
		t.Errorf("precision %d, want 0", c.Output.Precision)
	}
	_, err = ParseWith("clv.toml", []byte(minimal), func(c *Config) { c.Output.Precision = -1 })
	if err == nil || !strings.Contains(err.Error(), "output.precision") {
		t.Errorf("override -1: got %v, want an out of range error", err)
	}
}

// TestFormulaNamedLikeBuiltin: every output column name of the scorer is
// refused as a formula name, at the formula's name line, when the config
// is read (before, a formula named clv failed after the fit and one named
// segment or tier gave a file with two columns of that name).
func TestFormulaNamedLikeBuiltin(t *testing.T) {
	for _, col := range score.ReservedColumns() {
		bad := fmt.Sprintf("name = %q", col)
		text := minimal + "[[formulas]]\nname = \"ok\"\nexpr = \"clv\"\n[[formulas]]\n" + bad + "\nexpr = \"clv * 2\"\n"
		_, err := Parse("clv.toml", []byte(text))
		var ce *Error
		if !errors.As(err, &ce) {
			t.Fatalf("%s: got %v, want an error", col, err)
		}
		if ce.Key != "formulas[1].name" || ce.Line != line(text, bad) || !strings.Contains(ce.Msg, "built-in column") {
			t.Errorf("%s: got %q (key %s, line %d), want formulas[1].name at line %d", col, err, ce.Key, ce.Line, line(text, bad))
		}
	}
}

// TestSettingsRoundTrip: every field of settings.Settings survives
// setSettings then Settings, and every key of settings.Settings is a key of
// Config, so a section added to settings.Settings but not to Config (or to
// Config but not to Settings and setSettings) fails here.
func TestSettingsRoundTrip(t *testing.T) {
	var s settings.Settings
	fill(reflect.ValueOf(&s).Elem())
	var c Config
	c.setSettings(s)
	if got := c.Settings(); !reflect.DeepEqual(got, s) {
		t.Errorf("round trip lost fields:\n got %+v\nwant %+v", got, s)
	}
	cfgKeys, _ := keyPaths(reflect.TypeFor[Config](), nil)
	have := map[string]bool{}
	for _, p := range cfgKeys {
		have[strings.Join(p, ".")] = true
	}
	setKeys, _ := keyPaths(reflect.TypeFor[settings.Settings](), nil)
	for _, p := range setKeys {
		if !have[strings.Join(p, ".")] {
			t.Errorf("settings key %s is not a key of Config", strings.Join(p, "."))
		}
	}
}

// fill sets every field of v to a value other than its zero.
func fill(v reflect.Value) {
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			fill(v.Field(i))
		}
	case reflect.String:
		v.SetString("x" + v.Type().Name())
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int:
		v.SetInt(3)
	case reflect.Float64:
		v.SetFloat(0.5)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fill(v.Index(0))
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		v.SetMapIndex(reflect.ValueOf("k"), reflect.ValueOf(any(1.5)))
	}
}
