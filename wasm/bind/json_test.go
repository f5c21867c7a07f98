package bind

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"reflect"
	"testing"
)

// TestEncodeJSONMatchesEncodingJSON checks that EncodeJSON writes the same
// bytes as encoding/json.Marshal for every shape the API returns, with
// non-finite numbers, escapes and empty values included.
func TestEncodeJSONMatchesEncodingJSON(t *testing.T) {
	data, err := os.ReadFile("../../examples/cdnow/transactions.csv")
	if err != nil {
		t.Fatal(err)
	}
	var s Session
	ins := s.Load(data)
	scored, err := s.Score(context.Background(), settingsFor(ins, "1997-09-30", 0.3), nil)
	if err != nil {
		t.Fatal(err)
	}
	odd := DefaultInput()
	odd.Lifespan, odd.Retention, odd.Discount, odd.CAC = 0, 1, 0, 0
	odd.Custom = "aov * <bad> & \"x\"\u2028"
	arpa := 12.5
	withARPA := DefaultInput()
	withARPA.ARPA = &arpa
	withARPA.LifeMode = "churn"
	num := Num(math.NaN())
	values := []any{
		Formulas(),
		DefaultInput(),
		withARPA,
		Calculate(DefaultInput()),
		Calculate(odd),
		Calculate(withARPA),
		ins,
		Inspect([]byte("a;b\n1;2\n")),
		Inspect(nil),
		s.Dates(ins.Guess, ins.DateFormat),
		s.Dates(ins.Guess, "DD/MM/YYYY"),
		scored,
		s.IDs(),
		map[string]string{"error": "line 3: \"x\" <not> a & b\x01\t\n\u2029\xff"},
		map[string]int{"b": 2, "a": 1},
		[]Num{Num(math.Inf(1)), Num(math.Inf(-1)), num, 1e-7, 1e21, 123456789, -0.5},
		[]float64{1e-7, 1e21, 1e20, 0.000001, -2.5e-300, 0, 3},
		[4]*Num{nil, &num},
		struct {
			A []string `json:"a"`
			B []string `json:"b,omitempty"`
			C *bool    `json:"c"`
			D string   `json:"-"`
			E int      `json:",omitempty"`
			F uint8
		}{A: []string{}, D: "hidden", F: 7},
		nil,
	}
	for i, v := range values {
		want, werr := json.Marshal(v)
		got, gerr := EncodeJSON(v)
		if (werr != nil) != (gerr != nil) {
			t.Errorf("value %d (%T): error %v, encoding/json's %v", i, v, gerr, werr)
			continue
		}
		if string(got) != string(want) {
			t.Errorf("value %d (%T):\n got %s\nwant %s", i, v, got, want)
		}
	}
	if _, err := EncodeJSON(math.NaN()); err == nil {
		t.Error("EncodeJSON(NaN): no error")
	}
}

// TestDecodeJSONMatchesEncodingJSON decodes the page's inputs (and some
// that are not) with DecodeJSON and encoding/json.Unmarshal and compares
// the results.
func TestDecodeJSONMatchesEncodingJSON(t *testing.T) {
	inputs := []string{
		`{"currency":"€","aov":120,"frequency":4,"lifeMode":"churn","lifespan":3,"churn":0.3333,"grossMargin":0.4,` +
			`"retention":0.7,"discount":0.08,"cac":80,"arpa":null,"horizon":5,"targetRatio":3,"custom":"aov * frequency","tornado":"retention_b"}`,
		`{"aov": 1e2, "ARPA": 12.5, "unknown": {"x": [1, "two", null, true, {"y": []}]}, "Custom": "a\"b\\c\/d\u00e9\ud83d\ude00\n"}`,
		` { } `,
		`{"columns":{"customer":"customer_id","date":"date","amount":"amount"},"dateFormat":"YYYY-MM-DD","observationEnd":"1997-09-30",` +
			`"margin":0.3,"header":true,"annualDiscountRate":0.05,"months":24,"skipBadRows":false,"spend":"none","purchase":"paretonbd"}`,
		`{"header":false,"annualDiscountRate":0,"columns":null}`,
		`{"formulas":[{"name":"a","builtin":"margin_clv","inputs":{"aov":"monetary_value","frequency":4,"x":{"y":[1,"two",null,true,{}]},"n":null}},{"name":"b","expr":"a*2","inputs":null}],` +
			`"tiers":{"column":"b","cutoffs":[0.1,0.5],"labels":["a","b","c"]},"segmentation":{"map":"rules","rules":[{"segment":"A","when":"clv > 1"}]},"precision":3}`,
		`{"customer":"id","date":"when","amount":"","extra":-0.5e-3}`,
	}
	for _, in := range inputs {
		for _, mk := range []func() any{
			func() any { v := DefaultInput(); return &v },
			func() any { return &Settings{} },
			func() any { return &Mapping{Customer: "keep"} },
		} {
			want, got := mk(), mk()
			werr := json.Unmarshal([]byte(in), want)
			gerr := DecodeJSON([]byte(in), got)
			if werr != nil || gerr != nil {
				t.Errorf("%s into %T: error %v, encoding/json's %v", in, got, gerr, werr)
				continue
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s into %T:\n got %+v\nwant %+v", in, got, got, want)
			}
		}
	}
	for _, bad := range []string{``, `{`, `{"aov":}`, `{"aov":"x"}`, `{"aov":01}`, `{"aov":1}x`, `[1,]`, `{"custom":"\q"}`, `{"months":1.5}`} {
		v := Settings{}
		c := DefaultInput()
		if DecodeJSON([]byte(bad), &v) == nil && DecodeJSON([]byte(bad), &c) == nil {
			t.Errorf("DecodeJSON(%q): no error", bad)
		}
	}
}
