package settings

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/core/score"
)

// leafKeys lists the dotted keys of every value of struct type t in
// encoding tag (promoted sections in place), with the field of each.
func leafKeys(t reflect.Type, tag, prefix string) (keys []string, fields []reflect.StructField) {
	for i := range t.NumField() {
		f := t.Field(i)
		name := tagName(f, tag)
		switch {
		case name == "-":
		case name == "":
			k, fs := leafKeys(f.Type, tag, prefix)
			keys, fields = append(keys, k...), append(fields, fs...)
		case f.Type.Kind() == reflect.Struct:
			k, fs := leafKeys(f.Type, tag, prefix+name+".")
			keys, fields = append(keys, k...), append(fields, fs...)
		case f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.Struct:
			k, fs := leafKeys(f.Type.Elem(), tag, prefix+name+"[0].")
			keys, fields = append(keys, k...), append(fields, fs...)
		default:
			keys, fields = append(keys, prefix+name), append(fields, f)
		}
	}
	return keys, fields
}

// TestEveryFieldHasBothTags: a setting is one field with its TOML and its
// JSON name; a field without either would be decoded under its Go name by
// one front end and not at all, or differently, by the other. A section is
// an embedded struct with a TOML name only (its keys are top-level JSON
// keys) or a field with both.
func TestEveryFieldHasBothTags(t *testing.T) {
	var check func(t reflect.Type)
	check = func(typ reflect.Type) {
		for i := range typ.NumField() {
			f := typ.Field(i)
			toml, json := f.Tag.Get(TOML), f.Tag.Get(JSON)
			switch {
			case f.Anonymous:
				if toml == "" || json != "" {
					t.Errorf("%s.%s: an embedded section has a toml tag and no json tag (toml %q, json %q)", typ.Name(), f.Name, toml, json)
				}
			case toml == "" || json == "" || toml == "-" || json == "-":
				t.Errorf("%s.%s: toml tag %q, json tag %q: want both", typ.Name(), f.Name, toml, json)
			}
			ft := f.Type
			if ft.Kind() == reflect.Slice {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				check(ft)
			}
		}
	}
	check(reflect.TypeFor[Settings]())
}

// TestKeysUnique: no two settings share a key in either encoding (the
// page's JSON keeps the sections' keys at the top level, so a margin in
// two sections would be one key there).
func TestKeysUnique(t *testing.T) {
	for _, tag := range []string{TOML, JSON} {
		keys, _ := leafKeys(reflect.TypeFor[Settings](), tag, "")
		if len(keys) < 35 {
			t.Fatalf("%s: only %d keys: %v", tag, len(keys), keys)
		}
		seen := map[string]bool{}
		for _, k := range keys {
			if seen[k] {
				t.Errorf("%s: key %s twice", tag, k)
			}
			seen[k] = true
		}
	}
}

// TestRename turns every key into the other encoding and back, and checks
// names the front ends rely on.
func TestRename(t *testing.T) {
	st := reflect.TypeFor[Settings]()
	keys, fields := leafKeys(st, TOML, "")
	for i, k := range keys {
		j := Rename(st, TOML, JSON, k)
		if back := Rename(st, JSON, TOML, j); back != k {
			t.Errorf("%s → %s → %s", k, j, back)
		}
		if f, ok := FieldAt(st, JSON, j); !ok || f.Name != fields[i].Name {
			t.Errorf("FieldAt(%s) = %v, %v; want field %s", j, f.Name, ok, fields[i].Name)
		}
	}
	for _, tc := range []struct{ toml, json string }{
		{"model.horizon_months", "months"},
		{"model.margin", "margin"},
		{"input.columns.customer", "columns.customer"},
		{"input.date_format", "dateFormat"},
		{"rfm.monetary", "rfmMonetary"},
		{"formulas[1].name", "formulas[1].name"},
		{"segmentation.rules[0].when", "segmentation.rules[0].when"},
		{"tiers.labels", "tiers.labels"},
		{"output.csv_formula_guard", "csvFormulaGuard"},
		{"model", ""},
		{"no.such", "no.such"},
	} {
		if got := Rename(st, TOML, JSON, tc.toml); got != tc.json {
			t.Errorf("Rename(%s) = %q, want %q", tc.toml, got, tc.json)
		}
	}
}

// completed is s after Complete with the keys given.
func completed(t *testing.T, s Settings, given ...string) Settings {
	t.Helper()
	if err := s.Complete(func(k string) bool { return slices.Contains(given, k) }); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestComplete: defaults fill keys left out and only those; zero and
// empty values given are kept (zero) or rejected (empty).
func TestComplete(t *testing.T) {
	d := completed(t, Settings{})
	if d.Input.Kind != "transactions" || d.Input.DateFormat != "YYYY-MM-DD" || d.Input.AmountFormat != "auto" ||
		d.Input.Columns.Customer != "customer_id" || d.Input.Columns.Date != "date" || d.Input.Columns.Frequency != "" ||
		d.Time.Grain != "day" || d.Time.Unit != "week" || d.Model.Purchase != "bgnbd" || d.Model.Spend != "gammagamma" ||
		d.Model.HorizonMonths != 12 || d.Model.AnnualDiscountRate != 0 || d.Model.Margin != 1 || d.RFM.Monetary != "average_order" ||
		d.Segmentation.Map != "default" || d.Segmentation.Default != "Other" || d.Tiers.Column != "clv" ||
		!reflect.DeepEqual(d.Tiers.Labels, []string{"Top 1%", "Top 10%", "Top 50%", "Bottom 50%"}) ||
		d.Output.Precision != 6 || d.Output.CSVFormulaGuard != "labels" {
		t.Errorf("defaults: %+v", d)
	}
	if got := completed(t, Settings{Model: Model{Margin: 0}, Output: Output{Precision: 0}}, "model.margin", "output.precision"); got.Model.Margin != 0 || got.Output.Precision != 0 {
		t.Errorf("margin 0 and precision 0 given: got %v and %d", got.Model.Margin, got.Output.Precision)
	}
	if got := completed(t, Settings{Model: Model{Spend: "none"}}, "model.spend"); got.Tiers.Column != "expected_purchases" {
		t.Errorf("spend none: tiers column %q", got.Tiers.Column)
	}
	if got := completed(t, Settings{Tiers: Tiers{Column: ""}}, "tiers.column"); got.Tiers.Column != "" {
		t.Errorf("tiers column \"\" given: %q", got.Tiers.Column)
	}
	if got := completed(t, Settings{Tiers: Tiers{Cutoffs: []float64{0.2}}}, "tiers.cutoffs"); len(got.Tiers.Labels) != 0 {
		t.Errorf("cutoffs without labels: the default labels %v were given to other cutoffs", got.Tiers.Labels)
	}
	if got := completed(t, Settings{Input: Input{Kind: "summary"}}, "input.kind"); got.Input.Columns.Date != "" || got.Input.Columns.T != "T" || got.Input.Columns.Monetary != "monetary_value" {
		t.Errorf("summary columns: %+v", got.Input.Columns)
	}
	for _, key := range []string{"input.kind", "input.date_format", "input.columns.customer", "time.grain", "time.observation_end",
		"model.purchase", "model.spend", "rfm.monetary", "segmentation.map", "output.csv_formula_guard"} {
		s := Settings{}
		var ke *KeyError
		if err := s.Complete(func(k string) bool { return k == key }); !errors.As(err, &ke) || ke.Key != key || !strings.HasPrefix(ke.Msg, "empty: ") {
			t.Errorf("%s given empty: got %v", key, err)
		}
	}
}

// valid is CDNOW's settings as examples/cdnow/clv.toml gives them.
func valid(t *testing.T) Settings {
	s := Settings{Time: Time{ObservationEnd: "1997-09-30"}, Model: Model{AnnualDiscountRate: 0.1, Margin: 0.3}}
	s.Input.Columns.Amount = "amount"
	return completed(t, s, "time.observation_end", "model.annual_discount_rate", "model.margin", "input.columns.amount")
}

var validateTests = []struct {
	name string
	edit func(*Settings)
	key  string
	msg  string
}{
	{"grain", func(s *Settings) { s.Time.Grain = "fortnight" }, "time.grain", `"fortnight" is not one of day, week, month`},
	{"purchase", func(s *Settings) { s.Model.Purchase = "bgnb" }, "model.purchase", `"bgnb" is not one of bgnbd, paretonbd, mbgnbd, bgbb`},
	{"spend", func(s *Settings) { s.Model.Spend = "gamma" }, "model.spend", "is not one of gammagamma, none"},
	{"horizon 0", func(s *Settings) { s.Model.HorizonMonths = 0 }, "model.horizon_months", "0 is out of range 1..1200"},
	{"margin 1.5", func(s *Settings) { s.Model.Margin = 1.5 }, "model.margin", "1.5 is out of range [0, 1]"},
	{"discount 10", func(s *Settings) { s.Model.AnnualDiscountRate = 10 }, "model.annual_discount_rate", "10 is out of range [0, 10)"},
	{"penalty", func(s *Settings) { s.Model.Penalty = -1 }, "model.penalty", "must be zero or positive"},
	{"precision", func(s *Settings) { s.Output.Precision = 18 }, "output.precision", "18 is out of range 0..17"},
	{"guard", func(s *Settings) { s.Output.CSVFormulaGuard = "none" }, "output.csv_formula_guard", `"none" is not one of labels, all_text, off`},
	{"observation end", func(s *Settings) { s.Time.ObservationEnd = "" }, "time.observation_end", "missing"},
	{"amount twice", func(s *Settings) { s.Input.AmountExpr = "price * qty" }, "input.amount_expr", "not both"},
	{"rules without rules", func(s *Settings) { s.Segmentation.Map = "rules" }, "segmentation.map", "needs at least one"},
	{"plugin without name", func(s *Settings) { s.Segmentation.Map = "plugin" }, "segmentation.plugin", "missing"},
	{"tier labels", func(s *Settings) { s.Tiers.Labels = s.Tiers.Labels[:2] }, "tiers.labels", "2 labels for 3 cutoffs"},
	{"formula name", func(s *Settings) { s.Formulas = []Formula{{Name: "clv", Expr: "1"}} }, "formulas[0].name", "built-in column"},
	{"formula twice", func(s *Settings) { s.Formulas = []Formula{{Name: "a", Expr: "1"}, {Name: "a", Expr: "2"}} }, "formulas[1].name", "used twice"},
	{"formula both", func(s *Settings) { s.Formulas = []Formula{{Name: "a", Expr: "1", Builtin: "margin_clv"}} }, "formulas[0]", "exactly one of builtin or expr"},
	{"formula input", func(s *Settings) {
		s.Formulas = []Formula{{Name: "a", Builtin: "margin_clv", Inputs: map[string]any{"aov": true}}}
	}, "formulas[0].inputs.aov", "a number or a column name"},
}

// TestValidate: each bad value is a *KeyError under its TOML key.
func TestValidate(t *testing.T) {
	s := valid(t)
	if err := s.Validate(); err != nil {
		t.Fatalf("valid settings: %v", err)
	}
	for _, tc := range validateTests {
		t.Run(tc.name, func(t *testing.T) {
			s := valid(t)
			tc.edit(&s)
			err := s.Validate()
			var ke *KeyError
			if !errors.As(err, &ke) || ke.Key != tc.key || !strings.Contains(ke.Msg, tc.msg) {
				t.Errorf("got %v, want %s: ...%s...", err, tc.key, tc.msg)
			}
		})
	}
}

// TestOptions checks the core options of CDNOW's example settings and the
// errors that need parsing.
func TestOptions(t *testing.T) {
	s := valid(t)
	s.Formulas = []Formula{{Name: "contribution", Expr: "clv - 0.3 * 2.5 * expected_purchases"},
		{Name: "m_clv", Builtin: "margin_clv", Inputs: map[string]any{"aov": "monetary_value", "frequency": int64(4), "lifespan": 3.0, "gross_margin": 0.3}}}
	so, o, err := s.Options()
	if err != nil {
		t.Fatal(err)
	}
	if so.Unit.Days != 7 || so.ObservationEnd.Format("2006-01-02") != "1997-09-30" || !so.CalibrationEnd.IsZero() {
		t.Errorf("summary options %+v", so)
	}
	if o.Purchase != score.BGNBD || !o.Spend || o.CLV.Months != 12 || o.CLV.Margin != 0.3 || o.CLV.AnnualDiscountRate != 0.1 ||
		o.CLV.DaysPerUnit != 7 || o.TierColumn != "clv" || o.Tiers.Labels[3] != "Bottom 50%" || o.RFMMonetary != "average_order" ||
		len(o.Columns) != 2 || o.Segments != nil || o.SummaryInput {
		t.Errorf("score options %+v", o)
	}
	if err := CheckColumns(o); err != nil {
		t.Errorf("CheckColumns: %v", err)
	}
	for _, tc := range []struct {
		name string
		edit func(*Settings)
		key  string
		msg  string
	}{
		{"unit", func(s *Settings) { s.Time.Unit = "fortnight" }, "time.unit", "fortnight"},
		{"observation end", func(s *Settings) { s.Time.ObservationEnd = "30/09/1997" }, "time.observation_end", `"30/09/1997": want a date as YYYY-MM-DD`},
		{"calibration after", func(s *Settings) { s.Time.CalibrationEnd = "1997-12-31" }, "time.calibration_end", "1997-12-31 is after time.observation_end 1997-09-30"},
		{"date format", func(s *Settings) { s.Input.DateFormat = "QQ" }, "input.date_format", ""},
		{"returns", func(s *Settings) { s.Input.Returns = "keep" }, "input.returns", "want net, drop or purchase"},
		{"no amount", func(s *Settings) { s.Input.Columns.Amount = "" }, "input.columns.amount", "needs order values"},
		{"expression", func(s *Settings) { s.Formulas = []Formula{{Name: "x", Expr: "clv *"}} }, "formulas[0]", ""},
		{"builtin", func(s *Settings) { s.Formulas = []Formula{{Name: "x", Builtin: "nope"}} }, "formulas[0]", `no built-in formula "nope"`},
		{"rules", func(s *Settings) {
			s.Segmentation.Map, s.Segmentation.Rules = "rules", []Rule{{Segment: "A", When: "clv >"}}
		}, "segmentation.rules", ""},
	} {
		s := valid(t)
		tc.edit(&s)
		_, _, err := s.Options()
		var ke *KeyError
		if !errors.As(err, &ke) || ke.Key != tc.key || !strings.Contains(ke.Msg, tc.msg) {
			t.Errorf("%s: got %v, want %s: ...%s...", tc.name, err, tc.key, tc.msg)
		}
	}
	s = valid(t)
	s.Tiers.Column = "nope"
	_, o, err = s.Options()
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckColumns(o); err == nil || !strings.Contains(err.Error(), `tiers.column "nope" is not a column`) {
		t.Errorf("tiers on a missing column: %v", err)
	}
}

// TestMessages: the messages both decoders give for unknown keys and
// wrong types.
func TestMessages(t *testing.T) {
	known := Keys(reflect.TypeFor[Model](), TOML)
	for _, tc := range []struct{ name, want string }{
		{"Margin", "unknown key: did you mean margin? (keys are case-sensitive)"},
		{"margn", "unknown key: did you mean margin?"},
		{"colour", "unknown key: check its spelling and section (known here: purchase, spend, penalty, horizon_months, annual_discount_rate, margin, purchase_horizon, covariates_trans, covariates_life, covariate_penalty)"},
	} {
		if got := UnknownKey("model."+tc.name, tc.name, known); got.Key != "model."+tc.name || got.Msg != tc.want {
			t.Errorf("UnknownKey(%s) = %q, want %q", tc.name, got, tc.want)
		}
	}
	for _, tc := range []struct {
		v    any
		want string
	}{
		{0.5, "wrong type: want a number"},
		{12, "wrong type: want a whole number"},
		{"x", "wrong type: want text (a quoted string)"},
		{true, "wrong type: want true or false"},
		{[]float64{}, "wrong type: want a list of numbers"},
		{[]Formula{}, "wrong type: want a list of tables"},
		{map[string]any{}, "wrong type: want a table of keys ({...})"},
	} {
		if got := WrongType(reflect.TypeOf(tc.v)); got != tc.want {
			t.Errorf("WrongType(%T) = %q, want %q", tc.v, got, tc.want)
		}
	}
}
