package bind

import (
	"context"
	"errors"
	"math"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/clvkit/clvkit/core/settings"
)

// settingsKeys lists the JSON keys of Settings, nested ones dotted
// (columns.customer), with a sample JSON value of each.
func settingsKeys(t reflect.Type, prefix string) (keys, samples []string) {
	for _, f := range fieldsOf(t) {
		ft := t.FieldByIndex(f.index).Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		keys = append(keys, prefix+f.name)
		switch ft.Kind() {
		case reflect.Struct:
			samples = append(samples, "{}")
			k, s := settingsKeys(ft, prefix+f.name+".")
			keys, samples = append(keys, k...), append(samples, s...)
		case reflect.String:
			samples = append(samples, `"x"`)
		case reflect.Bool:
			samples = append(samples, "true")
		default:
			samples = append(samples, "1")
		}
	}
	return keys, samples
}

// nest writes {"a":{"b":v}} for the key a.b.
func nest(key, v string) string {
	parts := strings.Split(key, ".")
	out := v
	for i := len(parts) - 1; i >= 0; i-- {
		out = `{"` + parts[i] + `":` + out + `}`
	}
	return out
}

// TestDecodeSettingsKeyCase writes every settings key with its case
// changed: each is an error naming the key and the right spelling.
// (encoding/json, and DecodeJSON which follows it, take "Margin" for
// margin.)
func TestDecodeSettingsKeyCase(t *testing.T) {
	keys, samples := settingsKeys(reflect.TypeFor[Settings](), "")
	if len(keys) < 16 {
		t.Fatalf("only %d keys: %v", len(keys), keys)
	}
	for i, key := range keys {
		parts := strings.Split(key, ".")
		last := []rune(parts[len(parts)-1])
		variants := []string{strings.ToUpper(string(last))}
		first := slices.Clone(last)
		first[0] = unicode.ToUpper(first[0])
		variants = append(variants, string(first))
		for _, v := range variants {
			if v == string(last) {
				continue // a key with no case to change (T)
			}
			written := strings.Join(append(parts[:len(parts)-1:len(parts)-1], v), ".")
			in := nest(written, samples[i])
			_, err := DecodeSettings([]byte(in))
			if err == nil || !strings.Contains(err.Error(), written+": unknown key") ||
				!strings.Contains(err.Error(), "did you mean "+string(last)+"?") {
				t.Errorf("%s: got %v, want unknown key %q with a hint", in, err, written)
			}
		}
	}
}

var badSettings = []struct{ in, want string }{
	{`{"margin":0.3,"Margin":0.9}`, `Margin: unknown key: did you mean margin? (keys are case-sensitive)`},
	{`{"Margin":0.9,"margin":0.3}`, `Margin: unknown key`},
	{`{"margn":0.3}`, `margn: unknown key: did you mean margin?`},
	{`{"horizon":12}`, `horizon: unknown key: check its spelling and section (known here: kind, dateFormat`},
	{`{"columns":{"customer":"id","Amount":"x"}}`, `columns.Amount: unknown key`},
	{`{"columns":{"customer":""}}`, "columns.customer: empty"},
	{`{"columns":{"date":""}}`, "columns.date: empty"},
	{`{"dateFormat":""}`, "dateFormat: empty"},
	{`{"delimiter":""}`, "delimiter: empty"},
	{`{"grain":""}`, "grain: empty"},
	{`{"unit":""}`, "unit: empty"},
	{`{"observationEnd":""}`, "observationEnd: empty"},
	{`{"purchase":""}`, "purchase: empty"},
	{`{"spend":""}`, "spend: empty"},
	{`{"months":1.5}`, "months: wrong type: want a whole number"},
}

// TestDecodeSettingsRejects: unknown keys, keys differing by case and
// empty settings are errors naming the key (all were accepted before:
// unknown keys skipped, case ignored, "" replaced by the default).
func TestDecodeSettingsRejects(t *testing.T) {
	for _, tc := range badSettings {
		_, err := DecodeSettings([]byte(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error containing %q", tc.in, err, tc.want)
		}
	}
	st, err := DecodeSettings([]byte(`{"columns":{"customer":"id","date":"d","amount":""},"margin":0,"months":24,"annualDiscountRate":0,"header":false,"observationEnd":"1997-09-30"}`))
	if err != nil {
		t.Fatal(err)
	}
	if c := st.Columns; c.Customer != "id" || c.Date != "d" || c.Amount != "" || st.Margin != 0 || st.HorizonMonths != 24 || st.AnnualDiscountRate != 0 || *st.Header {
		t.Errorf("decoded %+v", st)
	}
	// null is a key left out: the default, as before when Margin was a
	// pointer (a null into a float64 would otherwise be a given 0).
	st, err = DecodeSettings([]byte(`{"margin":null,"months":null,"observationEnd":"1997-09-30"}`))
	if err != nil || st.Margin != 1 || st.HorizonMonths != 12 {
		t.Errorf("null margin and months: margin %v, months %d, error %v; want the defaults 1 and 12", st.Margin, st.HorizonMonths, err)
	}
	var m Mapping
	if err := DecodeJSONStrict([]byte(`{"Customer":"id"}`), &m); err == nil || !strings.Contains(err.Error(), `Customer: unknown key`) {
		t.Errorf("mapping: got %v", err)
	}
}

// TestScoreSettingsExplicit scores CDNOW with settings as the page sends
// them: margin 0 gives CLV 0 (it gave margin 1 before), CLV is linear in
// the margin, keys left out take core/score's defaults, and out-of-range
// values are errors naming the key.
func TestScoreSettingsExplicit(t *testing.T) {
	data, err := os.ReadFile("../../examples/cdnow/transactions.csv")
	if err != nil {
		t.Fatal(err)
	}
	var s Session
	s.Load(data)
	const base = `"columns":{"customer":"customer_id","date":"date","amount":"amount"},"observationEnd":"1997-09-30"`
	score := func(extra string) (*Scored, []float64, error) {
		st, err := DecodeSettings([]byte("{" + base + extra + "}"))
		if err != nil {
			return nil, nil, err
		}
		res, err := s.Score(context.Background(), st, nil)
		if err != nil {
			return nil, nil, err
		}
		clv, _ := s.Floats("clv")
		return res, slices.Clone(clv), nil
	}
	zero, clv0, err := score(`,"margin":0`)
	if err != nil {
		t.Fatal(err)
	}
	if zero.Settings.Margin != 0 || float64(zero.TotalCLV) != 0 {
		t.Errorf("margin 0: settings margin %v, total CLV %v; want 0 and 0", zero.Settings.Margin, zero.TotalCLV)
	}
	for i, v := range clv0 {
		if v != 0 {
			t.Fatalf("margin 0: customer %s has CLV %v", s.IDs()[i], v)
		}
	}
	def, clv1, err := score("")
	if err != nil {
		t.Fatal(err)
	}
	if st := def.Settings; st.Margin != 1 || st.HorizonMonths != 12 || st.AnnualDiscountRate != 0 || st.Grain != "day" || st.Unit != "week" || st.Purchase != "bgnbd" || st.Spend != "gammagamma" {
		t.Errorf("defaults: %+v", st)
	}
	_, clv3, err := score(`,"margin":0.3`)
	if err != nil {
		t.Fatal(err)
	}
	for i := range clv1 {
		if math.Abs(clv3[i]-0.3*clv1[i]) > 1e-9*math.Max(1, clv1[i]) {
			t.Fatalf("customer %s: CLV %v at margin 0.3, %v at margin 1", s.IDs()[i], clv3[i], clv1[i])
		}
	}
	for _, tc := range []struct{ extra, want string }{
		{`,"months":0`, "months: 0 is out of range 1..1200"},
		{`,"months":-3`, "months: -3 is out of range"},
		{`,"margin":1.5`, "margin: 1.5 is out of range [0, 1]"},
		{`,"margin":-0.1`, "margin: -0.1 is out of range"},
		{`,"annualDiscountRate":-0.1`, "annualDiscountRate: -0.1 is out of range"},
		{`,"annualDiscountRate":10`, "annualDiscountRate: 10 is out of range"},
	} {
		if _, _, err := score(tc.extra); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.extra, err, tc.want)
		}
	}
}

// FuzzDecodeSettings: any text is settings or an error, never a panic; and
// settings DecodeSettings accepts are complete and valid, so turning them
// into core options fails only with a *settings.KeyError (a date, unit or
// formula that does not parse) and never on a setting left empty.
func FuzzDecodeSettings(f *testing.F) {
	for _, tc := range badSettings {
		f.Add(tc.in)
	}
	f.Add(`{"columns":{"customer":"id","date":"d","amount":"a"},"observationEnd":"1997-09-30","margin":0,"months":24,` +
		`"formulas":[{"name":"x","builtin":"margin_clv","inputs":{"aov":"monetary_value","frequency":4}}],` +
		`"segmentation":{"map":"rules","rules":[{"segment":"A","when":"clv > 1"}]},"tiers":{"column":"x","cutoffs":[0.5],"labels":["a","b"]}}`)
	f.Add(`{"observationEnd":"1997-09-30","spend":"none","tiers":{"column":""},"margin":null,"kind":"summary"}`)
	f.Fuzz(func(t *testing.T, in string) {
		st, err := DecodeSettings([]byte(in))
		if err != nil {
			return
		}
		if err := st.Validate(); err != nil {
			t.Fatalf("%s: decoded settings do not validate: %v", in, err)
		}
		for _, s := range []*string{&st.Time.Grain, &st.Time.Unit, &st.Model.Purchase, &st.Model.Spend, &st.Input.DateFormat, &st.Output.CSVFormulaGuard} {
			if *s == "" {
				t.Fatalf("%s: a setting with a default is empty: %+v", in, st)
			}
		}
		if _, _, err := st.options(); err != nil {
			var ke *settings.KeyError
			if !errors.As(err, &ke) && !strings.Contains(err.Error(), "the page") {
				t.Fatalf("%s: options: %v (%T), want a *settings.KeyError", in, err, err)
			}
		}
	})
}
