package plugins

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func formulaDesc() Description {
	return Description{Name: "contribution", Version: "1", Kind: KindFormula,
		Inputs: []string{"clv", "p_alive"}, Outputs: []string{"net"},
		Params: []Param{{Name: "rate", Default: 0.1, Min: 0, Max: 1}}}
}

var describeTests = []struct {
	name string
	edit func(*Description)
	want string // "" for valid
}{
	{"valid formula", func(*Description) {}, ""},
	{"valid segmentation", func(d *Description) { d.Kind, d.Outputs, d.Labels = KindSegmentation, nil, []string{"a"} }, ""},
	{"no name", func(d *Description) { d.Name = "" }, "empty plugin name"},
	{"no inputs", func(d *Description) { d.Inputs = nil }, "declares no inputs"},
	{"bad column", func(d *Description) { d.Inputs = []string{"p alive"} }, `"p alive" is not a name`},
	{"digit first", func(d *Description) { d.Outputs = []string{"1x"} }, `"1x" is not a name`},
	{"formula without outputs", func(d *Description) { d.Outputs = nil }, "must declare outputs"},
	{"segmentation without labels", func(d *Description) { d.Kind = KindSegmentation }, "must declare labels"},
	{"unknown kind", func(d *Description) { d.Kind = "scorer" }, `kind "scorer"`},
}

func TestDescriptionValidate(t *testing.T) {
	for _, tc := range describeTests {
		t.Run(tc.name, func(t *testing.T) {
			d := formulaDesc()
			tc.edit(&d)
			err := d.Validate()
			if (err == nil) != (tc.want == "") || (err != nil && !strings.Contains(err.Error(), tc.want)) {
				t.Fatalf("Validate() = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestResolve(t *testing.T) {
	d := formulaDesc()
	p, err := d.Resolve(nil)
	if err != nil || p["rate"] != 0.1 {
		t.Fatalf("defaults: %v, %v", p, err)
	}
	if p, err = d.Resolve(Params{"rate": 0.5}); err != nil || p["rate"] != 0.5 {
		t.Fatalf("given: %v, %v", p, err)
	}
	for _, bad := range []Params{{"rte": 0.5}, {"rate": 2}, {"rate": math.NaN()}} {
		if _, err := d.Resolve(bad); err == nil {
			t.Errorf("Resolve(%v) accepted", bad)
		}
	}
}

func TestCheckBatch(t *testing.T) {
	f := formulaDesc()
	s := Description{Name: "s", Kind: KindSegmentation, Inputs: []string{"clv"}, Labels: []string{"a", "b"}}
	tests := []struct {
		name    string
		d       Description
		out     [][]float64
		labels  []int32
		want    string
		wantRow int // the *RowError's row, -1 for none
	}{
		{"ok formula", f, [][]float64{{1, 2}}, nil, "", -1},
		{"missing column", f, nil, nil, "returned 0 columns, declared 1", -1},
		{"short column", f, [][]float64{{1}}, nil, "returned 1 rows for a batch of 2", -1},
		{"NaN", f, [][]float64{{1, math.NaN()}}, nil, "column net: NaN is not a finite number", 1},
		{"ok labels", s, nil, []int32{0, 1}, "", -1},
		{"label out of range", s, nil, []int32{0, 2}, "label index 2 is out of range 0..1", 1},
		{"negative label", s, nil, []int32{-1, 0}, "label index -1", 0},
		{"wrong label count", s, nil, []int32{0}, "returned 1 labels for a batch of 2", -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckBatch(tc.d, 2, tc.out, tc.labels)
			if (err == nil) != (tc.want == "") || (err != nil && !strings.Contains(err.Error(), tc.want)) {
				t.Fatalf("CheckBatch = %v, want %q", err, tc.want)
			}
			// An error about one row is a *RowError carrying the row, which
			// the host maps to a customer id; the message has no position.
			var re *RowError
			if isRow := errors.As(err, &re); isRow != (tc.wantRow >= 0) || isRow && re.Row != tc.wantRow {
				t.Errorf("CheckBatch = %#v, want a *RowError for row %d", err, tc.wantRow)
			}
		})
	}
}
